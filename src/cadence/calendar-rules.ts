/**
 * The working-day calendar (R6), pure: official public holidays and make-up workdays (调休) from the
 * maintained package, local overrides set by admins on top, weekends otherwise. It also notices when
 * the package has no data for a year that is needed, instead of quietly treating every weekday of that
 * year as a workday (chinese-days 1.5.7 knows 2026 but not 2027).
 */
import { addDays, daysBetween, instantAt, wallMoment, weekdayOf, yearOf } from '../shared/wall-clock';

/** The official calendar as the package publishes it. */
export interface OfficialCalendar {
  /** date → name of public holidays (weekend days inside a holiday included). */
  holidays: ReadonlyMap<string, string>;
  /** date → name of make-up workdays (调休) that fall on a weekend. */
  workdays: ReadonlyMap<string, string>;
  /** Years the package has published data for. */
  knownYears: ReadonlySet<number>;
}

export const overrideKinds = ['holiday', 'workday'] as const;
export type OverrideKind = (typeof overrideKinds)[number];

/** A local exception set by an admin: a county's own day off, an emergency working day. */
export interface CalendarOverride {
  date: string;
  kind: OverrideKind;
  name: string;
}

export interface WorkingCalendar {
  official: OfficialCalendar;
  overrides: ReadonlyMap<string, CalendarOverride>;
}

export type DaySource = 'override' | 'official' | 'weekend' | 'weekday';

export interface CalendarDay {
  date: string;
  working: boolean;
  source: DaySource;
  name: string;
  /** The package has no data for this day's year: the answer is a guess from the weekday. */
  yearUnknown: boolean;
}

/** Working hours of a working day, in minutes after midnight (08:30–18:00 by default). */
export interface WorkingHours {
  startMinute: number;
  endMinute: number;
}

export function describeDay(calendar: WorkingCalendar, date: string): CalendarDay {
  const yearUnknown = !calendar.official.knownYears.has(yearOf(date));
  const override = calendar.overrides.get(date);
  if (override)
    return { date, working: override.kind === 'workday', source: 'override', name: override.name, yearUnknown };
  const workday = calendar.official.workdays.get(date);
  if (workday !== undefined) return { date, working: true, source: 'official', name: workday, yearUnknown };
  const holiday = calendar.official.holidays.get(date);
  if (holiday !== undefined) return { date, working: false, source: 'official', name: holiday, yearUnknown };
  const weekday = weekdayOf(date);
  return weekday === 0 || weekday === 6
    ? { date, working: false, source: 'weekend', name: '周末', yearUnknown }
    : { date, working: true, source: 'weekday', name: '', yearUnknown };
}

export function isWorkingDay(calendar: WorkingCalendar, date: string): boolean {
  return describeDay(calendar, date).working;
}

/** Working days after `from` up to and including `to` (0 when `to` is not later). */
export function workingDaysBetween(calendar: WorkingCalendar, from: string, to: string): number {
  let count = 0;
  for (let day = addDays(from, 1); daysBetween(day, to) >= 0; day = addDays(day, 1)) {
    if (isWorkingDay(calendar, day)) count += 1;
  }
  return count;
}

/** Whether `at` falls within the working hours of a working day. */
export function isWithinWorkingHours(
  calendar: WorkingCalendar,
  at: Date,
  hours: WorkingHours,
  timeZone: string,
): boolean {
  const moment = wallMoment(at, timeZone);
  return (
    isWorkingDay(calendar, moment.date) &&
    moment.minuteOfDay >= hours.startMinute &&
    moment.minuteOfDay < hours.endMinute
  );
}

/**
 * Working time between two instants, in minutes: only the working hours of working days count, so a
 * request sent on the eve of National Day keeps its clock stopped through the holiday.
 */
export function workingMinutesBetween(
  calendar: WorkingCalendar,
  start: Date,
  end: Date,
  hours: WorkingHours,
  timeZone: string,
): number {
  if (end.getTime() <= start.getTime()) return 0;
  const last = wallMoment(end, timeZone).date;
  let total = 0;
  for (let day = wallMoment(start, timeZone).date; daysBetween(day, last) >= 0; day = addDays(day, 1)) {
    if (!isWorkingDay(calendar, day)) continue;
    const opens = instantAt(day, hours.startMinute, timeZone).getTime();
    const closes = instantAt(day, hours.endMinute, timeZone).getTime();
    const from = Math.max(opens, start.getTime());
    const to = Math.min(closes, end.getTime());
    if (to > from) total += (to - from) / 60_000;
  }
  return Math.floor(total);
}

/**
 * From this day of the year on, the package should know the coming year: the State Council publishes
 * the next year's holidays in November or December and the package follows within weeks.
 */
export const comingYearExpectedFrom = '12-01';

/**
 * The years a calendar needs on `today` but the package does not know: the current year always, the
 * coming year from 1 December. Local overrides do not count: they cover single days, not a year.
 */
export function missingCalendarYears(official: OfficialCalendar, today: string): number[] {
  const year = yearOf(today);
  const needed = today.slice(5) >= comingYearExpectedFrom ? [year, year + 1] : [year];
  return needed.filter((candidate) => !official.knownYears.has(candidate));
}

/** What the log, the dashboard and the admins are told about missing years; '' when none is missing. */
export function describeMissingYears(years: readonly number[], overrideCount: number): string {
  if (years.length === 0) return '';
  const list = years.map((year) => `${year}年`).join('、');
  const overrides = overrideCount > 0 ? `目前已手工设置 ${overrideCount} 天。` : '';
  return (
    `【日历缺失】节假日数据包尚未包含${list}的法定节假日和调休安排，系统只能按周一至周五为工作日推算，` +
    `提醒与催办时间可能不准。请升级 chinese-days 数据包，或在管理端手工设置节假日与调休日。${overrides}`
  );
}

/** Guards the walks below against a calendar with no working day at all (a misconfiguration). */
const maxDaysLooked = 3660;

/** The `count`-th working day after `from` (a civil date); `from` itself when `count` is 0. */
export function addWorkingDays(calendar: WorkingCalendar, from: string, count: number): string {
  let day = from;
  for (let found = 0, looked = 0; found < count; looked += 1) {
    if (looked > maxDaysLooked) throw new Error(`no working day within ${maxDaysLooked} days of ${from}`);
    day = addDays(day, 1);
    if (isWorkingDay(calendar, day)) found += 1;
  }
  return day;
}

/** The last working day before `date`. */
export function previousWorkingDay(calendar: WorkingCalendar, date: string): string {
  let day = addDays(date, -1);
  for (let looked = 0; !isWorkingDay(calendar, day); looked += 1) {
    if (looked > maxDaysLooked) throw new Error(`no working day within ${maxDaysLooked} days before ${date}`);
    day = addDays(day, -1);
  }
  return day;
}

/**
 * The instant `minutes` of working time after `start`: only the working hours of working days count,
 * so four working hours from 16:00 on the eve of National Day end on the first working morning after it.
 */
export function addWorkingMinutes(
  calendar: WorkingCalendar,
  start: Date,
  minutes: number,
  hours: WorkingHours,
  timeZone: string,
): Date {
  let left = minutes;
  let day = wallMoment(start, timeZone).date;
  for (let looked = 0; looked < maxDaysLooked; looked += 1, day = addDays(day, 1)) {
    if (!isWorkingDay(calendar, day)) continue;
    const opens = Math.max(instantAt(day, hours.startMinute, timeZone).getTime(), start.getTime());
    const closes = instantAt(day, hours.endMinute, timeZone).getTime();
    if (closes <= opens) continue;
    if (opens + left * 60_000 <= closes) return new Date(opens + left * 60_000);
    left -= (closes - opens) / 60_000;
  }
  throw new Error(`no working time within ${maxDaysLooked} days of ${start.toISOString()}`);
}

/**
 * The latest instant at or before `at` that falls within working hours, or null when there is none
 * after `notBefore`: a warning due outside working hours is given at the end of the working day before.
 */
export function lastWorkingMomentAtOrBefore(
  calendar: WorkingCalendar,
  at: Date,
  notBefore: Date,
  hours: WorkingHours,
  timeZone: string,
): Date | null {
  for (let day = wallMoment(at, timeZone).date; ; day = addDays(day, -1)) {
    // Ends: every day back reaches `notBefore` eventually.
    const closes = instantAt(day, hours.endMinute, timeZone);
    if (closes.getTime() <= notBefore.getTime()) return null;
    if (!isWorkingDay(calendar, day)) continue;
    const opens = instantAt(day, hours.startMinute, timeZone);
    if (opens.getTime() > at.getTime()) continue;
    // Just before closing time: the working period [opens, closes) does not contain `closes` itself.
    const latest = Math.min(at.getTime(), closes.getTime() - 60_000);
    return latest >= notBefore.getTime() ? new Date(latest) : null;
  }
}
