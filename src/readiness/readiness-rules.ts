/**
 * The inspection readiness report (R10): every indicator of the table for an account at a 监测时间点,
 * with its value, status, source clause, next step and the records behind it; the account's status and
 * score; a unit's accounts and the units of a scope ranked worst first; the one thing to fix first.
 * Pure: the measures read records readiness-records.ts gathered.
 */
import { adviceOf, deductionOf, readinessStatusWords, statusOfValue } from './indicator-table-rules';
import type { Indicator, IndicatorTable, ReadinessStatus } from './indicator-table-rules';
import { measure } from './readiness-measure-rules';
import type { MeasureContext, ReadinessEvidence, ReadinessRecords } from './readiness-measure-rules';

/** Links kept per line; the count says how many there were. */
export const evidencePerLine = 20;

export interface ReadinessLine {
  indicatorId: string;
  name: string;
  group: Indicator['group'];
  clause: string;
  description: string;
  value: number | null;
  shown: string;
  status: ReadinessStatus;
  deduction: number;
  advice: string;
  evidence: ReadinessEvidence[];
  evidenceTotal: number;
}

/** An account's overall status: 未接入 lines never make it pass or fail. */
export type OverallStatus = Exclude<ReadinessStatus, 'not-connected'>;

export interface AccountReadiness {
  account: { id: string; name: string; platform: string; unitId: string; unitName: string; leaderInChargeId: string };
  status: OverallStatus;
  score: number;
  lines: ReadinessLine[];
  /** The line to fix first: the worst, vetoes before scored ones, heavier first; null when nothing is wrong. */
  firstToFix: { indicatorId: string; name: string; advice: string } | null;
  notConnected: number;
}

export interface UnitReadiness {
  unit: { id: string; name: string };
  status: OverallStatus;
  /** The lowest account score. */
  lowestScore: number;
  counts: Record<OverallStatus, number>;
  accounts: AccountReadiness[];
}

const statusRank: Record<ReadinessStatus, number> = { fail: 0, risk: 1, pass: 2, 'not-connected': 3 };

export function accountReadiness(
  table: IndicatorTable,
  records: ReadinessRecords,
  context: MeasureContext,
): AccountReadiness {
  const lines = table.indicators.map((indicator): ReadinessLine => {
    const measured = measure(records, indicator, context);
    const status = statusOfValue(indicator, measured.value);
    return {
      indicatorId: indicator.id,
      name: indicator.name,
      group: indicator.group,
      clause: indicator.clause,
      description: indicator.description,
      value: measured.value,
      shown: measured.shown,
      status,
      deduction: deductionOf(indicator, status),
      advice: adviceOf(indicator, status, measured.value),
      evidence: measured.evidence.slice(0, evidencePerLine),
      evidenceTotal: measured.evidence.length,
    };
  });
  const score = Math.max(0, 100 - lines.reduce((sum, line) => sum + line.deduction, 0));
  const vetoFailed = lines.some((line) => line.group === 'veto' && line.status === 'fail');
  const status: OverallStatus =
    vetoFailed || score < table.passScore
      ? 'fail'
      : lines.some((line) => line.status === 'fail' || line.status === 'risk')
        ? 'risk'
        : 'pass';
  const { account } = records;
  const worst = [...lines]
    .filter((line) => line.status === 'fail' || line.status === 'risk')
    .sort(
      (left, right) =>
        statusRank[left.status] - statusRank[right.status] ||
        (left.group === right.group ? 0 : left.group === 'veto' ? -1 : 1) ||
        right.deduction - left.deduction,
    )[0];
  return {
    account: {
      id: account.id,
      name: account.name,
      platform: account.platform,
      unitId: account.unitId,
      unitName: account.unitName,
      leaderInChargeId: account.leaderInChargeId,
    },
    status,
    score,
    lines,
    firstToFix: worst ? { indicatorId: worst.indicatorId, name: worst.name, advice: worst.advice } : null,
    notConnected: lines.filter((line) => line.status === 'not-connected').length,
  };
}

/** Worst first: status, then score, then name. */
export function rankAccounts(accounts: readonly AccountReadiness[]): AccountReadiness[] {
  return [...accounts].sort(
    (left, right) =>
      statusRank[left.status] - statusRank[right.status] ||
      left.score - right.score ||
      left.account.name.localeCompare(right.account.name, 'zh-CN'),
  );
}

/** A unit's report from its accounts' (none: null — a unit without accounts is not inspected). */
export function unitReadiness(
  unit: { id: string; name: string },
  accounts: readonly AccountReadiness[],
): UnitReadiness | null {
  if (accounts.length === 0) return null;
  const ranked = rankAccounts(accounts);
  const counts: Record<OverallStatus, number> = { pass: 0, risk: 0, fail: 0 };
  for (const account of ranked) counts[account.status] += 1;
  return {
    unit,
    status: ranked[0].status,
    lowestScore: Math.min(...ranked.map((account) => account.score)),
    counts,
    accounts: ranked,
  };
}

/** Units worst first: status, then how many accounts fail and are at risk, then the lowest score. */
export function rankUnits(units: readonly UnitReadiness[]): UnitReadiness[] {
  return [...units].sort(
    (left, right) =>
      statusRank[left.status] - statusRank[right.status] ||
      right.counts.fail - left.counts.fail ||
      right.counts.risk - left.counts.risk ||
      left.lowestScore - right.lowestScore ||
      left.unit.name.localeCompare(right.unit.name, 'zh-CN'),
  );
}

export function statusWord(status: ReadinessStatus): string {
  return readinessStatusWords[status];
}
