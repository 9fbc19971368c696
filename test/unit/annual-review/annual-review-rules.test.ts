import {
  becomesToClose,
  cycleYearOf,
  decisionRefusal,
  dueReminderDay,
  dueWeeklyNoticeDay,
  missingItem,
} from '../../../src/annual-review/annual-review-rules';

describe('annual review rules', () => {
  test('when a date falls in January, then it belongs to the cycle of the November before', () => {
    expect(cycleYearOf('2026-11-01')).toBe(2026);
    expect(cycleYearOf('2026-12-31')).toBe(2026);
    expect(cycleYearOf('2027-01-05')).toBe(2026);
    expect(cycleYearOf('2027-10-31')).toBe(2026);
  });

  test('when a reminder day was missed, then the latest one not after today is due, and none outside November', () => {
    const days = [1, 15, 25, 30];
    expect(dueReminderDay('2026-11-01', days)).toBe('2026-11-01');
    expect(dueReminderDay('2026-11-14', days)).toBe('2026-11-01');
    expect(dueReminderDay('2026-11-16', days)).toBe('2026-11-15');
    expect(dueReminderDay('2026-11-30', days)).toBe('2026-11-30');
    expect(dueReminderDay('2026-12-01', days)).toBeNull();
    expect(dueReminderDay('2026-11-03', [5, 20])).toBeNull();
  });

  test('when 待关停 runs into the new year, then the weekly notice days continue from 1 December', () => {
    expect(dueWeeklyNoticeDay('2026-11-30', 2026)).toBeNull();
    expect(dueWeeklyNoticeDay('2026-12-01', 2026)).toBe('2026-12-01');
    expect(dueWeeklyNoticeDay('2026-12-07', 2026)).toBe('2026-12-01');
    expect(dueWeeklyNoticeDay('2026-12-08', 2026)).toBe('2026-12-08');
    expect(dueWeeklyNoticeDay('2027-01-06', 2026)).toBe('2027-01-05');
  });

  test('when 1 December comes, then open and failed reviews become 待关停 and submitted ones wait for their decision', () => {
    expect(becomesToClose({ status: 'open', toClose: false })).toBe(true);
    expect(becomesToClose({ status: 'failed', toClose: false })).toBe(true);
    expect(becomesToClose({ status: 'submitted', toClose: false })).toBe(false);
    expect(becomesToClose({ status: 'passed', toClose: false })).toBe(false);
    expect(becomesToClose({ status: 'open', toClose: true })).toBe(false);
  });

  test('when an admin decides, then only a submitted report can be decided and a failure needs a reason', () => {
    expect(decisionRefusal({ status: 'submitted' }, true, '')).toBeNull();
    expect(decisionRefusal({ status: 'submitted' }, false, ' ')).toMatchObject({ kind: 'invalid' });
    expect(decisionRefusal({ status: 'submitted' }, false, ' ')?.message).toContain('须写明理由');
    expect(decisionRefusal({ status: 'open' }, true, '')).toMatchObject({ kind: 'conflict' });
    expect(decisionRefusal({ status: 'open' }, true, '')?.message).toContain('须先提交报告');
    expect(decisionRefusal({ status: 'passed' }, true, '')?.message).toContain('已通过');
    // A review not submitted is refused for that first, reason or not.
    expect(decisionRefusal({ status: 'passed' }, false, '')).toMatchObject({ kind: 'conflict' });
  });

  test('when a reminder is written, then it names what is missing', () => {
    expect(missingItem({ status: 'open', decision: null })).toBe('年度报告尚未提交');
    expect(missingItem({ status: 'failed', decision: { reason: '缺少留言办理情况' } })).toContain('缺少留言办理情况');
    expect(missingItem({ status: 'submitted', decision: null })).toBeNull();
  });
});
