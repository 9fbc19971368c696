import type { ClosureStep } from '../../../src/accounts/account-model';
import {
  closureStepRefusal,
  closureWithdrawalRefusal,
  draftRefusal,
  dueCertificationReminder,
  nextClosureStep,
  parsePlatform,
} from '../../../src/accounts/account-rules';
import { addDays } from '../../../src/shared/wall-clock';

const steps = (...done: ClosureStep[]) => done.map((step) => ({ step }));

describe('account rules', () => {
  test('when a platform is written in Chinese or as its key, then it is recognised', () => {
    expect(parsePlatform('微信公众号')).toBe('wechat-official-account');
    expect(parsePlatform('公众号')).toBe('wechat-official-account');
    expect(parsePlatform('douyin')).toBe('douyin');
    expect(parsePlatform('人人网')).toBeNull();
  });

  test('when closure steps are taken in order by the right people, then each is allowed', () => {
    const active = { status: 'active' as const, closure: steps() };
    expect(closureStepRefusal(active, 'requested', ['account-keeper'], '')).toBeNull();
    const requested = { status: 'closing' as const, closure: steps('requested') };
    expect(closureStepRefusal(requested, 'approved', ['admin'], '')).toBeNull();
    expect(nextClosureStep(requested.closure)).toBe('approved');
    const approved = { status: 'closing' as const, closure: steps('requested', 'approved') };
    expect(closureStepRefusal(approved, 'stop-notice-published', ['account-keeper'], 'https://a.cn/n')).toBeNull();
    expect(
      nextClosureStep(steps('requested', 'approved', 'stop-notice-published', 'platform-cancelled', 'filed')),
    ).toBeNull();
  });

  test('when a step is skipped, repeated or taken by the wrong person, then the refusal says what to do', () => {
    const active = { status: 'active' as const, closure: steps() };
    expect(closureStepRefusal(active, 'approved', ['admin'], '')?.message).toContain('请先完成“申请关停”');
    const requested = { status: 'closing' as const, closure: steps('requested') };
    expect(closureStepRefusal(requested, 'requested', ['admin'], '')).toEqual({
      kind: 'conflict',
      message: '“申请关停”已办理',
    });
    expect(closureStepRefusal(requested, 'approved', ['account-keeper'], '')).toEqual({
      kind: 'forbidden',
      message: '只有归口管理部门的管理员可以批准关停',
    });
    const approved = { status: 'closing' as const, closure: steps('requested', 'approved') };
    expect(closureStepRefusal(approved, 'stop-notice-published', ['admin'], '停更了')?.message).toContain(
      '请附上停更公告的链接',
    );
    expect(closureStepRefusal({ status: 'closed', closure: [] }, 'requested', ['admin'], '')?.message).toContain(
      '已关停备案',
    );
    expect(closureStepRefusal({ status: 'applying', closure: [] }, 'requested', ['admin'], '')?.message).toContain(
      '尚未开办',
    );
  });

  test('when a closure request is not approved yet, then its requester or an admin may withdraw it, and no one else', () => {
    const requested = { status: 'closing' as const, closure: [{ step: 'requested' as const, byId: 'officer' }] };
    expect(closureWithdrawalRefusal(requested, { personId: 'officer', roles: ['account-keeper'] })).toBeNull();
    expect(closureWithdrawalRefusal(requested, { personId: 'office', roles: ['admin'] })).toBeNull();
    expect(closureWithdrawalRefusal(requested, { personId: 'leader', roles: ['account-keeper'] })).toEqual({
      kind: 'forbidden',
      message: '只有提出关停申请的人或管理员可以撤回关停申请',
    });
  });

  test('when the closure is approved, closed or never requested, then withdrawal is refused with the reason', () => {
    const admin = { personId: 'office', roles: ['admin' as const] };
    const approved = {
      status: 'closing' as const,
      closure: [
        { step: 'requested' as const, byId: 'officer' },
        { step: 'approved' as const, byId: 'office' },
      ],
    };
    expect(closureWithdrawalRefusal(approved, admin)).toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('关停已获归口管理部门批准，不能再撤回申请') as unknown,
    });
    expect(closureWithdrawalRefusal({ status: 'closed', closure: [] }, admin)?.message).toContain('已关停备案');
    expect(closureWithdrawalRefusal({ status: 'active', closure: [] }, admin)?.message).toBe(
      '该账号没有待批准的关停申请，无需撤回',
    );
  });

  test('when the closure is approved, then the account takes no drafts; while only requested, it still does', () => {
    expect(draftRefusal({ status: 'active', closure: [] })).toBeNull();
    expect(draftRefusal({ status: 'closing', closure: steps('requested') })).toBeNull();
    expect(draftRefusal({ status: 'closing', closure: steps('requested', 'approved') })).toContain('不能再投稿');
    expect(draftRefusal({ status: 'closed', closure: [] })).toContain('已关停');
    expect(draftRefusal({ status: 'applying', closure: [] })).toContain('开办申请待审批');
  });

  test('when a certification expires on 1 February, then the due reminder is the latest of 90, 30 and 7 days before', () => {
    const due = (today: string) => dueCertificationReminder('2027-02-01', today, addDays);
    expect(due('2026-11-02')).toBeNull();
    expect(due('2026-11-03')).toEqual({ day: '2026-11-03', daysBefore: 90 });
    expect(due('2026-12-20')).toEqual({ day: '2026-11-03', daysBefore: 90 });
    expect(due('2027-01-02')).toEqual({ day: '2027-01-02', daysBefore: 30 });
    expect(due('2027-01-31')).toEqual({ day: '2027-01-25', daysBefore: 7 });
    expect(due('2027-02-01')).toBeNull();
  });
});
