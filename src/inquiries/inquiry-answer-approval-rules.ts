/**
 * Answers that a unit has reviewed before they go out (R8 with R1/R2), pure: the answer is bound to the
 * hash of its text like a draft's version, walks the unit's approval route step by step (或签: one
 * approver of the step; 会签: every one), and a new text starts the route again.
 */
import { createHash } from 'node:crypto';

export interface AnswerApprovalStep {
  mode: 'any' | 'all';
  approverIds: string[];
  approvedByIds: string[];
}

export interface PendingAnswer {
  text: string;
  /** sha256 of the text: what each approval is for. */
  contentHash: string;
  byPersonId: string;
  at: Date;
  steps: AnswerApprovalStep[];
  stepIndex: number;
}

export function answerHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export type ApprovalOutcome =
  | { kind: 'step-done'; pending: PendingAnswer }
  | { kind: 'approved'; pending: PendingAnswer }
  | { kind: 'waiting'; pending: PendingAnswer }
  | { kind: 'refused'; message: string };

/**
 * `personId` approves the pending answer whose hash is `contentHash` (the one they were shown): the step
 * is done when one (或签) or all (会签) of its approvers agreed; the answer is approved after the last step.
 */
export function approveAnswer(pending: PendingAnswer, personId: string, contentHash: string): ApprovalOutcome {
  if (pending.contentHash !== contentHash) {
    return { kind: 'refused', message: '该答复已被修改，您同意的不是现在的内容；请查看最新的待审答复' };
  }
  const step = pending.steps[pending.stepIndex];
  if (!step?.approverIds.includes(personId)) {
    return { kind: 'refused', message: '您不是这条答复当前步骤的审核人' };
  }
  if (step.approvedByIds.includes(personId)) return { kind: 'refused', message: '您已同意过这条答复' };
  const approvedByIds = [...step.approvedByIds, personId];
  const steps = pending.steps.map((candidate, index) =>
    index === pending.stepIndex ? { ...candidate, approvedByIds } : candidate,
  );
  const stepDone = step.mode === 'any' || step.approverIds.every((id) => approvedByIds.includes(id));
  if (!stepDone) return { kind: 'waiting', pending: { ...pending, steps } };
  const last = pending.stepIndex >= pending.steps.length - 1;
  return last
    ? { kind: 'approved', pending: { ...pending, steps } }
    : { kind: 'step-done', pending: { ...pending, steps, stepIndex: pending.stepIndex + 1 } };
}

/** Every step of the pending answer is done: it may go out. */
export function isAnswerApproved(pending: PendingAnswer | null): boolean {
  if (!pending) return false;
  return pending.steps.every(
    (step) =>
      step.approvedByIds.length > 0 &&
      (step.mode === 'any' || step.approverIds.every((id) => step.approvedByIds.includes(id))),
  );
}
