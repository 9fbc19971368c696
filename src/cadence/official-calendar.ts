/**
 * The official calendar from `chinese-days` (the maintained package, upgraded each winter when the
 * State Council publishes the next year): public holidays, make-up workdays, and the years it knows.
 * A year is known when the package lists any official day in it (every year has 元旦).
 */
import { getDayDetail } from 'chinese-days';
import type { OfficialCalendar } from './calendar-rules';
import { addDays, yearOf } from '../shared/wall-clock';

const firstYear = 2004;

let loaded: { untilYear: number; calendar: OfficialCalendar } | null = null;

/** Reads the package once per process; covers every year up to `untilYear` (the year after next by default). */
export function loadOfficialCalendar(untilYear = new Date().getUTCFullYear() + 2): OfficialCalendar {
  if (loaded && loaded.untilYear >= untilYear) return loaded.calendar;
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  const knownYears = new Set<number>();
  const end = `${untilYear}-12-31`;
  for (let date = `${firstYear}-01-01`; date <= end; date = addDays(date, 1)) {
    const detail = getDayDetail(date);
    // Official entries are named "English,中文,days"; ordinary days carry the weekday's name.
    if (!detail.name.includes(',')) continue;
    const name = detail.name.split(',')[1] ?? detail.name;
    (detail.work ? workdays : holidays).set(date, name);
    knownYears.add(yearOf(date));
  }
  loaded = { untilYear, calendar: { holidays, workdays, knownYears } };
  return loaded.calendar;
}
