import { reminderStillGuards, reminderSubject } from '../../../src/cadence/reminder-record-rules';
import type { ReminderGuardFacts } from '../../../src/cadence/reminder-record-rules';

const facts: ReminderGuardFacts = {
  lastPostDates: new Map([
    ['posted', { post: '2026-03-03', original: '2026-02-20' }],
    ['silent', { post: null, original: null }],
  ]),
  draftsInReview: new Set(['waiting']),
};
const guards = (key: string) => reminderStillGuards(reminderSubject(key), facts);

describe('which given reminders may be pruned', () => {
  test('when the account posted after the gap began, then its warnings of that gap guard nothing', () => {
    expect(guards('cadence:posted:baseline:2026-02-20')).toBe(false);
    expect(guards('cadence:posted:leader:2026-02-20')).toBe(false);
  });

  test('when the gap is still open, then its warnings stay, the original-content one by the last original post', () => {
    expect(guards('cadence:posted:baseline:2026-03-03')).toBe(true);
    expect(guards('cadence:posted:original:2026-02-20')).toBe(true);
    expect(guards('cadence:silent:admins:2026-01-05')).toBe(true);
    expect(guards('cadence:unknown-account:leader:2026-01-05')).toBe(true);
  });

  test('when a nudged draft is still in review, then its nudges stay; once it left review they go', () => {
    expect(guards('nudge:waiting:v1:s0:p1780000000000:h0:remind')).toBe(true);
    expect(guards('nudge:decided:v1:s0:h0:escalate')).toBe(false);
  });

  test('when a record has a shape no rule knows, then it is kept', () => {
    expect(guards('calendar:2027')).toBe(true);
    expect(guards('cadence:posted:baseline:not-a-date')).toBe(true);
  });
});
