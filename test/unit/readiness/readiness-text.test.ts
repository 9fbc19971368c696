/** 考核自查 as text: the terminal's unit and account tables and the 分管领导's monthly message. */
import type { AccountReadiness, ReadinessLine } from '../../../src/readiness/readiness-rules';
import {
  renderAccountReportText,
  renderLeaderMonthlyText,
  renderUnitText,
} from '../../../src/readiness/readiness-text';

const heading = { date: '2026-12-01', tableName: '全国政府网站与政务新媒体检查指标' };

function line(overrides: Partial<ReadinessLine>): ReadinessLine {
  return {
    indicatorId: 'update-frequency',
    name: '更新频率',
    group: 'scored',
    clause: '第二条',
    description: '',
    value: 3,
    shown: '3 天',
    status: 'pass',
    deduction: 0,
    advice: '',
    evidence: [],
    evidenceTotal: 0,
    ...overrides,
  };
}

function account(name: string, overrides: Partial<AccountReadiness>): AccountReadiness {
  return {
    account: { id: name, name, platform: 'weibo', unitId: 'u1', unitName: '县应急管理局', leaderInChargeId: 'p1' },
    status: 'pass',
    score: 100,
    lines: [line({})],
    firstToFix: null,
    notConnected: 0,
    ...overrides,
  };
}

const failing = account('应急发布', {
  status: 'fail',
  score: 80,
  lines: [
    line({
      indicatorId: 'stale',
      name: '长期未更新',
      group: 'veto',
      shown: '15 天',
      status: 'fail',
      advice: '今天发布一条',
    }),
    line({ name: '留言答复', shown: '未接入', value: null, status: 'not-connected' }),
  ],
  firstToFix: { indicatorId: 'stale', name: '长期未更新', advice: '今天发布一条' },
  notConnected: 1,
});
const passing = account('应急微博', {});

describe('readiness text', () => {
  test('when an account fails a veto, then its table shows each line’s value, status word and advice, and what to fix first', () => {
    const text = renderAccountReportText(failing, heading);
    const lines = text.split('\n');
    expect(lines[0]).toBe('县应急管理局 应急发布 考核自查（监测时间点 2026-12-01，全国政府网站与政务新媒体检查指标）');
    expect(lines[1]).toBe('■ 应急发布（县应急管理局）：不合格，80 分（1 项未接入，不计为合格）');
    expect(lines[2]).toBe('首先整改：长期未更新——今天发布一条');
    expect(lines[3].trim().split(/\s+/)).toEqual(['指标', '类别', '结果', '状态', '下一步']);
    expect(lines[4].trim().split(/\s{2,}/)).toEqual(['长期未更新', '单项否决', '15 天', '不合格', '今天发布一条']);
    expect(lines[5].trim().split(/\s{2,}/)).toEqual(['留言答复', '扣分项', '未接入', '未接入', '—']);
    // Columns line up: the status column starts at the same terminal column on every row.
    const statusColumn = (row: string, word: string) =>
      [...row.slice(0, row.indexOf(word))].reduce(
        (width, character) => width + (/[\u4e00-\u9fff]/.test(character) ? 2 : 1),
        0,
      );
    expect(statusColumn(lines[4], '不合格')).toBe(statusColumn(lines[3], '状态'));
  });

  test('when a unit has a failing and a passing account, then its text gives the counts and both accounts', () => {
    const text = renderUnitText(
      {
        unit: { id: 'u1', name: '县应急管理局' },
        status: 'fail',
        lowestScore: 80,
        counts: { pass: 1, risk: 0, fail: 1 },
        accounts: [failing, passing],
      },
      heading,
    );
    expect(text.split('\n').slice(0, 2)).toEqual([
      '县应急管理局 考核自查（监测时间点 2026-12-01，全国政府网站与政务新媒体检查指标）',
      '单位状态：不合格；最低分 80；合格 1 个、风险 0 个、不合格 1 个账号',
    ]);
    expect(text).toContain('■ 应急微博（县应急管理局）：合格，100 分\n无需整改。');
  });

  test('when a leader has a passing and a failing account, then the message lists the worst first and names one thing to fix', () => {
    expect(renderLeaderMonthlyText([passing, failing], heading)).toBe(
      [
        '【考核自查月报】2026-12-01（全国政府网站与政务新媒体检查指标），您分管的 2 个政务新媒体账号：',
        '· 应急发布（县应急管理局）：不合格，80 分',
        '· 应急微博（县应急管理局）：合格，100 分',
        '请首先整改：应急发布“长期未更新”——今天发布一条',
      ].join('\n'),
    );
    expect(renderLeaderMonthlyText([passing], heading)).toContain('各项指标均合格，请继续保持。');
  });
});
