/**
 * When an admin unbinds a person who left (issue 13), the approval items waiting on them move to
 * someone who can decide, pure: their delegate in force, else the step's backup approver. A moved
 * item holds for later versions too (a revision does not ask the person who left again), earlier
 * steps keep their decisions, and the person who left no longer decides on the step.
 */
import { currentVersionOf } from './draft-content-rules';
import { decisionsFor, handedOverTo, lastVersionSeenBy } from './approval-step-rules';
import { statusWord } from './draft-messages';
import { refuse } from './review-state';
import type { ReviewHandover, ReviewNotification, ReviewState, RuleOutcome } from './review-state';

export interface LeaverHandoverInput {
  /** The person who left. */
  leaverId: string;
  /** The admin who unbinds them; '' for the operator at the command line. */
  byId: string;
  /** The leaver's delegate in force (a 请假代理 set for them), tried before the step's backups. */
  delegateId: string | null;
  /** People who cannot take an item: no longer on record as active. */
  unavailableIds: string[];
  /** Why, for the event and the messages: 解绑, or 标为不在职 by an import. */
  reason: string;
  now: Date;
}

/** One item of the leaver's: the step, whose item it is (the designated approver), and who takes it. */
export interface LeaverItem {
  stepNumber: number;
  forId: string;
  /** null: nobody can take it (no backup, no delegate). */
  toId: string | null;
  /** True for the step in review now: its new approver is asked at once. */
  current: boolean;
  /** In 或签 another approver of the step still answers: the step does not wait on the leaver alone. */
  covered: boolean;
}

/**
 * The items of the current version that would go to the leaver, on the step in review and the steps
 * after it, with who takes each. Empty for a draft that is not in review.
 */
export function leaverItems(state: ReviewState, input: LeaverHandoverInput): LeaverItem[] {
  if (state.status !== 'in_review') return [];
  const version = state.currentVersion;
  const items: LeaverItem[] = [];
  state.steps.forEach((step, index) => {
    if (index < state.currentStepIndex) return;
    const decided = decisionsFor(step, version).flatMap((decision) => [decision.approverId, decision.onBehalfOfId]);
    const taken = new Set(
      step.handovers
        .filter((handover) => handover.versionNumber === version || handover.cause === 'unbind')
        .map((handover) => handover.toId),
    );
    const askedOthers = step.approverIds
      .map((approverId) => handedOverTo(step, [approverId], version)[0])
      .filter((id) => id !== input.leaverId && !decided.includes(id));
    for (const forId of step.approverIds) {
      if (handedOverTo(step, [forId], version)[0] !== input.leaverId) continue;
      if (decided.includes(forId) || decided.includes(input.leaverId)) continue;
      const toId =
        [input.delegateId, ...step.backupApproverIds].find(
          (candidate): candidate is string =>
            candidate !== null &&
            candidate !== input.leaverId &&
            candidate !== state.submitterId &&
            !input.unavailableIds.includes(candidate) &&
            !step.approverIds.includes(candidate) &&
            !taken.has(candidate),
        ) ?? null;
      if (toId) taken.add(toId);
      items.push({
        stepNumber: index + 1,
        forId,
        toId,
        current: index === state.currentStepIndex,
        covered: step.mode === 'any' && askedOthers.length > 0,
      });
    }
  });
  return items;
}

/**
 * Moves the leaver's items that someone can take (see leaverItems), recorded as one event by the admin
 * on the leaver's behalf, with the reason (解绑). The new approver of the step in review gets the review request,
 * the submitter one line saying who reviews now.
 */
export function handOverFromLeaver(state: ReviewState, input: LeaverHandoverInput): RuleOutcome {
  if (state.status !== 'in_review') {
    return refuse('conflict', 'DRAFT_NOT_IN_REVIEW', `该稿件${statusWord(state.status)}，无需转交`);
  }
  const moves = leaverItems(state, input).filter((item): item is LeaverItem & { toId: string } => item.toId !== null);
  if (moves.length === 0) {
    return refuse('conflict', 'NOTHING_TO_HAND_OVER', '该稿件没有可以转给备审人的待审事项');
  }
  const version = currentVersionOf(state).number;
  const steps = state.steps.map((step, index) => {
    const added: ReviewHandover[] = moves
      .filter((move) => move.stepNumber === index + 1)
      .map((move) => ({
        fromId: move.forId,
        toId: move.toId,
        versionNumber: version,
        at: input.now,
        cause: 'unbind',
        replacedId: input.leaverId,
      }));
    return added.length ? { ...step, handovers: [...step.handovers, ...added] } : step;
  });
  const asked = moves.filter((move) => move.current);
  const requests: ReviewNotification[] = asked.map((move) => ({
    kind: 'review-request',
    recipientId: move.toId,
    onBehalfOfId: move.forId,
    replacedId: input.leaverId,
    comment: input.reason,
    stepNumber: move.stepNumber,
    stepCount: state.steps.length,
    previousVersionNumber: lastVersionSeenBy(state.steps, move.toId, version),
  }));
  return {
    changes: { steps },
    events: [
      {
        action: 'draft.handed-over',
        actorId: input.byId,
        onBehalfOfId: input.leaverId,
        versionNumber: version,
        reason: input.reason,
        details: {
          cause: 'unbind',
          from: input.leaverId,
          to: [...new Set(moves.map((move) => move.toId))],
          moves: moves.map((move) => ({ step: move.stepNumber, for: move.forId, to: move.toId })),
        },
      },
    ],
    notifications: [
      ...requests,
      ...(asked.length
        ? [
            {
              kind: 'reviewer-changed' as const,
              recipientId: state.submitterId,
              replacedId: input.leaverId,
              comment: input.reason,
            },
          ]
        : []),
    ],
  };
}
