/** The wall-clock dates admins type and read, in the configured time zone (storage is UTC). */
import { normalizeText } from './text-normalization';

/** "2026年11月27日 09:00" in `timeZone`. */
export function formatWallTime(date: Date, timeZone: string): string {
  const parts = wallParts(date, timeZone);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${parts.year}年${parts.month}月${parts.day}日 ${pad(parts.hour)}:${pad(parts.minute)}`;
}

/**
 * A date an admin typed, read in `timeZone`: "2026-12-01", "2026/12/1", "2026年12月1日",
 * "2026-12-01T09:00" or "2026-12-01 09:00"; a text with Z or an offset is taken as is. A date without a
 * time is the start of that day, or with `endOfDay` the start of the next day (so "until 12-07" includes
 * the 7th). Returns null when the text is not such a date.
 */
export function parseWallTime(textValue: string, timeZone: string, options: { endOfDay?: boolean } = {}): Date | null {
  const value = normalizeText(textValue);
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(value) && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ](\d{1,2}):(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const hasTime = match[4] !== undefined;
  const hour = hasTime ? Number(match[4]) : 0;
  const minute = hasTime ? Number(match[5]) : 0;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  const dayOffset = !hasTime && options.endOfDay ? 1 : 0;
  return wallTimeToUtc({ year, month, day: day + dayOffset, hour, minute }, timeZone);
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallParts(date: Date, timeZone: string): WallParts & { second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((entry) => entry.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

function offsetMs(date: Date, timeZone: string): number {
  const parts = wallParts(date, timeZone);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

function wallTimeToUtc(parts: WallParts, timeZone: string): Date {
  const guess = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  const first = guess - offsetMs(new Date(guess), timeZone);
  const second = guess - offsetMs(new Date(first), timeZone);
  return new Date(second);
}
