/**
 * When a newly opened account must be filed (R4): within N days of opening, or N working days where the
 * province counts those (2–10 working days in some). Pure: the working-day calendar (official days with
 * the admins' local overrides, see src/cadence/calendar-rules.ts) is passed in.
 */
import { addDays } from '../shared/wall-clock';
import { describeDay } from '../cadence/calendar-rules';
import type { WorkingCalendar } from '../cadence/calendar-rules';

export interface FilingDeadlinePolicy {
  days: number;
  unit: 'days' | 'working-days';
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
  calendar: WorkingCalendar,
): FilingDeadline {
  if (policy.unit === 'days') return { lastDay: addDays(openedOn, policy.days), calendarKnown: true };
  let day = openedOn;
  let counted = 0;
  let calendarKnown = true;
  while (counted < policy.days) {
    day = addDays(day, 1);
    const described = describeDay(calendar, day);
    if (described.yearUnknown) calendarKnown = false;
    if (described.working) counted += 1;
  }
  return { lastDay: day, calendarKnown };
}
