import { loadOfficialCalendar } from '../../../src/cadence/official-calendar';
import {
  addWorkingDays,
  addWorkingMinutes,
  lastWorkingMomentAtOrBefore,
  previousWorkingDay,
} from '../../../src/cadence/calendar-rules';
import {
  acknowledgementText,
  checkExtension,
  deadlinesFor,
  defaultInquiryPolicy,
  dueInquiryReminders,
  inquiryFigures,
  replyRouteOf,
} from '../../../src/inquiries/inquiry-rules';
import type { InquiryClock, ReminderState } from '../../../src/inquiries/inquiry-rules';

const clock: InquiryClock = {
  calendar: { official: loadOfficialCalendar(2028), overrides: new Map() },
  hours: { startMinute: 8 * 60 + 30, endMinute: 18 * 60 },
  timeZone: 'Asia/Shanghai',
};
const at = (text: string) => new Date(`${text}+08:00`);
const policy = defaultInquiryPolicy;

describe('working time across National Day 2026', () => {
  test('when four working hours start at 16:00 on 30 September, then they end at 10:30 on 8 October', () => {
    expect(addWorkingMinutes(clock.calendar, at('2026-09-30T16:00'), 240, clock.hours, clock.timeZone)).toEqual(
      at('2026-10-08T10:30'),
    );
  });

  test('when counting working days, then the holiday is skipped and the make-up Saturday counts', () => {
    expect(addWorkingDays(clock.calendar, '2026-09-30', 3)).toBe('2026-10-10');
    expect(addWorkingDays(clock.calendar, '2026-09-30', 5)).toBe('2026-10-13');
    expect(previousWorkingDay(clock.calendar, '2026-10-08')).toBe('2026-09-30');
  });

  test('when a warning falls due in the night, then it is given at the end of the working day before', () => {
    const warning = lastWorkingMomentAtOrBefore(
      clock.calendar,
      at('2026-10-02T12:00'),
      at('2026-09-30T16:00'),
      clock.hours,
      clock.timeZone,
    );
    expect(warning).toEqual(at('2026-09-30T17:59'));
    expect(
      lastWorkingMomentAtOrBefore(
        clock.calendar,
        at('2026-10-02T12:00'),
        at('2026-10-01T09:00'),
        clock.hours,
        clock.timeZone,
      ),
    ).toBeNull();
  });
});

describe('deadlines and promises', () => {
  test('when a complaint arrives on the eve of the holiday, then it is due seven working days later', () => {
    expect(deadlinesFor(clock, at('2026-09-30T16:00'), 'complaint', policy).answerDueOn).toBe('2026-10-15');
    expect(deadlinesFor(clock, at('2026-09-30T16:00'), 'consultation', policy).answerDueOn).toBe('2026-10-13');
  });

  test('the acknowledgement states the promised date', () => {
    expect(acknowledgementText(policy.acknowledgementTemplate, '2026-12-10')).toBe(
      '您的留言已收到，我们将于12月10日前答复。',
    );
  });

  test('when an extension has no reason, is not later, or goes past 15 working days, then it is refused', () => {
    const base = { currentDueOn: '2026-10-13', latestOn: '2026-10-27', today: '2026-10-09' };
    expect(checkExtension({ ...base, newDueOn: '2026-10-20', reason: '' })).toContain('理由');
    expect(checkExtension({ ...base, newDueOn: '2026-10-12', reason: '核实' })).toContain('晚于原期限');
    expect(checkExtension({ ...base, newDueOn: '2026-10-28', reason: '核实' })).toContain('10月27日');
    expect(checkExtension({ ...base, newDueOn: '2026-10-27', reason: '核实' })).toBeNull();
  });

  test('a reply goes through the platform only within the window and its quota', () => {
    const window = { source: 'platform' as const, connected: true, lastCitizenMessageAt: at('2026-10-08T09:00') };
    expect(replyRouteOf({ ...window, repliesInWindow: 4 }, at('2026-10-10T08:59'), policy)).toBe('platform');
    expect(replyRouteOf({ ...window, repliesInWindow: 5 }, at('2026-10-09T09:00'), policy)).toBe('quota-used');
    expect(replyRouteOf({ ...window, repliesInWindow: 0 }, at('2026-10-10T09:00'), policy)).toBe('window-closed');
    expect(replyRouteOf({ ...window, source: 'manual', repliesInWindow: 0 }, at('2026-10-08T10:00'), policy)).toBe(
      'no-platform',
    );
  });
});

describe('reminders', () => {
  const state: ReminderState = {
    source: 'manual',
    answerDueOn: '2026-10-13',
    lastCitizenMessageAt: at('2026-09-30T16:00'),
    repliesInWindow: 0,
    repliedInWindow: false,
  };
  const stages = (now: string) => dueInquiryReminders(state, at(now), clock, policy).due.map((due) => due.key);

  test('when it is the working day before the promised date, then the officers are reminded; not on a Sunday', () => {
    expect(stages('2026-10-11T10:00')).toEqual([]);
    expect(stages('2026-10-12T10:00')).toEqual(['answer-soon:2026-10-13']);
    expect(dueInquiryReminders(state, at('2026-10-11T10:00'), clock, policy).nextAt).toEqual(at('2026-10-12T08:30'));
  });

  test('when the promised date has passed, then the leader is told once and the admins every working day', () => {
    expect(stages('2026-10-14T09:00')).toEqual(['due:2026-10-13', 'overdue:2026-10-14']);
    expect(stages('2026-10-15T09:00')).toEqual(['due:2026-10-13', 'overdue:2026-10-15']);
    expect(dueInquiryReminders(state, at('2026-10-14T09:00'), clock, policy).nextAt).toEqual(at('2026-10-15T08:30'));
  });
});

describe('figures', () => {
  test('the answer rate, on-time rate and working-hour percentiles of a hand-computed set', () => {
    const received = at('2026-10-08T09:00');
    const figures = inquiryFigures(
      [
        // Answered after 1, 3 and 12 working hours (the last on 9 October 12:30: 9 h on the 8th + 3.5 h… = 12.5).
        { status: 'answered', receivedAt: received, answeredAt: at('2026-10-08T10:00'), answerDueOn: '2026-10-15' },
        { status: 'answered', receivedAt: received, answeredAt: at('2026-10-08T12:00'), answerDueOn: '2026-10-15' },
        { status: 'answered', receivedAt: received, answeredAt: at('2026-10-09T12:00'), answerDueOn: '2026-10-08' },
        { status: 'open', receivedAt: received, answeredAt: null, answerDueOn: '2026-10-09' },
        { status: 'open', receivedAt: received, answeredAt: null, answerDueOn: '2026-10-20' },
        { status: 'invalid', receivedAt: received, answeredAt: null, answerDueOn: '2026-10-09' },
      ],
      at('2026-10-12T09:00'),
      clock,
    );
    // 6 received, 5 valid, 3 answered (60 %), 2 on time of 3 answered + 1 overdue = 4 owed (50 %).
    expect(figures).toEqual({
      received: 6,
      valid: 5,
      answered: 3,
      answerRate: 0.6,
      answeredOnTime: 2,
      onTimeRate: 0.5,
      // 1 h, 3 h and 9 h (8th 09:00–18:00) + 3.5 h (9th 08:30–12:00) = 12.5 h.
      medianAnswerWorkingHours: 3,
      p90AnswerWorkingHours: 12.5,
      overdue: 1,
    });
  });
});
