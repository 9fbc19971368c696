/**
 * Approval nudges, pure: how long the current step of a draft has been waiting, counted in working
 * hours, and which nudges are due — a reminder to the approver after X working hours, an escalation
 * to the step's backup approver (or, without one, the unit's admins) after Y, with the submitter told
 * who has the draft. Nudges never decide anything: nothing is approved by timeout.
 *
 * A "pending episode" is the current step of the current version since it last became pending
 * (opened, or reopened by a revision or a revoked approval) or was last handed over (转交). Its key
 * names it, so each nudge is given once per episode, and a decision, withdrawal, revision, revocation
 * or handover ends it: the next episode (if any) starts its own clock and gets its own nudges.
 */
import type { ReviewState, ReviewStep } from '../drafts/review-state';
import { handedOverTo } from '../drafts/approval-step-rules';
import { draftHeading } from '../drafts/draft-messages';
import type { ReminderPolicy } from './reminder-policy-rules';

export type NudgeStage = 'remind' | 'escalate';

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

/** The nudges due after `elapsedMinutes` of working time. */
export function dueNudgeStages(elapsedMinutes: number, policy: ReminderPolicy): NudgeStage[] {
  const stages: NudgeStage[] = [];
  if (elapsedMinutes >= policy.remindAfterWorkingHours * 60) stages.push('remind');
  if (elapsedMinutes >= policy.escalateAfterWorkingHours * 60) stages.push('escalate');
  return stages;
}

export function nudgeKey(episode: Pick<PendingEpisode, 'key'>, stage: NudgeStage): string {
  return `nudge:${episode.key}:${stage}`;
}

export interface NudgeText {
  code: string;
  title: string;
  unitName: string;
  submitterName: string;
  /** Names of whom the step waits for, joined. */
  waitingForNames: string;
  elapsedHours: number;
}

function hours(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function describeReminder(text: NudgeText): string {
  return (
    `【审核提醒】${draftHeading(text.code, text.title)}（${text.unitName}，投稿人${text.submitterName}）` +
    `已等待您审核 ${hours(text.elapsedHours)} 个工作小时。` +
    `请回复“同意 ${text.code} [意见]”或“驳回 ${text.code} 理由”；不便审核可“转交 ${text.code} 姓名”。`
  );
}

export function describeEscalationToBackup(text: NudgeText): string {
  return (
    `【审核催办】${draftHeading(text.code, text.title)}（${text.unitName}）已等待${text.waitingForNames}审核 ` +
    `${hours(text.elapsedHours)} 个工作小时。您是该步骤的备审人，可直接审核：` +
    `回复“同意 ${text.code} [意见]”或“驳回 ${text.code} 理由”。`
  );
}

export function describeEscalationToAdmins(text: NudgeText): string {
  return (
    `【审核催办】${draftHeading(text.code, text.title)}（${text.unitName}，投稿人${text.submitterName}）` +
    `已等待${text.waitingForNames}审核 ${hours(text.elapsedHours)} 个工作小时，该步骤没有备审人。` +
    `请督促审核，或调整审批路线。系统不会因超时自动通过。`
  );
}

export function describeWaitingToSubmitter(text: NudgeText, escalatedToNames: string, toBackup: boolean): string {
  const who = toBackup ? `已请备审人${escalatedToNames}协助审核` : `已告知管理员${escalatedToNames}`;
  return (
    `${draftHeading(text.code, text.title)}仍在等待${text.waitingForNames}审核` +
    `（已 ${hours(text.elapsedHours)} 个工作小时），${who}。审核通过前请勿发布。`
  );
}
