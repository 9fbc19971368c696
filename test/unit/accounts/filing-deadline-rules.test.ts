import { filingDeadline } from '../../../src/accounts/filing-deadline-rules';
import type { WorkingDayCalendar } from '../../../src/accounts/filing-deadline-rules';
import { chineseWorkingDays } from '../../../src/accounts/chinese-working-days';

describe('filing deadline', () => {
  test('when the deadline counts days, then it is the opening day plus N, across months and years', () => {
    expect(filingDeadline('2026-12-30', { days: 3, unit: 'days' }, chineseWorkingDays)).toEqual({
      lastDay: '2027-01-02',
      calendarKnown: true,
    });
  });

  test('when it counts working days over National Day, then holidays are skipped and the 调休 Saturday counts', () => {
    expect(filingDeadline('2026-09-30', { days: 3, unit: 'working-days' }, chineseWorkingDays)).toEqual({
      lastDay: '2026-10-10',
      calendarKnown: true,
    });
    // Friday → Monday, Tuesday, Wednesday.
    expect(filingDeadline('2026-11-20', { days: 3, unit: 'working-days' }, chineseWorkingDays).lastDay).toBe(
      '2026-11-25',
    );
  });

  test('when the count runs into a year the calendar does not know yet, then it says so', () => {
    expect(chineseWorkingDays.knowsYear(2026)).toBe(true);
    expect(chineseWorkingDays.knowsYear(2027)).toBe(false);
    expect(filingDeadline('2026-12-30', { days: 5, unit: 'working-days' }, chineseWorkingDays)).toMatchObject({
      calendarKnown: false,
    });
  });

  test('when another calendar is passed in, then it is the one counted', () => {
    const everyDayWorks: WorkingDayCalendar = { isWorkday: () => true, knowsYear: () => true };
    expect(filingDeadline('2026-10-01', { days: 2, unit: 'working-days' }, everyDayWorks).lastDay).toBe('2026-10-03');
  });
});
