/** Turns the dashboard answer into what the page shows: chart specs and list rows, all in Chinese. */
import type { AccountAtRisk, Dashboard } from '../../../src/shared/contracts';
import type { BarChartSpec } from './bar-chart-drawing';
import { formatDuration, formatTime, statusNames, statusOrder } from './format';
import { toPublicationCountsCard } from './publication-check-view';

export const chartColors = { main: '#1a5fb4', light: '#a9c6ee', warn: '#d9822b' };

/** 95分 · 4.3时 · 1.2天: short enough for a chart's value column. */
export function compactDuration(minutes: number): string {
  if (minutes < 60) return `${Math.round(minutes)}分`;
  if (minutes < 24 * 60) return `${(minutes / 60).toFixed(1)}时`;
  return `${(minutes / 60 / 24).toFixed(1)}天`;
}

const riskKindNames: Record<AccountAtRisk['reasons'][number]['kind'], string> = {
  cadence: '更新频率',
  'annual-review': '年度审核',
  registry: '备案',
  interaction: '互动功能',
  certification: '认证',
};

/** One figure of the registry card; `alert` when a non-zero value needs the admins' attention. */
interface RegistryFigure {
  label: string;
  value: number;
  alert: boolean;
}

/** The registry and annual-review counts as two rows of figures; null when the viewer is no admin. */
function toRegistryView(registry: Dashboard['registry']) {
  if (!registry) return null;
  const figure = (label: string, value: number, alerting = false): RegistryFigure => ({
    label,
    value,
    alert: alerting && value > 0,
  });
  const { accounts, annualReview } = registry;
  return {
    accounts: [
      figure('运行中', accounts.byStatus.active),
      figure('申请中', accounts.byStatus.applying),
      figure('关停中', accounts.byStatus.closing),
      figure('逾期未备案', accounts.filingOverdue, true),
      figure('互动关闭', accounts.interactionOff, true),
      figure('认证将到期', accounts.certificationExpiring, true),
    ],
    reviewYear: annualReview.year,
    reviews: [
      figure('未提交', annualReview.open, true),
      figure('待审核', annualReview.submitted),
      figure('通过', annualReview.passed),
      figure('不通过', annualReview.failed, true),
      figure('待关停', annualReview.toClose, true),
    ],
  };
}

export function toDashboardView(dashboard: Dashboard) {
  const counts = dashboard.countsByStatus;
  const statusChart: BarChartSpec = {
    color: chartColors.main,
    rows: statusOrder.map((status) => ({
      label: statusNames[status],
      value: counts[status],
      valueText: `${counts[status]} 篇`,
    })),
  };
  const turnaroundChart: BarChartSpec = {
    color: chartColors.main,
    extendedColor: chartColors.light,
    rows: dashboard.turnaround.units.map((unit) => ({
      label: unit.unit.name,
      value: unit.medianMinutes,
      extendedValue: unit.p90Minutes,
      valueText: `${compactDuration(unit.medianMinutes)}/${compactDuration(unit.p90Minutes)}`,
    })),
    legend: [
      { color: chartColors.main, text: '中位数' },
      { color: chartColors.light, text: '90% 在此之内' },
    ],
  };
  const accountsAtRisk = dashboard.accountsAtRisk;
  const riskCounts = new Map<string, number>();
  for (const account of accountsAtRisk ?? []) {
    for (const kind of new Set(account.reasons.map((reason) => reason.kind))) {
      riskCounts.set(riskKindNames[kind], (riskCounts.get(riskKindNames[kind]) ?? 0) + 1);
    }
  }
  return {
    generatedText: formatTime(dashboard.generatedAt),
    total: statusOrder.reduce((sum, status) => sum + counts[status], 0),
    statusChart,
    turnaroundWindowDays: dashboard.turnaround.windowDays,
    turnaroundChart,
    waiting: dashboard.waitingLongest.map((draft) => ({
      code: draft.code,
      title: draft.title,
      unitName: draft.unit.name,
      approvers: draft.pendingApprovers.map((person) => person.name).join('、') || '（无人可审，请处理）',
      waitedText: formatDuration(draft.waitingMinutes),
      sinceText: formatTime(draft.waitingSince),
    })),
    registry: toRegistryView(dashboard.registry),
    /** 发布核验 of the last 30 days; null for viewers who see no accounts. */
    publications: toPublicationCountsCard(dashboard.publications),
    /** null: the registry does not report yet (not the same as "none at risk"). */
    riskTracked: accountsAtRisk !== null,
    riskChart: {
      color: chartColors.warn,
      rows: [...riskCounts].map(([label, count]) => ({ label, value: count, valueText: `${count} 个` })),
    } satisfies BarChartSpec,
    risks: (accountsAtRisk ?? []).map((entry) => ({
      key: entry.account.id,
      name: `${entry.account.platform} · ${entry.account.name}`,
      unitName: entry.unit.name,
      reasons: entry.reasons.map((reason) => ({
        severity: reason.severity,
        kind: riskKindNames[reason.kind],
        message: reason.message,
      })),
    })),
  };
}

export type DashboardView = ReturnType<typeof toDashboardView>;
