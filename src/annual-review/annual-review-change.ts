/**
 * One audited change of an annual review (changeAudited, src/audit/audit-ledger.ts), for the cycle's
 * job and for reports and decisions alike.
 */
import type { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../shared/errors';
import type { AuditTrail } from '../audit/audit-service';
import { changeAudited } from '../audit/audit-ledger';
import type { AuditedChange } from '../audit/audit-ledger';
import { AnnualReviewModel } from './annual-review-model';
import type { AnnualReview } from './annual-review-model';

export function changeReview(
  dependencies: { audit: AuditTrail; clock: { now(): Date } },
  reviewId: Types.ObjectId,
  actor: { personId: string | null; via: string },
  decide: (review: AnnualReview) => AuditedChange | null,
): Promise<AnnualReview> {
  return changeAudited({
    audit: dependencies.audit,
    clock: dependencies.clock,
    target: AnnualReviewModel,
    load: async () => {
      const review = await AnnualReviewModel.findById(reviewId).lean<AnnualReview>();
      if (!review) throw new NotFoundError('REVIEW_NOT_FOUND', '找不到该年审记录');
      return review;
    },
    decide,
    actor,
    subjectType: 'annual-review',
    subjectDetails: (review) => ({ accountId: String(review.accountId), year: review.year }),
    busy: () => new ConflictError('REVIEW_BUSY', '该年审记录正在被他人处理，请稍后再试'),
  });
}
