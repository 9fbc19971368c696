import { loadIndicatorTable } from '../../../src/readiness/indicator-table-loader';
import { IndicatorTableError, parseIndicatorTable, statusOfValue } from '../../../src/readiness/indicator-table-rules';
import { accountReadiness, rankUnits, unitReadiness } from '../../../src/readiness/readiness-rules';
import type { AccountReadiness, ReadinessLine } from '../../../src/readiness/readiness-rules';
import type {
  MeasureContext,
  ReadinessInquiry,
  ReadinessPost,
  ReadinessRecords,
} from '../../../src/readiness/readiness-measure-rules';

const table = loadIndicatorTable();
const at = (text: string) => new Date(`${text}+08:00`);
const context: MeasureContext = {
  at: at('2026-12-07T10:00'),
  today: '2026-12-07',
  timeZone: 'Asia/Shanghai',
};

let postNumber = 0;
function post(date: string, original = true): ReadinessPost {
  postNumber += 1;
  return { id: `p${postNumber}`, draftId: `d${postNumber}`, publishedAt: at(`${date}T09:00`), original, url: '' };
}

/** Posts every other day from `from` to `to`, all original unless told. */
function postsBetween(from: string, to: string, original = true): ReadinessPost[] {
  const posts: ReadinessPost[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day <= new Date(`${to}T00:00:00Z`);
    day = new Date(day.getTime() + 2 * 86_400_000)
  ) {
    posts.push(post(day.toISOString().slice(0, 10), original));
  }
  return posts;
}

function inquiry(overrides: Partial<ReadinessInquiry>): ReadinessInquiry {
  return {
    id: 'i1',
    code: 'Q7K2',
    status: 'answered',
    receivedAt: at('2026-11-02T10:00'),
    answeredAt: at('2026-11-03T10:00'),
    answerDueOn: '2026-11-09',
    latestDueOn: '2026-11-20',
    ...overrides,
  };
}

/** A connected account in good standing; each test changes what it is about. */
function records(overrides: Partial<ReadinessRecords> = {}): ReadinessRecords {
  return {
    account: {
      id: 'a1',
      name: '平安江城',
      platform: 'wechat-official-account',
      unitId: 'u1',
      unitName: '江城市公安局',
      status: 'active',
      leaderInChargeId: 'p1',
      trackedSince: at('2025-01-01T00:00'),
      cadenceDays: 2,
      interactionEnabled: true,
      filedAt: at('2025-01-02T00:00'),
      filingDueAt: at('2025-01-04T00:00'),
      certification: { certified: true, expiresAt: at('2027-12-31T00:00') },
      closure: [],
    },
    connected: true,
    posts: postsBetween('2026-10-09', '2026-12-07'),
    lastPostBefore: null,
    lastOriginalPostBefore: null,
    articles: [],
    inquiries: [inquiry({})],
    inquiriesRecorded: true,
    review: { id: 'r1', year: 2026, status: 'passed', toCloseSince: null },
    ...overrides,
  };
}

const lineOf = (report: AccountReadiness, id: string): ReadinessLine => {
  const line = report.lines.find((candidate) => candidate.indicatorId === id);
  if (!line) throw new Error(`no line ${id}`);
  return line;
};

describe('the national indicator table', () => {
  test('when the file is read, then every indicator names its clause and the vetoes are the national four', () => {
    expect(table.indicators.every((indicator) => indicator.clause.length > 0)).toBe(true);
    expect(
      table.indicators.filter((indicator) => indicator.group === 'veto').map((indicator) => indicator.name),
    ).toEqual(['内容更新', '互动功能', '留言回应', '严重表述错误', '先审后发']);
  });

  test('when a province variant has a bad threshold, then the error names the field', () => {
    const variant = structuredClone(table) as { indicators: Array<Record<string, unknown>> };
    variant.indicators[0].measure = 'days-since-anything';
    expect(() => parseIndicatorTable(variant, 'province.json')).toThrow(IndicatorTableError);
    expect(() => parseIndicatorTable(variant, 'province.json')).toThrow(/indicators\.0\.measure/);
  });

  test('when a province counts 7 days as a failure, then only the data changes', () => {
    const variant = structuredClone(table);
    variant.indicators[0].fail = 7;
    variant.indicators[0].risk = 5;
    expect(statusOfValue(variant.indicators[0], 8)).toBe('fail');
    expect(statusOfValue(table.indicators[0], 8)).toBe('pass');
  });
});

describe('an account in good standing', () => {
  test('when nothing is wrong, then it passes with 100 and nothing to fix', () => {
    const report = accountReadiness(table, records(), context);
    expect(report.lines.filter((line) => line.status !== 'pass')).toEqual([]);
    expect(report).toMatchObject({ status: 'pass', score: 100, firstToFix: null, notConnected: 0 });
  });
});

describe('update gaps (单项否决: no update in the 2 weeks before the check)', () => {
  test('when the last post is 13 days old, then 内容更新 is 风险 with the days left in its advice', () => {
    const report = accountReadiness(table, records({ posts: postsBetween('2026-10-09', '2026-11-24') }), context);
    const line = lineOf(report, 'update-gap');
    expect(line).toMatchObject({ status: 'risk', value: 13 });
    expect(line.shown).toContain('2026年11月24日');
    expect(line.advice).toBe('即将满14天未更新，请在1天内安排发布一条信息。');
    expect(report.status).toBe('risk');
  });

  test('when the last post is 15 days old, then 内容更新 fails and so does the account, whatever its score', () => {
    const report = accountReadiness(table, records({ posts: postsBetween('2026-10-09', '2026-11-22') }), context);
    expect(lineOf(report, 'update-gap')).toMatchObject({ status: 'fail', value: 15 });
    expect(report.status).toBe('fail');
    expect(report.score).toBeGreaterThanOrEqual(table.passScore);
    expect(report.firstToFix).toMatchObject({ indicatorId: 'update-gap' });
  });

  test('when no post falls in the window but the last one is known from before it, then the gap counts from it', () => {
    const report = accountReadiness(table, records({ posts: [], lastPostBefore: at('2026-09-01T09:00') }), context);
    expect(lineOf(report, 'update-gap')).toMatchObject({ status: 'fail', value: 97 });
  });
});

describe('original content', () => {
  test('when an account only reprints, then 原创更新 and 原创占比 fail while 内容更新 passes', () => {
    const report = accountReadiness(
      table,
      records({ posts: postsBetween('2026-10-09', '2026-12-07', false) }),
      context,
    );
    expect(lineOf(report, 'update-gap').status).toBe('pass');
    expect(lineOf(report, 'original-recency').status).toBe('fail');
    expect(lineOf(report, 'original-share')).toMatchObject({ status: 'fail', value: 0 });
    expect(lineOf(report, 'original-share').evidence[0]).toMatchObject({ kind: 'draft', label: '转载' });
    expect(report.status).toBe('risk');
    expect(report.score).toBe(80);
  });
});

describe('interaction (单项否决: 互动回应差)', () => {
  test('when an inquiry is unanswered past its longest deadline, then 留言回应 fails and links the inquiry', () => {
    const report = accountReadiness(
      table,
      records({ inquiries: [inquiry({ status: 'open', answeredAt: null })] }),
      context,
    );
    const line = lineOf(report, 'interaction-response');
    expect(line).toMatchObject({ status: 'fail', value: 2 });
    expect(line.evidence).toEqual([expect.objectContaining({ kind: 'inquiry', id: 'i1' })]);
    expect(lineOf(report, 'answer-rate').status).toBe('fail');
    expect(report.status).toBe('fail');
  });

  test('when an inquiry is past its promised date but within the longest, then 留言回应 is 风险', () => {
    const open = inquiry({ status: 'open', answeredAt: null, answerDueOn: '2026-12-04', latestDueOn: '2026-12-18' });
    expect(
      lineOf(accountReadiness(table, records({ inquiries: [open] }), context), 'interaction-response'),
    ).toMatchObject({
      status: 'risk',
      value: 1,
    });
  });

  test('when the interaction function is off, then 互动功能 fails', () => {
    const report = accountReadiness(
      table,
      records({ account: { ...records().account, interactionEnabled: false } }),
      context,
    );
    expect(lineOf(report, 'interaction-function').status).toBe('fail');
    expect(report.status).toBe('fail');
  });
});

describe('what the platform shows', () => {
  const article = {
    id: 'art1',
    title: '我市召开安全生产会议',
    url: 'https://mp.weixin.qq.com/s/1',
    publishedAt: at('2026-12-01T09:00'),
    draftId: 'd9',
  };

  test('when a published text carries a serious wrong expression though its draft passed, then 严重表述错误 fails', () => {
    const report = accountReadiness(
      table,
      records({
        articles: [{ ...article, finding: 'verified', seriousExpressions: ['“中国人民共和国”应为“中华人民共和国”'] }],
      }),
      context,
    );
    const line = lineOf(report, 'published-serious-expression');
    expect(line).toMatchObject({ status: 'fail', value: 1 });
    expect(line.evidence[0].label).toContain('中华人民共和国');
    expect(lineOf(report, 'unapproved-publication').status).toBe('pass');
    expect(report.status).toBe('fail');
  });

  test('when an article was published without approval, then 先审后发 fails', () => {
    const report = accountReadiness(
      table,
      records({ articles: [{ ...article, finding: 'unapproved', draftId: null, seriousExpressions: [] }] }),
      context,
    );
    expect(lineOf(report, 'unapproved-publication')).toMatchObject({
      status: 'fail',
      shown: '未经审核 1 篇，与审定稿不一致 0 篇',
    });
  });

  test('when the account is not connected, then the platform lines are 未接入, never a pass', () => {
    const report = accountReadiness(
      table,
      records({ connected: false, inquiries: [], inquiriesRecorded: false }),
      context,
    );
    const unconnected = report.lines.filter((line) => line.status === 'not-connected').map((line) => line.indicatorId);
    expect(unconnected).toEqual([
      'interaction-response',
      'published-serious-expression',
      'unapproved-publication',
      'answer-rate',
      'on-time-rate',
    ]);
    expect(report).toMatchObject({ status: 'pass', notConnected: 5 });
  });

  test('when an unconnected account has inquiries registered by hand, then its inquiry lines are measured', () => {
    const report = accountReadiness(table, records({ connected: false }), context);
    expect(lineOf(report, 'answer-rate').status).toBe('pass');
    expect(lineOf(report, 'published-serious-expression').status).toBe('not-connected');
  });
});

describe('the registry', () => {
  test('when the filing is overdue and the certification expired, then both fail and cost their weight', () => {
    const base = records().account;
    const report = accountReadiness(
      table,
      records({
        account: {
          ...base,
          filedAt: null,
          filingDueAt: at('2026-12-01T00:00'),
          certification: { certified: true, expiresAt: at('2026-11-30T00:00') },
        },
      }),
      context,
    );
    expect(lineOf(report, 'filing').status).toBe('fail');
    expect(lineOf(report, 'certification').status).toBe('fail');
    expect(report.score).toBe(80);
  });

  test('when the review was listed 待关停 40 days ago, then 年审 and 关停整改 fail', () => {
    const report = accountReadiness(
      table,
      records({ review: { id: 'r1', year: 2025, status: 'open', toCloseSince: at('2025-12-01T00:00') } }),
      { ...context, at: at('2026-01-10T10:00'), today: '2026-01-10' },
    );
    expect(lineOf(report, 'annual-review').status).toBe('fail');
    expect(lineOf(report, 'closure')).toMatchObject({ status: 'fail' });
  });
});

describe('units', () => {
  test('when units are ranked, then the one with a failing account comes first', () => {
    const good = accountReadiness(table, records(), context);
    const bad = accountReadiness(table, records({ posts: postsBetween('2026-10-09', '2026-11-20') }), context);
    const ranked = rankUnits([
      unitReadiness({ id: 'u1', name: '甲' }, [good]) as NonNullable<ReturnType<typeof unitReadiness>>,
      unitReadiness({ id: 'u2', name: '乙' }, [good, bad]) as NonNullable<ReturnType<typeof unitReadiness>>,
    ]);
    expect(ranked.map((unit) => [unit.unit.name, unit.status, unit.counts])).toEqual([
      ['乙', 'fail', { pass: 1, risk: 0, fail: 1 }],
      ['甲', 'pass', { pass: 1, risk: 0, fail: 0 }],
    ]);
    expect(unitReadiness({ id: 'u3', name: '丙' }, [])).toBeNull();
  });
});
