/**
 * The approval steps of a draft's route, pure: who may decide a step now (approvers, backups, items handed
 * over or moved after an unbind), who is still expected to answer, when a step is complete (或签 / 会签),
 * and the review requests a step sends when it opens.
 */
import type { ReviewDecision, ReviewHandover, ReviewNotification, ReviewState, ReviewStep } from './review-state';

/** The people who may decide a step right now: approvers and backups, with handed-over items moved. */
export function eligibleApprovers(step: ReviewStep, versionNumber: number): string[] {
  const replaced = replacedOn(step, versionNumber);
  return [...new Set(handedOverTo(step, [...step.approverIds, ...step.backupApproverIds], versionNumber))].filter(
    (id) => !replaced.has(id),
  );
}

/** The people a step's review requests went to: its approvers, with handed-over items moved (no backups). */
export function requestedApprovers(step: ReviewStep, versionNumber: number): string[] {
  return [...new Set(handedOverTo(step, step.approverIds, versionNumber))];
}

export function handedOverTo(step: ReviewStep, people: string[], versionNumber: number): string[] {
  const handovers = handoversFor(step, versionNumber);
  return people.map((id) => handovers.filter((handover) => handover.fromId === id).at(-1)?.toId ?? id);
}

/** The hand-overs in force for a version: 转交 of that version, and moves after an unbind from then on. */
function handoversFor(step: ReviewStep, versionNumber: number): ReviewHandover[] {
  return step.handovers.filter(
    (handover) =>
      handover.versionNumber === versionNumber ||
      (handover.cause === 'unbind' && handover.versionNumber <= versionNumber),
  );
}

/** People who left and whose items on the step moved (they no longer decide there). */
function replacedOn(step: ReviewStep, versionNumber: number): Set<string> {
  return new Set(handoversFor(step, versionNumber).flatMap((handover) => handover.replacedId ?? []));
}

/** The designated approver a person decides for: themself, or whom they were handed the item by. */
export function designatedFor(step: ReviewStep, personId: string, versionNumber: number): string | null {
  if (replacedOn(step, versionNumber).has(personId)) return null;
  if (step.approverIds.includes(personId) || step.backupApproverIds.includes(personId)) return personId;
  const handover = handoversFor(step, versionNumber)
    .filter((h) => h.toId === personId)
    .at(-1);
  return handover ? handover.fromId : null;
}

export function decisionsFor(step: ReviewStep, versionNumber: number): ReviewDecision[] {
  return step.decisions.filter((decision) => decision.versionNumber === versionNumber);
}

/** In 会签 every designated approver must approve; a backup stands in for any one of them. */
export function stepComplete(step: ReviewStep, versionNumber: number): boolean {
  const approvals = decisionsFor(step, versionNumber).filter((decision) => decision.decision === 'approve');
  if (step.mode === 'any') return approvals.length > 0;
  const approvedFor = new Set(approvals.map((decision) => decision.onBehalfOfId ?? decision.approverId));
  const backupsUsed = approvals.filter((decision) =>
    step.backupApproverIds.includes(decision.onBehalfOfId ?? decision.approverId),
  ).length;
  const missing = step.approverIds.filter((id) => !approvedFor.has(id)).length;
  return missing <= backupsUsed;
}

/** Who is still expected to answer the current step (for 待办 and reminders). */
export function pendingApprovers(state: Pick<ReviewState, 'steps' | 'currentStepIndex' | 'currentVersion' | 'status'>) {
  if (state.status !== 'in_review') return [];
  const step = state.steps[state.currentStepIndex];
  if (!step) return [];
  const decided = new Set(
    decisionsFor(step, state.currentVersion).flatMap((decision) => [decision.approverId, decision.onBehalfOfId ?? '']),
  );
  return eligibleApprovers(step, state.currentVersion).filter((id) => !decided.has(id));
}

/** Step k becomes pending and its approvers are asked; later steps wait. */
export function openStep(steps: ReviewStep[], index: number, now: Date): ReviewStep[] {
  return steps.map((step, position) =>
    position < index
      ? step
      : position === index
        ? { ...step, status: 'pending', pendingSince: now }
        : { ...step, status: 'waiting', pendingSince: null },
  );
}

export function requestsFor(
  state: Pick<ReviewState, 'steps' | 'currentVersion'>,
  steps: ReviewStep[],
  index: number,
  versionNumber: number,
): ReviewNotification[] {
  const step = steps[index];
  // Items moved after an unbind go to whom they were moved to; a 转交 of an earlier version does not carry over.
  const handovers = handoversFor(step, versionNumber);
  const asked = step.approverIds.map((approverId) => {
    const moved = handovers.filter((handover) => handover.fromId === approverId).at(-1);
    return { approverId, moved, recipientId: moved?.toId ?? approverId };
  });
  return asked
    .filter(({ recipientId }, position) => asked.findIndex((other) => other.recipientId === recipientId) === position)
    .map(({ approverId, moved, recipientId }) => ({
      kind: 'review-request' as const,
      recipientId,
      stepNumber: index + 1,
      stepCount: steps.length,
      previousVersionNumber: lastVersionSeenBy(state.steps, recipientId, versionNumber),
      ...(moved ? { onBehalfOfId: approverId } : {}),
      ...(moved?.replacedId ? { replacedId: moved.replacedId } : {}),
    }));
}

/** The newest earlier version an approver decided on, so a re-request can show what changed. */
export function lastVersionSeenBy(steps: ReviewStep[], approverId: string, currentVersion: number): number | null {
  const seen = steps
    .flatMap((step) => step.decisions)
    .filter((decision) => decision.approverId === approverId && decision.versionNumber < currentVersion)
    .map((decision) => decision.versionNumber);
  return seen.length ? Math.max(...seen) : null;
}
