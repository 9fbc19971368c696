import { accountRiskReasons } from '../../../src/annual-review/account-risk-rules';
import type { AccountRiskFacts } from '../../../src/annual-review/account-risk-rules';

describe('why an account is at risk on the dashboard', () => {
  const now = new Date('2026-11-20T02:00:00Z');
  const today = '2026-11-20';
  const healthy: AccountRiskFacts = {
    filedAt: new Date('2026-03-02T02:00:00Z'),
    filingDueAt: new Date('2026-03-04T16:00:00Z'),
    interactionEnabled: true,
    certificationExpiresOn: '2027-06-30',
    review: { status: 'passed', toClose: false, toCloseSince: null, decision: { reason: '' } },
  };
  const kinds = (facts: Partial<AccountRiskFacts>) =>
    accountRiskReasons({ ...healthy, ...facts }, now, today).map(({ kind, severity, message }) => [
      kind,
      severity,
      message,
    ]);

  test('when everything is in order, then there is no reason', () => {
    expect(kinds({})).toEqual([]);
  });

  test('when the filing deadline passed without a filing, then it is critical; before the deadline it is not', () => {
    expect(kinds({ filedAt: null, filingDueAt: new Date('2026-11-19T16:00:00Z') })).toEqual([
      ['registry', 'critical', '开办后未按期备案'],
    ]);
    expect(kinds({ filedAt: null, filingDueAt: new Date('2026-11-21T16:00:00Z') })).toEqual([]);
  });

  test('when the interaction function is off, then it is critical (a national inspection veto)', () => {
    expect(kinds({ interactionEnabled: false })).toEqual([
      ['interaction', 'critical', '互动功能（留言/评论）已关闭，国检单项否决项'],
    ]);
  });

  test.each([
    ['2027-02-19', []],
    ['2027-02-18', [['certification', 'warn', '平台认证将于2027年2月18日到期（还有90天）']]],
    ['2026-11-27', [['certification', 'critical', '平台认证将于2026年11月27日到期（还有7天）']]],
    ['2026-11-20', [['certification', 'critical', '平台认证已于2026年11月20日到期']]],
  ])('when the certification expires on %s, then the reasons are %j', (expiresOn, expected) => {
    expect(kinds({ certificationExpiresOn: expiresOn })).toEqual(expected);
  });

  test('when the review is open, failed or 待关停, then it says what is missing and how urgent', () => {
    expect(kinds({ review: { status: 'open', toClose: false, toCloseSince: null, decision: null } })).toEqual([
      ['annual-review', 'warn', '年度报告尚未提交'],
    ]);
    expect(
      kinds({ review: { status: 'failed', toClose: false, toCloseSince: null, decision: { reason: '数据不全' } } }),
    ).toEqual([['annual-review', 'critical', '年度报告未通过审核（数据不全），须整改后重新提交']]);
    const since = new Date('2026-11-30T16:00:00Z');
    expect(
      accountRiskReasons(
        { ...healthy, review: { status: 'open', toClose: true, toCloseSince: since, decision: null } },
        now,
        today,
      ),
    ).toEqual([{ kind: 'annual-review', severity: 'critical', message: '年审逾期未提交，待关停', since }]);
    expect(kinds({ review: null })).toEqual([]);
    expect(kinds({ review: { status: 'submitted', toClose: false, toCloseSince: null, decision: null } })).toEqual([]);
  });
});
