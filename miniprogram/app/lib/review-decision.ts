/** An admin's pass or fail of a submitted annual report, asked for on the board and the account detail alike. */
import type { AnnualReviewView } from '../../../src/shared/contracts';
import { api } from './api';
import { askText, runAction } from './wechat';

/** Asks for the opinion (a reason, required to fail), sends the decision; resolves the review, or null. */
export async function decideAnnualReview(
  review: { id: string; accountName: string },
  passed: boolean,
): Promise<AnnualReviewView | null> {
  const reason = await askText(
    passed
      ? { title: `${review.accountName} 年审通过`, placeholder: '意见（可不填）', confirmText: '通过', required: false }
      : {
          title: `${review.accountName} 年审不通过`,
          placeholder: '请填写不通过的理由',
          confirmText: '不通过',
          required: true,
        },
  );
  if (reason === null) return null;
  return runAction(() => api.decideAnnualReview(review.id, { passed, reason }), passed ? '年审已通过' : '年审未通过');
}
