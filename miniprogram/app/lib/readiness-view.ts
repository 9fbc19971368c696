/**
 * 考核自查 (R10) in words: the status of a unit, an account and each indicator line (合格, 风险, 不合格,
 * 未接入) with its tag colour, the units ranked worst first with their accounts, and one account's report
 * with each line's clause, next step and the records behind it. Pure: the pages only show what this makes.
 */
import type {
  AccountReadinessReport,
  AccountReadinessView,
  ReadinessEvidenceView,
  ReadinessLineView,
  ReadinessOverview,
  ReadinessQuery,
  ReadinessStatusName,
  UnitReadinessView,
} from '../../../src/shared/contracts';
import { formatDate } from './format';

export const readinessStatusWords: Record<ReadinessStatusName, string> = {
  pass: '合格',
  risk: '风险',
  fail: '不合格',
  'not-connected': '未接入',
};

/** The status tag's look in the shared colours: pass green, risk amber, fail red, not connected grey. */
export const readinessStatusTags: Record<ReadinessStatusName, string> = {
  pass: 'approved',
  risk: 'warn',
  fail: 'critical',
  'not-connected': 'info',
};

export const indicatorGroupWords = { veto: '单项否决', scored: '扣分项' } as const;

const platformWords: Record<string, string> = {
  'wechat-official-account': '微信公众号',
  'wechat-channels': '微信视频号',
  weibo: '微博',
  toutiao: '今日头条',
  douyin: '抖音',
  kuaishou: '快手',
  app: '客户端',
  other: '其他平台',
};

/** 82 · 75.5 */
export function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

/** The request for a 监测日期: none for today, so the server reports as of now. */
export function readinessQuery(date: string, today: string): ReadinessQuery {
  return date && date !== today ? { date } : {};
}

/** 监测日期 2026-11-27（今天） */
export function monitoringDateText(date: string, today: string): string {
  return date === today ? `${date}（今天）` : date;
}

function statusOf(status: ReadinessStatusName) {
  return { status, statusText: readinessStatusWords[status], statusTag: readinessStatusTags[status] };
}

/** One account in a unit's list: its status and score and the first thing to fix. */
export function toReadinessAccountRow(account: AccountReadinessView) {
  const first = account.firstToFix;
  return {
    id: account.account.id,
    name: account.account.name,
    platformText: platformWords[account.account.platform] ?? account.account.platform,
    ...statusOf(account.status),
    scoreText: `${formatScore(account.score)} 分`,
    firstToFixText: first ? `首先整改：${first.name}——${first.advice}` : '各项指标均合格',
    notConnectedText: account.notConnected > 0 ? `${account.notConnected} 项未接入` : '',
  };
}

export type ReadinessAccountRow = ReturnType<typeof toReadinessAccountRow>;

/** A unit in the ranking: its status, how many accounts fail, are at risk or pass, and its lowest score. */
export function toReadinessUnitRow(unit: UnitReadinessView) {
  const { counts } = unit;
  return {
    id: unit.unit.id,
    name: unit.unit.name,
    ...statusOf(unit.status),
    counts: [
      { key: 'fail', label: '不合格', value: counts.fail, alert: counts.fail > 0 },
      { key: 'risk', label: '风险', value: counts.risk, alert: counts.risk > 0 },
      { key: 'pass', label: '合格', value: counts.pass, alert: false },
    ],
    lowestScoreText: `最低 ${formatScore(unit.lowestScore)} 分`,
    accounts: unit.accounts.map(toReadinessAccountRow),
  };
}

export type ReadinessUnitRow = ReturnType<typeof toReadinessUnitRow>;

/** The ranking page: the units as the server ranked them (worst first), under the table's name. */
export function toReadinessOverviewView(overview: ReadinessOverview) {
  return {
    date: overview.date,
    tableText: `${overview.table.name}，${formatScore(overview.table.passScore)} 分及格`,
    units: overview.units.map(toReadinessUnitRow),
  };
}

export type ReadinessOverviewView = ReturnType<typeof toReadinessOverviewView>;

/** Where a record opens: a draft its detail, an inquiry its detail; the others are only named. */
export type EvidenceOpens = 'draft' | 'inquiry' | '';

export function toEvidenceRow(evidence: ReadinessEvidenceView, index: number) {
  const opens: EvidenceOpens = evidence.kind === 'draft' || evidence.kind === 'inquiry' ? evidence.kind : '';
  return {
    key: `${evidence.kind}-${evidence.id}-${index}`,
    kind: evidence.kind,
    id: evidence.id,
    label: evidence.label,
    dateText: formatDate(evidence.at),
    opens,
  };
}

export type EvidenceRow = ReturnType<typeof toEvidenceRow>;

export function toReadinessLineRow(line: ReadinessLineView) {
  const more = line.evidenceTotal - line.evidence.length;
  return {
    key: line.indicatorId,
    name: line.name,
    groupText: indicatorGroupWords[line.group],
    shown: line.shown,
    ...statusOf(line.status),
    clause: line.clause,
    advice: line.advice,
    evidence: line.evidence.map(toEvidenceRow),
    moreEvidenceText: more > 0 ? `另有 ${more} 条记录未列出` : '',
  };
}

export type ReadinessLineRow = ReturnType<typeof toReadinessLineRow>;

/** One account's report: its standing, the first thing to fix, then every line (the failing ones first as sent). */
export function toAccountReportView(report: AccountReadinessReport) {
  const { account } = report;
  const row = toReadinessAccountRow(account);
  return {
    ...row,
    unitName: account.account.unitName,
    date: report.date,
    tableText: `${report.table.name}，${formatScore(report.table.passScore)} 分及格`,
    notConnectedNote:
      account.notConnected > 0 ? `${account.notConnected} 项未接入平台或没有记录，不计为合格，请接入后再看。` : '',
    lines: account.lines.map(toReadinessLineRow),
  };
}

export type AccountReportView = ReturnType<typeof toAccountReportView>;
