/**
 * The official working-day calendar from `chinese-days` (public holidays and 调休 make-up workdays).
 * For a year the package does not know yet it answers by weekday, and says so through `knowsYear`.
 */
import { getHolidaysInRange, isWorkday } from 'chinese-days';
import type { WorkingDayCalendar } from './filing-deadline-rules';

const knownYears = new Map<number, boolean>();

export const chineseWorkingDays: WorkingDayCalendar = {
  isWorkday: (calendarDate) => isWorkday(calendarDate),
  knowsYear(year) {
    let known = knownYears.get(year);
    if (known === undefined) {
      // A year the package has data for lists its public holidays; an unknown year lists none.
      known = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      knownYears.set(year, known);
    }
    return known;
  },
};
