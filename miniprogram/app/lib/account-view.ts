/**
 * Rows of the account registry and the account detail, in Chinese: each account's warnings (interaction
 * off, certification expiring, days without an update, the annual review) with how serious they are.
 */
import type {
  AccountCadenceView,
  AccountFilingView,
  AccountStatusName,
  AccountView,
  AnnualReviewView,
  CadenceRiskName,
  ClosureStepName,
} from '../../../src/shared/contracts';
import { formatDate, formatTime } from './format';

/** How a warning is drawn: tag-critical (red), tag-warn (amber), tag-info (grey), tag-approved (green). */
export type Severity = 'critical' | 'warn' | 'info' | 'approved';

export interface Flag {
  text: string;
  severity: Severity;
}

export const accountStatusFilters: Array<{ value: AccountStatusName | ''; text: string }> = [
  { value: '', text: '全部' },
  { value: 'active', text: '运行中' },
  { value: 'applying', text: '待审批' },
  { value: 'closing', text: '关停中' },
  { value: 'closed', text: '已关停' },
  { value: 'rejected', text: '未获批准' },
];

/** The status tag's look: running accounts green, the workflows amber, the ended grey. */
const statusSeverity: Record<AccountStatusName, Severity> = {
  active: 'approved',
  applying: 'warn',
  closing: 'warn',
  closed: 'info',
  rejected: 'info',
};

/** Calendar days from `today` to the date of `iso` (both in Asia/Shanghai); negative when past. */
export function daysUntil(iso: string, today: string): number {
  return Math.round((Date.parse(formatDate(iso)) - Date.parse(today)) / 86_400_000);
}

/** The certification as the reminders see it: warned 90, 30 and 7 days before it expires. */
export function certificationFlag(certification: AccountView['certification'], today: string): Flag {
  if (!certification.certified) return { text: '未认证', severity: 'info' };
  if (!certification.expiresAt) return { text: '已认证（未登记到期日）', severity: 'info' };
  const days = daysUntil(certification.expiresAt, today);
  const date = formatDate(certification.expiresAt);
  if (days < 0) return { text: `认证已于 ${date} 过期`, severity: 'critical' };
  if (days <= 7) return { text: `认证 ${date} 到期，仅剩 ${days} 天`, severity: 'critical' };
  if (days <= 90) return { text: `认证 ${date} 到期，还有 ${days} 天`, severity: 'warn' };
  return { text: `认证 ${date} 到期`, severity: 'approved' };
}

export function interactionFlag(enabled: boolean): Flag {
  return enabled
    ? { text: '互动功能已开启', severity: 'approved' }
    : { text: '互动功能已关闭（全国检查单项否决）', severity: 'critical' };
}

/** R6: 14 calendar days without an update is a veto in the national inspection. */
const cadenceRiskWords: Record<CadenceRiskName, Flag> = {
  veto: { text: '已满 14 天未更新（单项否决）', severity: 'critical' },
  'veto-tomorrow': { text: '明天满 14 天未更新', severity: 'critical' },
  'leader-warned': { text: '即将满 14 天未更新', severity: 'warn' },
  'behind-baseline': { text: '超过更新基线', severity: 'warn' },
  'no-original': { text: '两周无原创', severity: 'warn' },
  ok: { text: '更新正常', severity: 'approved' },
};

export function cadenceFlag(figures: AccountCadenceView): Flag & { figuresText: string } {
  const sincePost = figures.lastPostDate ? `距上次更新 ${figures.daysSincePost} 天` : '尚无发布记录';
  const sinceOriginal = figures.lastOriginalPostDate ? `距上次原创 ${figures.daysSinceOriginal} 天` : '尚无原创';
  return { ...cadenceRiskWords[figures.risk], figuresText: `${sincePost} · ${sinceOriginal}` };
}

/** What the annual review of the current cycle lacks, in a word. */
export function reviewFlag(review: AnnualReviewView): Flag {
  if (review.toClose) return { text: `${review.year} 年审：待关停`, severity: 'critical' };
  const severities: Record<AnnualReviewView['status'], Severity> = {
    open: 'warn',
    submitted: 'info',
    passed: 'approved',
    failed: 'critical',
  };
  return { text: `${review.year} 年审：${review.statusText}`, severity: severities[review.status] };
}

export interface RegistryFigures {
  cadence: Map<string, AccountCadenceView>;
  reviews: Map<string, AnnualReviewView>;
  /** Today in Asia/Shanghai, "2026-11-27". */
  today: string;
}

export function toAccountRow(account: AccountView, figures: RegistryFigures) {
  const running = account.status === 'active';
  const cadence = figures.cadence.get(account.id);
  const review = figures.reviews.get(account.id);
  return {
    id: account.id,
    name: account.name,
    platform: account.platform,
    platformText: account.platformText,
    unitId: account.unit.id,
    unitName: account.unit.name,
    status: account.status,
    statusText: account.statusText,
    statusSeverity: statusSeverity[account.status],
    peopleText: `分管 ${account.leaderInCharge.name || '（未登记）'} · 管理员 ${account.backendAdmin.name || '（未登记）'}`,
    filingFlag: account.filingOverdue ? { text: '逾期未备案', severity: 'critical' as Severity } : null,
    interaction: running ? interactionFlag(account.interactionEnabled) : null,
    certification: running ? certificationFlag(account.certification, figures.today) : null,
    cadence: running && cadence ? cadenceFlag(cadence) : null,
    review: review ? reviewFlag(review) : null,
  };
}

export type AccountRow = ReturnType<typeof toAccountRow>;

/** The picker entries of the platforms and units present in the registry, 全部 first. */
export function filterChoices(accounts: AccountView[]) {
  const platforms = new Map(accounts.map((account) => [account.platform, account.platformText]));
  const units = new Map(accounts.map((account) => [account.unit.id, account.unit.name]));
  return {
    platforms: [{ value: '', text: '全部平台' }, ...[...platforms].map(([value, text]) => ({ value, text }))],
    units: [{ value: '', text: '全部单位' }, ...[...units].map(([value, text]) => ({ value, text }))],
  };
}

export interface RegistryFilter {
  status: AccountStatusName | '';
  platform: string;
  unitId: string;
}

export function matchesFilter(row: AccountRow, filter: RegistryFilter): boolean {
  return (
    (!filter.status || row.status === filter.status) &&
    (!filter.platform || row.platform === filter.platform) &&
    (!filter.unitId || row.unitId === filter.unitId)
  );
}

const filingKindWords: Record<AccountFilingView['kind'], string> = {
  opening: '开办备案',
  'leader-change': '分管领导变更备案',
  'admin-change': '后台管理员变更备案',
  closure: '关停备案',
};

const closureOrder: Array<{ step: ClosureStepName; text: string }> = [
  { step: 'requested', text: '申请关停' },
  { step: 'approved', text: '批准关停' },
  { step: 'stop-notice-published', text: '发布停更公告' },
  { step: 'platform-cancelled', text: '平台注销' },
  { step: 'filed', text: '关停备案' },
];

export const closureStepText = (step: ClosureStepName): string =>
  closureOrder.find((entry) => entry.step === step)?.text ?? step;

const named = (person: { name: string } | null): string => person?.name || '（已离职）';

export function toAccountDetail(account: AccountView, reviews: AnnualReviewView[], today: string) {
  const approval = account.openingApproval;
  const running = account.status === 'active';
  // The registry records still change while a closure is under way (the API refuses re-filings otherwise).
  const open = running || account.status === 'closing';
  return {
    ...toAccountRow(account, { cadence: new Map(), reviews: new Map(), today }),
    application: [
      { label: '开设目的和定位', value: account.purpose },
      { label: '发布范围', value: account.scope || '（未填写）' },
      { label: '主办单位', value: account.unit.name },
      { label: '分管领导', value: named(account.leaderInCharge) },
      { label: '后台管理员', value: `${named(account.backendAdmin)}（${account.backendAdminPhone}）` },
      { label: '开设日期', value: formatDate(account.openedAt) || '（未填写）' },
      { label: '申请时间', value: formatTime(account.createdAt) },
    ],
    approvalText:
      approval.decision === null
        ? '待归口管理部门审批'
        : `${approval.decision === 'approved' ? '已批准' : '不批准'} · ${named(approval.by)} · ${formatTime(approval.at)}`,
    approvalNotes: [
      approval.documentNumber ? `批准文号：${approval.documentNumber}` : '',
      approval.reason ? `理由：${approval.reason}` : '',
    ].filter(Boolean),
    filingText: account.filedAt
      ? `已于 ${formatTime(account.filedAt)} 备案`
      : account.filingDueAt
        ? `${account.filingOverdue ? '已逾期，' : ''}须于 ${formatTime(account.filingDueAt)} 前备案`
        : '批准开办后计算备案期限',
    interactionDetail: interactionFlag(account.interactionEnabled),
    certificationDetail: certificationFlag(account.certification, today),
    filings: account.filings.map((filing, index) => ({
      key: `${index}`,
      kindText: filingKindWords[filing.kind],
      whenText: `${formatTime(filing.filedAt)} · 经办 ${named(filing.filedBy)}`,
      changeText: filing.from || filing.to ? `${named(filing.from)} → ${named(filing.to)}` : '',
      note: filing.note,
    })),
    showClosure: account.closure.length > 0,
    // The connection card (R10): only a 微信公众号 account has the platform API; a closed one may still remove it.
    connectable: account.platform === 'wechat-official-account' && account.status !== 'rejected',
    closure: closureOrder.map(({ step, text }) => {
      const done = account.closure.find((entry) => entry.step === step);
      return {
        step,
        text,
        done: Boolean(done),
        next: account.nextClosureStep === step,
        whenText: done ? `${formatTime(done.at)} · ${named(done.by)}` : '',
        note: done?.note ?? '',
        url: done?.url ?? '',
      };
    }),
    reviews: [...reviews]
      .sort((left, right) => right.year - left.year)
      .map((review) => ({
        id: review.id,
        year: review.year,
        flag: reviewFlag(review),
        reportText: review.reports.length
          ? `报告 ${review.reports.length} 份，最近 ${formatTime(review.reports[review.reports.length - 1].submittedAt)}（${named(review.reports[review.reports.length - 1].submittedBy)}）${review.reports.some((report) => report.late) ? '，含逾期补交' : ''}`
          : '尚未提交报告',
        decisionText: review.decision
          ? `${review.decision.passed ? '通过' : '不通过'} · ${named(review.decision.by)} · ${formatTime(review.decision.at)}${review.decision.reason ? `：${review.decision.reason}` : ''}`
          : '',
        decidable: review.status === 'submitted',
      })),
    actions: {
      decideOpening: account.status === 'applying',
      file: running && !account.filedAt,
      requestClosure: running,
      nextClosureStep: account.nextClosureStep,
      nextClosureText: account.nextClosureStep ? closureStepText(account.nextClosureStep) : '',
      /** Only a request not yet approved can be withdrawn. */
      withdrawClosure: account.status === 'closing' && account.closure.length === 1,
      interaction: open ? (account.interactionEnabled ? ('off' as const) : ('on' as const)) : null,
      certification: open,
      uncertify: open && account.certification.certified,
      /** The date the picker starts from: the registered expiry, else today. */
      certificationDate: formatDate(account.certification.expiresAt) || today,
      refile: open,
      any: account.status !== 'rejected' && account.status !== 'closed',
    },
  };
}

export type AccountDetail = ReturnType<typeof toAccountDetail>;
