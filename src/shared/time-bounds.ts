/**
 * Reads the date bounds the API accepts: a date alone ("2026-12-01", in the configured time zone; as
 * an end, through the end of that day) or a date and time, with or without an offset.
 */
import { ValidationError } from './errors';
import { parseWallTime } from './wall-time';

export function parseTimeBound(text: string, timeZone: string, options: { endOfDay?: boolean } = {}): Date {
  // Seconds of a wall time are dropped: bounds are read to the minute.
  const parsed = parseWallTime(text.replace(/(T\d{2}:\d{2}):\d{2}(\.\d+)?$/, '$1'), timeZone, options);
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new ValidationError(
      'DATE_INVALID',
      `日期“${text.slice(0, 30)}”无法识别，应形如 2026-12-01 或 2026-12-01T09:00`,
    );
  }
  return parsed;
}

/** [from, until) from two bounds; ValidationError when the end is not after the start. */
export function parseTimeRange(from: string, to: string, timeZone: string): { from: Date; until: Date } {
  const start = parseTimeBound(from, timeZone);
  const until = parseTimeBound(to, timeZone, { endOfDay: true });
  if (until.getTime() <= start.getTime()) {
    throw new ValidationError('DATE_RANGE_INVALID', '结束日期应晚于开始日期');
  }
  return { from: start, until };
}
