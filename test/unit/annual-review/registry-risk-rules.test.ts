import { Types } from 'mongoose';
import { registryRiskReasons } from '../../../src/annual-review/registry-risk-rules';
import type { RiskAccount, RiskReview } from '../../../src/annual-review/registry-risk-rules';

const context = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const shanghai = (date: string) => new Date(`${date}T00:00:00+08:00`);

function account(overrides: Partial<RiskAccount> = {}): RiskAccount {
  return {
    status: 'active',
    filedAt: shanghai('2025-03-03'),
    filingDueAt: shanghai('2025-03-05'),
    certification: { certified: true, expiresAt: shanghai('2027-06-30') },
    interactionEnabled: true,
    ...overrides,
  };
}

function review(overrides: Partial<RiskReview> = {}): RiskReview {
  return { year: 2026, status: 'passed', toClose: false, toCloseSince: null, decision: null, ...overrides };
}

const said = (reasons: ReturnType<typeof registryRiskReasons>) =>
  reasons.map((reason) => `${reason.kind} ${reason.severity} ${reason.message}`);

describe('registry risks for the dashboard', () => {
  test('when an account is in order and its review passed, then it is not at risk', () => {
    expect(registryRiskReasons(account(), review(), context)).toEqual([]);
  });

  test('when the interaction function is off, then it is critical: a veto in the national inspection', () => {
    expect(said(registryRiskReasons(account({ interactionEnabled: false }), null, context))).toEqual([
      'interaction critical 互动功能已关闭，全国检查列为单项否决',
    ]);
  });

  test('when the certification nears its expiry, then it warns from 90 days, critical from 7 and when expired', () => {
    const expiring = (date: string) =>
      said(
        registryRiskReasons(account({ certification: { certified: true, expiresAt: shanghai(date) } }), null, context),
      );
    expect(expiring('2027-02-26')).toEqual([]);
    expect(expiring('2027-02-25')).toEqual(['certification warn 平台认证2027年2月25日到期，还有 90 天']);
    expect(expiring('2026-12-05')).toEqual(['certification warn 平台认证2026年12月5日到期，还有 8 天']);
    expect(expiring('2026-12-04')).toEqual(['certification critical 平台认证2026年12月4日到期，还有 7 天']);
    expect(expiring('2026-11-26')).toEqual(['certification critical 平台认证已于2026年11月26日过期']);
    expect(
      registryRiskReasons(
        account({ certification: { certified: false, expiresAt: shanghai('2026-11-26') } }),
        null,
        context,
      ),
    ).toEqual([]);
  });

  test("when the filing is overdue or this cycle's review is missing in its last week, failed or 待关停, then each says so", () => {
    expect(
      said(registryRiskReasons(account({ filedAt: null, filingDueAt: shanghai('2026-11-20') }), null, context)),
    ).toEqual(['registry warn 逾期未备案（应于2026年11月20日前）']);
    expect(said(registryRiskReasons(account(), review({ status: 'open' }), context))).toEqual([
      'annual-review warn 2026年度年审报告未提交，4 天后列为待关停',
    ]);
    const early = { ...context, now: new Date('2026-11-23T15:59:00Z') };
    expect(registryRiskReasons(account(), review({ status: 'open' }), early)).toEqual([]);
    expect(
      said(
        registryRiskReasons(account(), review({ status: 'open' }), { ...early, now: new Date('2026-11-23T16:00:00Z') }),
      ),
    ).toEqual(['annual-review warn 2026年度年审报告未提交，7 天后列为待关停']);
    const failed = review({
      status: 'failed',
      decision: { passed: false, byId: new Types.ObjectId(), at: shanghai('2026-11-08'), reason: '缺少留言办理情况' },
    });
    expect(said(registryRiskReasons(account(), failed, context))).toEqual([
      'annual-review warn 2026年度年审未通过：缺少留言办理情况，须重新提交',
    ]);
    const toClose = review({ status: 'open', toClose: true, toCloseSince: shanghai('2026-12-01') });
    expect(registryRiskReasons(account(), toClose, context)).toEqual([
      {
        kind: 'annual-review',
        severity: 'critical',
        message: '2026年度年审未通过，已列为待关停',
        since: shanghai('2026-12-01'),
      },
    ]);
    expect(registryRiskReasons(account(), review({ status: 'submitted' }), context)).toEqual([]);
  });

  test('when an account is not running, then the registry does not count it at risk', () => {
    expect(
      registryRiskReasons(
        account({ status: 'closing', interactionEnabled: false }),
        review({ status: 'open' }),
        context,
      ),
    ).toEqual([]);
  });
});
