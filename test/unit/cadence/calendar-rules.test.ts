import { loadOfficialCalendar } from '../../../src/cadence/official-calendar';
import {
  describeDay,
  describeMissingYears,
  isWithinWorkingHours,
  missingCalendarYears,
  workingDaysBetween,
  workingMinutesBetween,
} from '../../../src/cadence/calendar-rules';
import type { CalendarOverride, WorkingCalendar } from '../../../src/cadence/calendar-rules';

const official = loadOfficialCalendar(2028);
const calendar = (overrides: CalendarOverride[] = []): WorkingCalendar => ({
  official,
  overrides: new Map(overrides.map((override) => [override.date, override])),
});
const hours = { startMinute: 8 * 60 + 30, endMinute: 18 * 60 };
const zone = 'Asia/Shanghai';
const at = (text: string) => new Date(`${text}+08:00`);

describe('working-day calendar', () => {
  test('when it is National Day 2026, then 1–7 October are holidays and the 调休 Sunday and Saturday are working days', () => {
    for (let day = 1; day <= 7; day += 1) {
      expect(describeDay(calendar(), `2026-10-0${day}`)).toMatchObject({ working: false, source: 'official' });
    }
    expect(describeDay(calendar(), '2026-09-20')).toMatchObject({ working: true, source: 'official', name: '国庆节' });
    expect(describeDay(calendar(), '2026-10-10')).toMatchObject({ working: true, source: 'official' });
    expect(describeDay(calendar(), '2026-10-11')).toMatchObject({ working: false, source: 'weekend' });
    expect(describeDay(calendar(), '2026-10-08')).toMatchObject({ working: true, source: 'weekday' });
  });

  test('when the package does not know 2027, then 1 January 2027 looks like a workday but is marked as a guess', () => {
    expect(describeDay(calendar(), '2027-01-01')).toMatchObject({ working: true, yearUnknown: true });
  });

  test('when an admin overrides a day, then the override wins over the package and the weekend', () => {
    const local = calendar([
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2026-10-11', kind: 'workday', name: '防汛值守' },
    ]);
    expect(describeDay(local, '2027-01-01')).toMatchObject({ working: false, source: 'override', name: '元旦' });
    expect(describeDay(local, '2026-10-11')).toMatchObject({ working: true, source: 'override' });
  });

  test('when working days are counted across National Day, then only the 调休 Saturday and weekdays count', () => {
    // 30 Sep (exclusive) to 12 Oct: 8, 9, 10 (调休 Saturday) and 12 October.
    expect(workingDaysBetween(calendar(), '2026-09-30', '2026-10-12')).toBe(4);
    expect(workingDaysBetween(calendar(), '2026-10-12', '2026-10-12')).toBe(0);
  });

  test('when a request waits over the holiday, then only working hours of working days count', () => {
    // 30 Sep 16:00–18:00 is 2 h; 1–7 October count nothing; 8 October 08:30–10:30 is 2 h more.
    expect(workingMinutesBetween(calendar(), at('2026-09-30T16:00:00'), at('2026-10-08T10:30:00'), hours, zone)).toBe(
      240,
    );
    expect(workingMinutesBetween(calendar(), at('2026-10-01T09:00:00'), at('2026-10-07T17:00:00'), hours, zone)).toBe(
      0,
    );
    // Friday 18 Sep 17:00 to the 调休 Sunday 20 Sep 11:30: 1 h + 3 h.
    expect(workingMinutesBetween(calendar(), at('2026-09-18T17:00:00'), at('2026-09-20T11:30:00'), hours, zone)).toBe(
      240,
    );
  });

  test('when asked about working hours, then holidays, evenings and weekends are outside and 调休 days inside', () => {
    expect(isWithinWorkingHours(calendar(), at('2026-10-03T10:00:00'), hours, zone)).toBe(false);
    expect(isWithinWorkingHours(calendar(), at('2026-09-20T10:00:00'), hours, zone)).toBe(true);
    expect(isWithinWorkingHours(calendar(), at('2026-09-21T08:29:00'), hours, zone)).toBe(false);
    expect(isWithinWorkingHours(calendar(), at('2026-09-21T08:30:00'), hours, zone)).toBe(true);
    expect(isWithinWorkingHours(calendar(), at('2026-09-21T18:00:00'), hours, zone)).toBe(false);
  });

  test('when the coming year is missing, then it is reported from 1 December, and the current year always', () => {
    expect(missingCalendarYears(official, '2026-11-30')).toEqual([]);
    expect(missingCalendarYears(official, '2026-12-01')).toEqual([2027]);
    expect(missingCalendarYears(official, '2027-01-01')).toEqual([2027]);
    expect(missingCalendarYears({ ...official, knownYears: new Set([2026, 2027]) }, '2026-12-15')).toEqual([]);
    expect(describeMissingYears([2027], 1)).toContain('尚未包含2027年的法定节假日');
    expect(describeMissingYears([], 0)).toBe('');
  });
});
