/**
 * Publishing cadence (R6), pure: how long each account has gone without a post and without an
 * original post, which warnings are due, and what they say.
 *
 * The national inspection vetoes an account with no update in the 14 days before the check
 * (单项否决), counting calendar days: a holiday is no excuse. So the officer is warned once the
 * account's own baseline (1–3 days, set per account) is exceeded, the leader at day 10, the admins at
 * day 13, and officer and leader when no original content appeared in 14 days. Each warning is given
 * once per gap (the gap is named by the date it started); a new post starts a new gap. The baseline
 * alone may count working days, for provinces that exempt holidays.
 */
import { daysBetween, formatCivilDate } from '../shared/wall-clock';
import { workingDaysBetween } from './calendar-rules';
import type { WorkingCalendar } from './calendar-rules';
import type { BaselineCounting } from './reminder-policy-rules';

export const leaderWarningDay = 10;
export const adminWarningDay = 13;
/** The national veto: no update in 14 calendar days. */
export const vetoDays = 14;
/** Original content at least every two weeks. */
export const originalWithinDays = 14;

export type CadenceThreshold = 'baseline' | 'leader' | 'admins' | 'original';
export type CadenceRecipientRole = 'officer' | 'leader' | 'admins';

export interface CadenceAccount {
  id: string;
  name: string;
  platform: string;
  unitId: string;
  unitName: string;
  /** The account's baseline: at least one post every this many days. */
  baselineDays: number;
  baselineCounts: BaselineCounting;
  /** Civil dates ("YYYY-MM-DD"); null when the account has never posted (original) content. */
  lastPostDate: string | null;
  lastOriginalPostDate: string | null;
  /** Where a gap starts for an account that never posted: the day it was opened. */
  trackedSince: string;
}

export interface CadenceFigures {
  /** Calendar days since the last post (since opening when none). */
  daysSincePost: number;
  daysSinceOriginal: number;
  /** What the baseline is measured in: calendar or working days, as the unit counts them. */
  baselineCount: number;
  /** The day the current gap started (the last post's date, or the opening date). */
  gapStart: string;
  originalGapStart: string;
}

export function measureCadence(calendar: WorkingCalendar, account: CadenceAccount, today: string): CadenceFigures {
  const gapStart = account.lastPostDate ?? account.trackedSince;
  const originalGapStart = account.lastOriginalPostDate ?? account.trackedSince;
  const daysSincePost = Math.max(0, daysBetween(gapStart, today));
  return {
    daysSincePost,
    daysSinceOriginal: Math.max(0, daysBetween(originalGapStart, today)),
    baselineCount:
      account.baselineCounts === 'working-days' ? workingDaysBetween(calendar, gapStart, today) : daysSincePost,
    gapStart,
    originalGapStart,
  };
}

export interface CadenceWarning {
  threshold: CadenceThreshold;
  /** Names the gap: with the account and threshold, the warning's identity. */
  gapStart: string;
  recipients: CadenceRecipientRole[];
  text: string;
}

/** The warnings due today for an account, before looking at which were given already. */
export function dueCadenceWarnings(
  calendar: WorkingCalendar,
  account: CadenceAccount,
  today: string,
): CadenceWarning[] {
  const figures = measureCadence(calendar, account, today);
  const heading = `账号“${account.name}”（${platformName(account.platform)}，${account.unitName}）`;
  const since = account.lastPostDate ? `上次发布：${formatCivilDate(account.lastPostDate)}` : '开通以来尚无发布记录';
  const warnings: CadenceWarning[] = [];
  if (figures.baselineCount > account.baselineDays) {
    const unit = account.baselineCounts === 'working-days' ? '个工作日' : '天';
    warnings.push({
      threshold: 'baseline',
      gapStart: figures.gapStart,
      recipients: ['officer'],
      text:
        `【更新提醒】${heading}已 ${figures.baselineCount} ${unit}未更新（${since}），` +
        `超过本账号每 ${account.baselineDays} ${unit}至少更新一次的要求，请尽快安排发布。`,
    });
  }
  if (figures.daysSincePost >= leaderWarningDay) {
    warnings.push({
      threshold: 'leader',
      gapStart: figures.gapStart,
      recipients: ['leader'],
      text:
        `【更新预警】${heading}已连续 ${figures.daysSincePost} 天未更新（${since}）。` +
        `连续 ${vetoDays} 天未更新将在检查中被单项否决，请督促尽快发布。`,
    });
  }
  if (figures.daysSincePost >= adminWarningDay) {
    const tomorrow =
      figures.daysSincePost === vetoDays - 1 ? '明天满 14 天未更新' : `已满 ${figures.daysSincePost} 天未更新`;
    warnings.push({
      threshold: 'admins',
      gapStart: figures.gapStart,
      recipients: ['admins'],
      text: `【单项否决风险】${heading}已连续 ${figures.daysSincePost} 天未更新（${since}）。单项否决风险：${tomorrow}。`,
    });
  }
  if (figures.daysSinceOriginal >= originalWithinDays) {
    const originalSince = account.lastOriginalPostDate
      ? `上次原创：${formatCivilDate(account.lastOriginalPostDate)}`
      : '开通以来尚无原创内容';
    warnings.push({
      threshold: 'original',
      gapStart: figures.originalGapStart,
      recipients: ['officer', 'leader'],
      text:
        `【原创提醒】${heading}已 ${figures.daysSinceOriginal} 天没有发布原创内容（${originalSince}）。` +
        `要求至少每两周发布一次原创内容，请安排原创稿件。`,
    });
  }
  return warnings;
}

/** The key a warning is given once under. */
export function cadenceWarningKey(accountId: string, warning: Pick<CadenceWarning, 'threshold' | 'gapStart'>): string {
  return `cadence:${accountId}:${warning.threshold}:${warning.gapStart}`;
}

export type CadenceRisk = 'veto' | 'veto-tomorrow' | 'leader-warned' | 'behind-baseline' | 'no-original' | 'ok';

/** The most urgent thing about an account, for the dashboard and 更新情况. */
export function cadenceRisk(account: Pick<CadenceAccount, 'baselineDays'>, figures: CadenceFigures): CadenceRisk {
  if (figures.daysSincePost >= vetoDays) return 'veto';
  if (figures.daysSincePost >= adminWarningDay) return 'veto-tomorrow';
  if (figures.daysSincePost >= leaderWarningDay) return 'leader-warned';
  if (figures.baselineCount > account.baselineDays) return 'behind-baseline';
  if (figures.daysSinceOriginal >= originalWithinDays) return 'no-original';
  return 'ok';
}

const riskWords: Record<CadenceRisk, string> = {
  veto: '已满14天未更新（单项否决）',
  'veto-tomorrow': '明天满14天未更新',
  'leader-warned': '即将满14天未更新',
  'behind-baseline': '超过更新基线',
  'no-original': '两周无原创',
  ok: '正常',
};

export function riskWord(risk: CadenceRisk): string {
  return riskWords[risk];
}

const platformNames: Record<string, string> = {
  'wechat-official-account': '微信公众号',
  'wechat-channels': '视频号',
  weibo: '微博',
  toutiao: '头条号',
  douyin: '抖音',
  kuaishou: '快手',
  app: '客户端',
  other: '其他平台',
};

export function platformName(platform: string): string {
  return platformNames[platform] ?? platform;
}

export interface AccountReportLine {
  account: CadenceAccount;
  figures: CadenceFigures;
  /**
   * Posts of the last 30 days, reprints counted separately so a unit that only reprints is visible;
   * `flagged`: those the platform sweep found unapproved or differing from the approval (R10), which
   * count as updates all the same, as they do for an inspector.
   */
  last30Days: { original: number; reprint: number; flagged?: number };
}

/** The chat answer to 更新情况: one line per account, the most urgent first. */
export function describeCadenceReport(lines: AccountReportLine[], today: string): string {
  if (lines.length === 0) return '您名下没有在运行的政务新媒体账号。';
  const sorted = [...lines].sort((left, right) => right.figures.daysSincePost - left.figures.daysSincePost);
  const rows = sorted.map(({ account, figures, last30Days }) => {
    const risk = cadenceRisk(account, figures);
    const flag = risk === 'ok' ? '' : `【${riskWord(risk)}】`;
    const post = account.lastPostDate ? `距上次更新 ${figures.daysSincePost} 天` : '尚无发布记录';
    const original = account.lastOriginalPostDate ? `距上次原创 ${figures.daysSinceOriginal} 天` : '尚无原创';
    const flagged = last30Days.flagged ? `，其中 ${last30Days.flagged} 篇未经审核或与审核版本不一致` : '';
    return (
      `${flag}${account.name}（${platformName(account.platform)}，${account.unitName}）：${post}，${original}；` +
      `近30天发布 ${last30Days.original + last30Days.reprint} 篇（原创 ${last30Days.original}，转载 ${last30Days.reprint}${flagged}）`
    );
  });
  return [`更新情况（截至${formatCivilDate(today)}，共 ${lines.length} 个账号）：`, ...rows].join('\n');
}
