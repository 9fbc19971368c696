/**
 * 考核自查 as plain Chinese text (R10): a unit's or an account's report for the terminal (`npm run admin
 * -- report`), and the monthly message to each 分管领导. Pure: it only formats reports the service made.
 */
import type { AccountReadiness, OverallStatus, UnitReadiness } from './readiness-rules';
import { statusWord } from './readiness-rules';

/** The moment and table a report names in its heading. */
export interface ReadinessTextHeading {
  date: string;
  tableName: string;
}

const groupWords = { veto: '单项否决', scored: '扣分项' } as const;

/** "县应急管理局 应急发布：不合格，82 分". */
export function describeAccountStanding(account: AccountReadiness): string {
  return `${account.account.name}（${account.account.unitName}）：${statusWord(account.status)}，${formatScore(account.score)} 分`;
}

/**
 * One account's report: its standing, the first thing to fix, and one row per indicator with the shown
 * value, the status word and the next step (blank when the line passes).
 */
export function renderAccountText(account: AccountReadiness): string[] {
  const rows = account.lines.map((line) => [
    line.name,
    groupWords[line.group],
    line.shown,
    statusWord(line.status),
    line.advice || '—',
  ]);
  const first = account.firstToFix
    ? `首先整改：${account.firstToFix.name}——${account.firstToFix.advice}`
    : '无需整改。';
  const notConnected = account.notConnected > 0 ? `（${account.notConnected} 项未接入，不计为合格）` : '';
  return [
    `■ ${describeAccountStanding(account)}${notConnected}`,
    first,
    ...alignColumns([['指标', '类别', '结果', '状态', '下一步'], ...rows]).map((row) => `  ${row}`),
  ];
}

/** A unit's report: its overall standing and counts, then each account worst first. */
export function renderUnitText(unit: UnitReadiness, heading: ReadinessTextHeading): string {
  const { counts } = unit;
  return [
    `${unit.unit.name} 考核自查（监测时间点 ${heading.date}，${heading.tableName}）`,
    `单位状态：${statusWord(unit.status)}；最低分 ${formatScore(unit.lowestScore)}；` +
      `合格 ${counts.pass} 个、风险 ${counts.risk} 个、不合格 ${counts.fail} 个账号`,
    ...unit.accounts.flatMap((account) => ['', ...renderAccountText(account)]),
  ].join('\n');
}

/** One account's report with its heading. */
export function renderAccountReportText(account: AccountReadiness, heading: ReadinessTextHeading): string {
  return [
    `${account.account.unitName} ${account.account.name} 考核自查（监测时间点 ${heading.date}，${heading.tableName}）`,
    ...renderAccountText(account),
  ].join('\n');
}

const statusOrder: Record<OverallStatus, number> = { fail: 0, risk: 1, pass: 2 };

/**
 * The monthly message to a 分管领导: each of their accounts' status and score (worst first), and the
 * one thing to fix first across them — the worst account's first line to fix.
 */
export function renderLeaderMonthlyText(accounts: readonly AccountReadiness[], heading: ReadinessTextHeading): string {
  const ranked = [...accounts].sort(
    (left, right) => statusOrder[left.status] - statusOrder[right.status] || left.score - right.score,
  );
  const first = ranked.find((account) => account.firstToFix);
  return [
    `【考核自查月报】${heading.date}（${heading.tableName}），您分管的 ${ranked.length} 个政务新媒体账号：`,
    ...ranked.map((account) => `· ${describeAccountStanding(account)}`),
    first?.firstToFix
      ? `请首先整改：${first.account.name}“${first.firstToFix.name}”——${first.firstToFix.advice}`
      : '各项指标均合格，请继续保持。',
  ].join('\n');
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

/** Pads cells so the columns line up in a terminal (a CJK character is two columns wide). */
function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]))));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - displayWidth(cell)),
      )
      .join('  '),
  );
}

function displayWidth(text: string): number {
  let width = 0;
  for (const character of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
      character,
    )
      ? 2
      : 1;
  return width;
}
