/**
 * An approver's answer to a review request (同意 / 驳回), pure: whether it may decide the step it answers
 * (R1: only the designated approver, never the submitter), whether it repeats something already recorded,
 * and what the decision changes — the next step opens, or the draft is approved or rejected (R3).
 */
import { currentVersionOf } from './draft-content-rules';
import { decisionsFor, designatedFor, openStep, requestsFor, stepComplete } from './approval-step-rules';
import { decisionWord, statusWord } from './draft-messages';
import { alreadyRecorded, refuse } from './review-state';
import type {
  Decision,
  ReviewDecision,
  ReviewEvent,
  ReviewNotification,
  ReviewState,
  RuleOutcome,
  RuleRefusal,
} from './review-state';

export interface DecideInput {
  /** The person replying. */
  deciderId: string;
  /** People the decider currently stands in for (leave delegation). */
  standsInFor: string[];
  decision: Decision;
  comment: string;
  /** The version the reply refers to (a quoted request names it); the current one when not known. */
  versionNumber: number | null;
  /**
   * The step the reply answers (1-based): a quoted request or a card names it. null when the reply
   * quotes nothing (it then answers the current step), or quotes something that names no step.
   */
  stepNumber: number | null;
  now: Date;
}

/**
 * Issue 21: an answer to a review request (a quoted request, a card click) decides the step that
 * request was sent for, or nothing. Applied to whatever step is current, a second click on a decided
 * step-1 card approved step 2 for an approver who also stands in there. Pure; null when the answer
 * may go on to the other checks (who may decide, already recorded, …).
 */
export function refuseOtherStep(
  state: Pick<ReviewState, 'shortCode' | 'steps' | 'currentStepIndex'>,
  input: Pick<DecideInput, 'versionNumber' | 'stepNumber'>,
): RuleRefusal | null {
  const code = state.shortCode;
  const progress = `本次操作未生效。发送“查看 ${code}”可看审核进度。`;
  if (input.stepNumber === null) {
    // A quoted message that names no step: a WeCom card sent before cards named their step, or a
    // reminder. On a route of one step it can only mean that step; on a longer route it is refused
    // rather than applied to the current step, the very mistake above (typing the code still works;
    // review requests have always named their step on such routes, so quoting one is unaffected).
    if (input.versionNumber === null || state.steps.length <= 1) return null;
    return refuse(
      'conflict',
      'DECISION_STEP_UNKNOWN',
      `您点击的卡片或引用的消息未注明审核步骤，本次操作未生效。请直接回复“同意 ${code} [意见]”或“驳回 ${code} 理由”。`,
    );
  }
  const current = state.currentStepIndex + 1;
  if (input.stepNumber < current) {
    return refuse('conflict', 'STEP_ALREADY_HANDLED', `稿件 #${code} 第${input.stepNumber}步已处理，${progress}`);
  }
  if (input.stepNumber > current) {
    // An approval revoked at an earlier step sent the draft back there.
    return refuse(
      'conflict',
      'STEP_NOT_OPEN',
      `稿件 #${code} 已回到第${current}步审核，第${input.stepNumber}步的审核请求已失效，${progress}`,
    );
  }
  return null;
}

export function decide(state: ReviewState, input: DecideInput): RuleOutcome {
  const step = state.steps[state.currentStepIndex];
  const version = currentVersionOf(state);
  const verb = input.decision === 'approve' ? '同意' : '驳回';

  const previous = state.steps
    .flatMap((candidate) => decisionsFor(candidate, version.number))
    .find((decision) => decision.approverId === input.deciderId);
  if (state.status !== 'in_review' || !step) {
    if (previous) {
      return alreadyRecorded(
        'DECISION_ALREADY_RECORDED',
        `已记录过您的决定：${decisionWord(previous.decision)}，无需重复回复`,
      );
    }
    return refuse('conflict', 'DRAFT_NOT_IN_REVIEW', `该稿件${statusWord(state.status)}，不能再审核`);
  }
  if (input.versionNumber !== null && input.versionNumber !== version.number) {
    return refuse(
      'conflict',
      'DRAFT_VERSION_SUPERSEDED',
      `您回复的是第${input.versionNumber}版，稿件已修改为第${version.number}版，请查看新版本后再${verb}`,
    );
  }
  const otherStep = refuseOtherStep(state, input);
  if (otherStep) return otherStep;
  if (input.decision === 'reject' && !input.comment.trim()) {
    return refuse('invalid', 'REJECTION_REASON_REQUIRED', `驳回需要写明理由，例如：驳回 ${state.shortCode} 数据需核实`);
  }
  if (input.deciderId === state.submitterId) {
    return refuse('forbidden', 'OWN_DRAFT', '不能审核自己提交的稿件');
  }

  const candidates = [input.deciderId, ...input.standsInFor];
  const designated = candidates
    .map((personId) => designatedFor(step, personId, version.number))
    .find((id): id is string => id !== null);
  if (!designated) {
    if (previous) {
      return alreadyRecorded(
        'DECISION_ALREADY_RECORDED',
        `已记录过您的决定：${decisionWord(previous.decision)}，当前等待下一步审核`,
      );
    }
    const decidedEarlier = state.steps
      .slice(0, state.currentStepIndex)
      .some((earlier) => candidates.some((personId) => designatedFor(earlier, personId, version.number) !== null));
    if (decidedEarlier) {
      return alreadyRecorded('STEP_ALREADY_DECIDED', '您所在的审核步骤已由他人审核通过，无需重复回复');
    }
    return refuse('forbidden', 'NOT_DESIGNATED_APPROVER', '您不是该稿件当前步骤的指定审核人，不能审核');
  }
  const recorded = decisionsFor(step, version.number).find(
    (decision) => (decision.onBehalfOfId ?? decision.approverId) === designated,
  );
  if (recorded) {
    return alreadyRecorded(
      'DECISION_ALREADY_RECORDED',
      `已记录过决定：${decisionWord(recorded.decision)}，无需重复回复`,
    );
  }

  const onBehalfOfId = designated === input.deciderId ? null : designated;
  const decision: ReviewDecision = {
    approverId: input.deciderId,
    onBehalfOfId,
    decision: input.decision,
    comment: input.comment.trim(),
    versionNumber: version.number,
    contentHash: version.contentHash,
    decidedAt: input.now,
  };
  let steps = state.steps.map((candidate, index) =>
    index === state.currentStepIndex ? { ...candidate, decisions: [...candidate.decisions, decision] } : candidate,
  );
  const stepCount = steps.length;
  const stepNumber = state.currentStepIndex + 1;
  const echo = (recipientId: string): ReviewNotification => ({
    kind: recipientId === state.submitterId ? 'submitter-update' : 'decision-echo',
    recipientId,
    decision: input.decision,
    deciderId: input.deciderId,
    onBehalfOfId,
    comment: decision.comment,
    stepNumber,
    stepCount,
  });
  const event: ReviewEvent = {
    action: input.decision === 'approve' ? 'draft.approved' : 'draft.rejected',
    actorId: input.deciderId,
    onBehalfOfId,
    versionNumber: version.number,
    reason: decision.comment,
    details: { step: stepNumber, stepCount },
  };

  if (input.decision === 'reject') {
    steps = steps.map((candidate, index) =>
      index === state.currentStepIndex ? { ...candidate, status: 'rejected' as const } : candidate,
    );
    return {
      changes: { status: 'rejected', steps },
      events: [event],
      notifications: [echo(input.deciderId), echo(state.submitterId)],
    };
  }

  const current = steps[state.currentStepIndex];
  if (!stepComplete(current, version.number)) {
    return {
      changes: { steps },
      events: [event],
      notifications: [echo(input.deciderId), echo(state.submitterId)],
    };
  }
  steps = steps.map((candidate, index) =>
    index === state.currentStepIndex ? { ...candidate, status: 'approved' as const } : candidate,
  );
  const nextIndex = state.currentStepIndex + 1;
  if (nextIndex < stepCount) {
    steps = openStep(steps, nextIndex, input.now);
    return {
      changes: { steps, currentStepIndex: nextIndex },
      events: [event],
      notifications: [
        echo(input.deciderId),
        echo(state.submitterId),
        ...requestsFor(state, steps, nextIndex, version.number),
      ],
    };
  }
  return {
    changes: { status: 'approved', steps, ccInformed: state.ccIds.length > 0 },
    events: [event],
    notifications: [
      echo(input.deciderId),
      echo(state.submitterId),
      ...state.ccIds.map((recipientId) => ({ kind: 'cc-approved' as const, recipientId })),
    ],
  };
}
