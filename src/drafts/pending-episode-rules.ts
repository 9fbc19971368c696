/**
 * Whom the current step of a draft in review waits for, and since when: its "pending episode", pure.
 * An episode is the current step of the current version since it last became pending (opened, or
 * reopened by a revision or a revoked approval) or was last handed over (转交). Its key names it, so a
 * reminder about it is given once, and a decision, withdrawal, revision, revocation or handover ends
 * it. The approval nudges (src/cadence/) read episodes; how a step's waiting is counted is the drafts'.
 */
import type { ReviewState, ReviewStep } from './review-state';
import { handedOverTo } from './approval-step-rules';

export interface PendingEpisode {
  key: string;
  since: Date;
  stepIndex: number;
  /** Designated approvers (after handovers) who have not answered yet. */
  waitingFor: string[];
  /** Backup approvers who may decide instead; the escalation goes to them. */
  backupIds: string[];
}

/** The current step's pending episode; null for a draft that is not waiting for anyone. */
export function pendingEpisode(state: ReviewState, versionCreatedAt: Date): PendingEpisode | null {
  const step = state.steps[state.currentStepIndex];
  if (state.status !== 'in_review' || !step) return null;
  const version = state.currentVersion;
  const previous = state.steps[state.currentStepIndex - 1];
  // The step's own record of when it became pending this time; drafts stored before it was kept fall
  // back to the version's submission or the previous step's approval (a revocation is not seen there).
  const openedAt =
    step.pendingSince?.getTime() ??
    Math.max(
      versionCreatedAt.getTime(),
      ...(previous?.decisions ?? [])
        .filter((decision) => decision.versionNumber === version)
        .map((decision) => decision.decidedAt.getTime()),
    );
  const handovers = step.handovers.filter((handover) => handover.versionNumber === version);
  const since = Math.max(openedAt, ...handovers.map((handover) => handover.at.getTime()));
  const waitingFor = undecidedApprovers(step, version);
  if (waitingFor.length === 0) return null;
  const decided = decidedFor(step, version);
  // A reopened step (same version and step) is a new episode: its opening time is part of the key.
  const opening = step.pendingSince ? `:p${step.pendingSince.getTime()}` : '';
  return {
    key: `${state.id}:v${version}:s${state.currentStepIndex}${opening}:h${handovers.length}`,
    since: new Date(since),
    stepIndex: state.currentStepIndex,
    waitingFor,
    backupIds: step.backupApproverIds.filter((id) => !decided.has(id) && !waitingFor.includes(id)),
  };
}

function decidedFor(step: ReviewStep, version: number): Set<string> {
  return new Set(
    step.decisions
      .filter((decision) => decision.versionNumber === version)
      .flatMap((decision) => [decision.approverId, decision.onBehalfOfId ?? decision.approverId]),
  );
}

/** Who the step still waits for: each designated approver (or whom they handed over to) without an answer. */
function undecidedApprovers(step: ReviewStep, version: number): string[] {
  const decided = decidedFor(step, version);
  if (step.mode === 'any' && step.decisions.some((decision) => decision.versionNumber === version)) return [];
  // Hand-overs as the draft rules read them: a move after an unbind holds for later versions too.
  const waiting = handedOverTo(
    step,
    step.approverIds.filter((id) => !decided.has(id)),
    version,
  );
  return [...new Set(waiting)];
}
