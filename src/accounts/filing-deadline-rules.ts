/**
 * When a newly opened account must be filed (R4): within N days of opening, or N working days where the
 * province counts those (2–10 working days in some). Pure: the working-day calendar is passed in, so the
 * chinese-days adapter can be swapped for the cadence feature's calendar service.
 */
import { addDays } from '../shared/wall-clock';

export interface FilingDeadlinePolicy {
  days: number;
  unit: 'days' | 'working-days';
}

export interface WorkingDayCalendar {
  /** Whether the calendar date ("2026-10-10") is a working day (public holidays and 调休 included). */
  isWorkday(calendarDate: string): boolean;
  /** Whether the official calendar of that year is known (next year's arrives in November–December). */
  knowsYear(year: number): boolean;
}

export interface FilingDeadline {
  /** The last calendar day on which the filing is on time. */
  lastDay: string;
  /** False when a year the count passed through was not in the calendar (weekends only were counted). */
  calendarKnown: boolean;
}

/** The last day to file an account opened on `openedOn`: day N after it, counting days or working days. */
export function filingDeadline(
  openedOn: string,
  policy: FilingDeadlinePolicy,
  calendar: WorkingDayCalendar,
): FilingDeadline {
  if (policy.unit === 'days') return { lastDay: addDays(openedOn, policy.days), calendarKnown: true };
  let day = openedOn;
  let counted = 0;
  let calendarKnown = true;
  while (counted < policy.days) {
    day = addDays(day, 1);
    if (!calendar.knowsYear(Number(day.slice(0, 4)))) calendarKnown = false;
    if (calendar.isWorkday(day)) counted += 1;
  }
  return { lastDay: day, calendarKnown };
}
