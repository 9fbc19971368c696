/**
 * Why an active account is at risk in the registry or the annual review, for the admins' dashboard.
 * Pure. Each reason names what an inspection would find and what to do; cadence reasons (R6) come
 * from the cadence feature and are merged beside these.
 */
import { certificationReminderDays } from '../accounts/account-rules';
import { daysBetween, formatCivilDate } from '../shared/wall-clock';
import { missingItem } from './annual-review-rules';
import type { AnnualReviewStatus } from './annual-review-model';

export type AccountRiskKind = 'registry' | 'interaction' | 'certification' | 'annual-review';

export interface AccountRiskReason {
  kind: AccountRiskKind;
  severity: 'warn' | 'critical';
  message: string;
  since: Date | null;
}

export interface AccountRiskFacts {
  filedAt: Date | null;
  filingDueAt: Date | null;
  interactionEnabled: boolean;
  /** The certification's expiry as a calendar date, or null when not certified / not recorded. */
  certificationExpiresOn: string | null;
  /** This cycle's review; null outside a cycle or before it opened. */
  review: {
    status: AnnualReviewStatus;
    toClose: boolean;
    toCloseSince: Date | null;
    decision: { reason: string } | null;
  } | null;
}

/** The reasons an active account is at risk on `today` (calendar date) at `now`; [] when none. */
export function accountRiskReasons(facts: AccountRiskFacts, now: Date, today: string): AccountRiskReason[] {
  const reasons: AccountRiskReason[] = [];
  if (!facts.filedAt && facts.filingDueAt && facts.filingDueAt.getTime() <= now.getTime()) {
    // R4: a new account is filed within the deadline after opening.
    reasons.push({ kind: 'registry', severity: 'critical', message: '开办后未按期备案', since: facts.filingDueAt });
  }
  if (!facts.interactionEnabled) {
    // The national inspection vetoes an account without a working interaction function.
    reasons.push({
      kind: 'interaction',
      severity: 'critical',
      message: '互动功能（留言/评论）已关闭，国检单项否决项',
      since: null,
    });
  }
  if (facts.certificationExpiresOn) {
    const daysLeft = daysBetween(today, facts.certificationExpiresOn);
    const expiresOn = formatCivilDate(facts.certificationExpiresOn);
    const firstWarning = Math.max(...certificationReminderDays);
    const lastWarning = Math.min(...certificationReminderDays);
    if (daysLeft <= 0) {
      reasons.push({
        kind: 'certification',
        severity: 'critical',
        message: `平台认证已于${expiresOn}到期`,
        since: null,
      });
    } else if (daysLeft <= firstWarning) {
      reasons.push({
        kind: 'certification',
        severity: daysLeft <= lastWarning ? 'critical' : 'warn',
        message: `平台认证将于${expiresOn}到期（还有${daysLeft}天）`,
        since: null,
      });
    }
  }
  const review = facts.review;
  if (review?.toClose) {
    // R5: not submitted or failed → the account may not continue and must be closed.
    reasons.push({
      kind: 'annual-review',
      severity: 'critical',
      message: `年审${review.status === 'failed' ? '未通过' : '逾期未提交'}，待关停`,
      since: review.toCloseSince,
    });
  } else if (review) {
    const missing = missingItem(review);
    if (missing) {
      reasons.push({
        kind: 'annual-review',
        severity: review.status === 'failed' ? 'critical' : 'warn',
        message: missing,
        since: null,
      });
    }
  }
  return reasons;
}
