/**
 * Approval nudges, pure: how long the current step of a draft has been waiting, counted in working
 * hours, and which nudges are due — a reminder to the approver after X working hours, an escalation
 * to the step's backup approver (or, without one, the unit's admins) after Y, with the submitter told
 * who has the draft. Nudges never decide anything: nothing is approved by timeout.
 *
 * Each nudge is given once per "pending episode" of a draft (src/drafts/pending-episode-rules.ts: whom
 * the current step waits for, since when): the next episode, if any, starts its own clock and gets its
 * own nudges.
 */
import type { PendingEpisode } from '../drafts/pending-episode-rules';
import type { ReminderPolicy } from './reminder-policy-rules';

export type NudgeStage = 'remind' | 'escalate';

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
  /** How chat messages name the draft (the drafts feature's heading: code and title). */
  heading: string;
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
    `【审核提醒】${text.heading}（${text.unitName}，投稿人${text.submitterName}）` +
    `已等待您审核 ${hours(text.elapsedHours)} 个工作小时。` +
    `请回复“同意 ${text.code} [意见]”或“驳回 ${text.code} 理由”；不便审核可“转交 ${text.code} 姓名”。`
  );
}

export function describeEscalationToBackup(text: NudgeText): string {
  return (
    `【审核催办】${text.heading}（${text.unitName}）已等待${text.waitingForNames}审核 ` +
    `${hours(text.elapsedHours)} 个工作小时。您是该步骤的备审人，可直接审核：` +
    `回复“同意 ${text.code} [意见]”或“驳回 ${text.code} 理由”。`
  );
}

export function describeEscalationToAdmins(text: NudgeText): string {
  return (
    `【审核催办】${text.heading}（${text.unitName}，投稿人${text.submitterName}）` +
    `已等待${text.waitingForNames}审核 ${hours(text.elapsedHours)} 个工作小时，该步骤没有备审人。` +
    `请督促审核，或调整审批路线。系统不会因超时自动通过。`
  );
}

export function describeWaitingToSubmitter(text: NudgeText, escalatedToNames: string, toBackup: boolean): string {
  const who = toBackup ? `已请备审人${escalatedToNames}协助审核` : `已告知管理员${escalatedToNames}`;
  return (
    `${text.heading}仍在等待${text.waitingForNames}审核` +
    `（已 ${hours(text.elapsedHours)} 个工作小时），${who}。审核通过前请勿发布。`
  );
}
