import { filingDeadline } from '../../../src/accounts/filing-deadline-rules';
import { loadOfficialCalendar } from '../../../src/cadence/official-calendar';
import type { CalendarOverride, WorkingCalendar } from '../../../src/cadence/calendar-rules';

const official = loadOfficialCalendar(2028);
const calendar: WorkingCalendar = { official, overrides: new Map() };

describe('filing deadline', () => {
  test('when the deadline counts days, then it is the opening day plus N, across months and years', () => {
    expect(filingDeadline('2026-12-30', { days: 3, unit: 'days' }, calendar)).toEqual({
      lastDay: '2027-01-02',
      calendarKnown: true,
    });
  });

  test('when it counts working days over National Day, then holidays are skipped and the 调休 Saturday counts', () => {
    expect(filingDeadline('2026-09-30', { days: 3, unit: 'working-days' }, calendar)).toEqual({
      lastDay: '2026-10-10',
      calendarKnown: true,
    });
    // Friday → Monday, Tuesday, Wednesday.
    expect(filingDeadline('2026-11-20', { days: 3, unit: 'working-days' }, calendar).lastDay).toBe('2026-11-25');
  });

  test('when the count runs into a year the calendar does not know yet, then it says so', () => {
    expect(official.knownYears.has(2026)).toBe(true);
    expect(official.knownYears.has(2027)).toBe(false);
    expect(filingDeadline('2026-12-30', { days: 5, unit: 'working-days' }, calendar)).toMatchObject({
      calendarKnown: false,
    });
  });

  test('when an admin made a working day a local holiday, then the working-day count skips it', () => {
    const countyDayOff: CalendarOverride = { date: '2026-11-24', kind: 'holiday', name: '县庆' };
    const withOverride: WorkingCalendar = { official, overrides: new Map([[countyDayOff.date, countyDayOff]]) };
    expect(filingDeadline('2026-11-20', { days: 3, unit: 'working-days' }, withOverride).lastDay).toBe('2026-11-26');
  });
});
