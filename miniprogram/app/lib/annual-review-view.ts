/**
 * The annual review board (R5): the current cycle's reviews counted and grouped by state, each with what
 * it still lacks. A review listed 待关停 (not passed by 1 December) is in that group whatever its status.
 */
import type { AnnualReviewView } from '../../../src/shared/contracts';
import type { Severity } from './account-view';
import { formatDate, formatTime } from './format';

export type BoardGroupName = 'to-close' | 'open' | 'submitted' | 'failed' | 'passed';

/** The board's order: what needs the admin first. */
export const boardGroups: Array<{ name: BoardGroupName; text: string; severity: Severity }> = [
  { name: 'to-close', text: '待关停', severity: 'critical' },
  { name: 'submitted', text: '已提交', severity: 'warn' },
  { name: 'open', text: '未提交', severity: 'warn' },
  { name: 'failed', text: '不通过', severity: 'critical' },
  { name: 'passed', text: '通过', severity: 'approved' },
];

export function groupOf(review: AnnualReviewView): BoardGroupName {
  return review.toClose ? 'to-close' : review.status;
}

const named = (person: { name: string }): string => person.name || '（已离职）';

/** What the review lacks, or how it ended, in one line. */
export function missingText(review: AnnualReviewView): string {
  const last = review.reports[review.reports.length - 1];
  const decision = review.decision;
  const lacking =
    review.status === 'open'
      ? '未提交年度报告'
      : review.status === 'failed'
        ? `未通过${decision?.reason ? `（${decision.reason}）` : ''}，须重新提交报告`
        : review.status === 'submitted'
          ? `${formatTime(last?.submittedAt)} ${named(last?.submittedBy ?? { name: '' })}提交${last?.late ? '（逾期补交）' : ''}，待审核`
          : `${decision ? `${named(decision.by)} ${formatTime(decision.at)} ` : ''}审核通过`;
  return review.toClose && review.toCloseSince
    ? `自 ${formatDate(review.toCloseSince)} 列为待关停；${lacking}`
    : lacking;
}

export function toBoardView(reviews: AnnualReviewView[], unitNames: Map<string, string>) {
  const groups = boardGroups.map((group) => {
    const members = reviews.filter((review) => groupOf(review) === group.name);
    return {
      ...group,
      count: members.length,
      rows: members.map((review) => ({
        id: review.id,
        accountId: review.account.id,
        name: review.account.name,
        unitName: unitNames.get(review.unitId) ?? '',
        statusText: review.statusText,
        missing: missingText(review),
        reportCount: review.reports.length,
        decidable: review.status === 'submitted',
      })),
    };
  });
  return { year: reviews[0]?.year ?? null, total: reviews.length, groups };
}

export type BoardView = ReturnType<typeof toBoardView>;
