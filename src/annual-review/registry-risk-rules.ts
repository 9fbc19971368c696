/**
 * Why a running account is at risk in the registry or the annual review, for the dashboard's "accounts
 * at risk" (beside the cadence check's): the interaction function off (R4: a veto in the national
 * inspection), the certification within the 90/30/7-day reminders or expired, the filing overdue, and
 * this cycle's review not submitted, failed or listed 待关停 (R5). Pure: the caller reads the account,
 * its review and the date.
 */
import { civilDate, daysBetween, formatCivilDate } from '../shared/wall-clock';
import type { Account } from '../accounts/account-model';
import type { AnnualReview } from './annual-review-model';
import { toCloseDay } from './annual-review-rules';

export interface RegistryRiskReason {
  kind: 'registry' | 'interaction' | 'certification' | 'annual-review';
  severity: 'warn' | 'critical';
  message: string;
  since: Date | null;
}

/**
 * A review not yet submitted is a risk in the last week before 1 December (待关停); earlier in November
 * every account is still writing its report, and the board shows them.
 */
const reportDueWarningDays = 7;

/** The certification reminders start this many days before the expiry (account-rules' 90/30/7). */
const certificationWarningDays = 90;
const certificationCriticalDays = 7;

export type RiskAccount = Pick<Account, 'status' | 'filedAt' | 'filingDueAt' | 'certification' | 'interactionEnabled'>;
export type RiskReview = Pick<AnnualReview, 'year' | 'status' | 'toClose' | 'toCloseSince' | 'decision'>;

export function registryRiskReasons(
  account: RiskAccount,
  review: RiskReview | null,
  context: { now: Date; timeZone: string },
): RegistryRiskReason[] {
  if (account.status !== 'active') return [];
  const reasons: RegistryRiskReason[] = [];
  const today = civilDate(context.now, context.timeZone);
  if (!account.interactionEnabled) {
    reasons.push({
      kind: 'interaction',
      severity: 'critical',
      message: '互动功能已关闭，全国检查列为单项否决',
      since: null,
    });
  }
  const expiresAt = account.certification.certified ? account.certification.expiresAt : null;
  if (expiresAt) {
    const expiresOn = civilDate(expiresAt, context.timeZone);
    const days = daysBetween(today, expiresOn);
    if (days < 0) {
      reasons.push({
        kind: 'certification',
        severity: 'critical',
        message: `平台认证已于${formatCivilDate(expiresOn)}过期`,
        since: expiresAt,
      });
    } else if (days <= certificationWarningDays) {
      reasons.push({
        kind: 'certification',
        severity: days <= certificationCriticalDays ? 'critical' : 'warn',
        message: `平台认证${formatCivilDate(expiresOn)}到期，还有 ${days} 天`,
        since: null,
      });
    }
  }
  if (!account.filedAt && account.filingDueAt && account.filingDueAt <= context.now) {
    reasons.push({
      kind: 'registry',
      severity: 'warn',
      message: `逾期未备案（应于${formatCivilDate(civilDate(account.filingDueAt, context.timeZone))}前）`,
      since: account.filingDueAt,
    });
  }
  if (review) reasons.push(...reviewReasons(review, today));
  return reasons;
}

function reviewReasons(review: RiskReview, today: string): RegistryRiskReason[] {
  if (review.toClose) {
    return [
      {
        kind: 'annual-review',
        severity: 'critical',
        message: `${review.year}年度年审未通过，已列为待关停`,
        since: review.toCloseSince,
      },
    ];
  }
  const daysLeft = daysBetween(today, toCloseDay(review.year));
  if (review.status === 'open' && daysLeft <= reportDueWarningDays) {
    return [
      {
        kind: 'annual-review',
        severity: 'warn',
        message: `${review.year}年度年审报告未提交，${daysLeft} 天后列为待关停`,
        since: null,
      },
    ];
  }
  if (review.status === 'failed') {
    const reason = review.decision?.reason ? `：${review.decision.reason}` : '';
    return [
      {
        kind: 'annual-review',
        severity: 'warn',
        message: `${review.year}年度年审未通过${reason}，须重新提交`,
        since: review.decision?.at ?? null,
      },
    ];
  }
  return [];
}
