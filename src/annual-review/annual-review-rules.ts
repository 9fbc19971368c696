/**
 * The annual review's calendar and rules (R5), pure: the November cycle (opens 1 November, reminders on
 * configurable days, deadline 30 November, 待关停 from 1 December with weekly notices), what a reminder
 * says is missing, and who may do what to a review in which state. Dates are calendar dates
 * ("2026-11-15") in the configured time zone.
 */
import type { RefusalKind } from '../shared/errors';
import type { AnnualReviewStatus } from './annual-review-model';

export const defaultReminderDays = [1, 15, 25, 30] as const;

export const reviewStatusWords: Record<AnnualReviewStatus, string> = {
  open: '未提交报告',
  submitted: '已提交，待审核',
  passed: '已通过',
  failed: '未通过',
};

/** The cycle a calendar date belongs to: November–December of its year, January–October of the year before. */
export function cycleYearOf(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) >= 11 ? year : year - 1;
}

export function openingDay(year: number): string {
  return `${year}-11-01`;
}

/** The first day after the deadline: reviews without a passed or pending report become 待关停. */
export function toCloseDay(year: number): string {
  return `${year}-12-01`;
}

/** Whether `today` lies in the November of its cycle, when reviews open and reminders go out. */
export function isReviewMonth(today: string): boolean {
  return today.slice(5, 7) === '11';
}

/**
 * The reminder day due on `today`: the latest configured November day not after today. A reminder
 * missed by downtime is still sent (keyed by its own day), and only the latest one.
 */
export function dueReminderDay(today: string, reminderDays: readonly number[]): string | null {
  if (!isReviewMonth(today)) return null;
  const dayOfMonth = Number(today.slice(8, 10));
  const due = [...reminderDays].filter((day) => day <= dayOfMonth).sort((left, right) => right - left)[0];
  return due === undefined ? null : `${today.slice(0, 8)}${String(due).padStart(2, '0')}`;
}

/**
 * The weekly 待关停 notice due on `today` for a review of `year`: 1 December, then every 7 days; null
 * before 1 December.
 */
export function dueWeeklyNoticeDay(today: string, year: number): string | null {
  const first = toCloseDay(year);
  if (today < first) return null;
  const elapsedDays = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
  const week = Math.floor(elapsedDays / 7);
  return new Date(Date.parse(`${first}T00:00:00Z`) + week * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** Whether a review in this state becomes 待关停 on 1 December: no report, or a failed one. */
export function becomesToClose(review: { status: AnnualReviewStatus; toClose: boolean }): boolean {
  return !review.toClose && (review.status === 'open' || review.status === 'failed');
}

/** Why a report cannot be submitted now; null when it can. */
export function submissionRefusal(review: { status: AnnualReviewStatus }): string | null {
  if (review.status === 'passed') return '本年度年审已通过，无需再提交';
  return null;
}

/** Why an admin cannot decide now; null when they can. */
export function decisionRefusal(
  review: { status: AnnualReviewStatus },
  passed: boolean,
  reason: string,
): { kind: Extract<RefusalKind, 'conflict' | 'invalid'>; message: string } | null {
  if (review.status !== 'submitted') {
    const hint = review.status === 'open' || review.status === 'failed' ? '（须先提交报告）' : '';
    return { kind: 'conflict', message: `年审${reviewStatusWords[review.status]}，不是待审核状态${hint}` };
  }
  if (!passed && !reason.trim()) return { kind: 'invalid', message: '年审不通过须写明理由：年审不通过 账号名 理由' };
  return null;
}

/** What a reminder says is missing for a review in this state. */
export function missingItem(review: {
  status: AnnualReviewStatus;
  decision: { reason: string } | null;
}): string | null {
  if (review.status === 'open') return '年度报告尚未提交';
  if (review.status === 'failed')
    return `年度报告未通过审核（${review.decision?.reason || '未写理由'}），须整改后重新提交`;
  return null;
}
