/**
 * The annual reviews as the inspection readiness report reads them (R5 in 考核自查): each account's
 * review of a cycle as it stood at a date — a report or decision made later is not counted.
 */
import { Types } from 'mongoose';
import { AnnualReviewModel } from './annual-review-model';
import type { AnnualReview, AnnualReviewStatus } from './annual-review-model';

export interface ReviewAtDate {
  id: string;
  year: number;
  status: AnnualReviewStatus;
  toCloseSince: Date | null;
}

/** The units' reviews of the cycle `year` by account id, as they stood at `at` (a cycle's reviews open on its 1 November). */
export async function reviewsAtDate(unitIds: string[], year: number, at: Date): Promise<Map<string, ReviewAtDate>> {
  const reviews = await AnnualReviewModel.find(
    { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) }, year },
    { accountId: 1, year: 1, status: 1, reports: 1, decision: 1, toCloseSince: 1 },
  ).lean<AnnualReview[]>();
  const atDate = new Map<string, ReviewAtDate>();
  for (const review of reviews) {
    atDate.set(String(review.accountId), {
      id: String(review._id),
      year: review.year,
      status: statusAt(review, at),
      toCloseSince: review.toCloseSince && review.toCloseSince <= at ? review.toCloseSince : null,
    });
  }
  return atDate;
}

function statusAt(review: AnnualReview, at: Date): AnnualReviewStatus {
  if (review.decision && review.decision.at <= at) return review.decision.passed ? 'passed' : 'failed';
  return review.reports.some((report) => report.submittedAt <= at) ? 'submitted' : 'open';
}
