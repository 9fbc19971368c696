/** Review states for the drafts' rule tests: a draft before submission, and one started through the rules. */
import { startReview } from '../../../src/drafts/draft-lifecycle-rules';
import { decide } from '../../../src/drafts/draft-decision-rules';
import { isRefusal } from '../../../src/drafts/review-state';
import type { ReviewState, ReviewVersion, RuleOutcome, TransitionResult } from '../../../src/drafts/review-state';

export type StepPlan = { mode: 'any' | 'all'; approverIds: string[]; backupApproverIds?: string[] };

/** Draft "K7Q2" of "officer" before its submission, as the store keeps one. */
export function unsubmittedState(ccIds: string[] = []): ReviewState {
  return {
    id: 'draft-1',
    shortCode: 'K7Q2',
    status: 'in_review',
    submitterId: 'officer',
    versions: [],
    currentVersion: 1,
    steps: [],
    currentStepIndex: 0,
    ccIds,
    publication: { url: '', publishedAt: null, reportedById: null },
  };
}

export function applied(outcome: RuleOutcome): TransitionResult {
  if (isRefusal(outcome)) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

export function apply(state: ReviewState, outcome: RuleOutcome): ReviewState {
  return { ...state, ...applied(outcome).changes };
}

/** The draft submitted with `version` at `now`, in review at step 1 of `steps`. */
export function submittedState(
  steps: StepPlan[],
  version: ReviewVersion,
  now: Date,
  ccIds: string[] = [],
): ReviewState {
  const outcome = startReview({
    submitterId: 'officer',
    version,
    now,
    route: { steps: steps.map((step) => ({ backupApproverIds: [], ...step })), ccIds },
  });
  return apply(unsubmittedState(ccIds), outcome);
}

/** `deciderId` approves the step they are on, at `now`, with no comment. */
export function approval(state: ReviewState, deciderId: string, now: Date): RuleOutcome {
  return decide(state, {
    deciderId,
    standsInFor: [],
    decision: 'approve',
    comment: '',
    versionNumber: null,
    stepNumber: null,
    now,
  });
}
