/**
 * The rest of a draft's life, pure: submission into review, revision (R2: a new version is reviewed
 * again), withdrawal, the report of publication (R1: only after approval), revocation of an approval and
 * the hand-over of a pending item (转交); each tells those who heard of the draft before what changed.
 */
import { currentVersionOf } from './draft-content-rules';
import {
  decisionsFor,
  designatedFor,
  openStep,
  pendingApprovers,
  requestedApprovers,
  requestsFor,
  stepComplete,
} from './approval-step-rules';
import { statusWord } from './draft-messages';
import { alreadyRecorded, refuse } from './review-state';
import type {
  ApprovalMode,
  FollowerChange,
  ReviewHandover,
  ReviewNotification,
  ReviewState,
  ReviewVersion,
  RuleOutcome,
} from './review-state';

export interface NewDraftInput {
  submitterId: string;
  version: ReviewVersion;
  now: Date;
  route: { steps: { mode: ApprovalMode; approverIds: string[]; backupApproverIds: string[] }[]; ccIds: string[] };
}

/** A new draft goes straight into review at step 1 of its route. */
export function startReview(input: NewDraftInput): RuleOutcome {
  if (input.route.steps.length === 0 || input.route.steps.some((step) => step.approverIds.length === 0)) {
    return refuse('conflict', 'ROUTE_HAS_NO_APPROVER', '本单位尚未设置审核领导，请联系管理员配置审批路线');
  }
  const steps = openStep(
    input.route.steps.map((step) => ({ ...step, status: 'waiting' as const, decisions: [], handovers: [] })),
    0,
    input.now,
  );
  const state = { steps, currentVersion: 1, currentStepIndex: 0, status: 'in_review' as const };
  return {
    changes: {
      status: 'in_review',
      steps,
      currentStepIndex: 0,
      versions: [input.version],
      currentVersion: input.version.number,
    },
    events: [
      {
        action: 'draft.submitted',
        actorId: input.submitterId,
        onBehalfOfId: null,
        versionNumber: input.version.number,
        reason: '',
        details: { stepCount: steps.length },
      },
    ],
    notifications: [
      ...requestsFor(state, steps, 0, input.version.number),
      { kind: 'submitter-update', recipientId: input.submitterId, stepNumber: 1, stepCount: steps.length },
    ],
  };
}

export interface ReviseInput {
  byId: string;
  version: Omit<ReviewVersion, 'number'>;
  now: Date;
}

/**
 * A new version goes through the whole route again (R2: an approval binds the content it approved).
 * Allowed for the submitter while in review, after rejection, and after approval until published.
 */
export function revise(state: ReviewState, input: ReviseInput): RuleOutcome {
  if (input.byId !== state.submitterId) return refuse('forbidden', 'NOT_SUBMITTER', '只有投稿人可以修改稿件');
  if (state.status === 'published' || state.status === 'withdrawn') {
    return refuse(
      'conflict',
      'DRAFT_CLOSED',
      `该稿件${statusWord(state.status)}，不能再修改；如需发布新内容请重新投稿`,
    );
  }
  const current = currentVersionOf(state);
  if (current.contentHash === input.version.contentHash) {
    return refuse('invalid', 'DRAFT_UNCHANGED', '新内容与当前版本相同，未生成新版本');
  }
  const version: ReviewVersion = { ...input.version, number: state.currentVersion + 1 };
  const steps = openStep(
    state.steps.map((step) => ({ ...step, status: 'waiting' as const })),
    0,
    input.now,
  );
  const next = { ...state, steps, currentStepIndex: 0, currentVersion: version.number, status: 'in_review' as const };
  return {
    changes: {
      status: 'in_review',
      versions: [...state.versions, version],
      currentVersion: version.number,
      steps,
      currentStepIndex: 0,
    },
    events: [
      {
        action: 'draft.revised',
        actorId: input.byId,
        onBehalfOfId: null,
        versionNumber: version.number,
        reason: '',
        details: { previousVersion: current.number, previousStatus: state.status },
      },
    ],
    notifications: withFollowerUpdates(state, 'revised', input.byId, [
      ...requestsFor(next, steps, 0, version.number),
      { kind: 'submitter-update', recipientId: input.byId, stepNumber: 1, stepCount: steps.length },
    ]),
  };
}

/** The submitter withdraws a draft that is not approved yet. */
export function withdraw(state: ReviewState, input: { byId: string }): RuleOutcome {
  if (input.byId !== state.submitterId) return refuse('forbidden', 'NOT_SUBMITTER', '只有投稿人可以撤回稿件');
  if (state.status === 'withdrawn') return alreadyRecorded('DRAFT_WITHDRAWN', '该稿件已撤回');
  if (state.status !== 'in_review' && state.status !== 'rejected') {
    return refuse('conflict', 'DRAFT_NOT_WITHDRAWABLE', `该稿件${statusWord(state.status)}，不能撤回`);
  }
  // Those the request went to and who have not answered; backups were never asked.
  const step = state.steps[state.currentStepIndex];
  const asked = step && state.status === 'in_review' ? requestedApprovers(step, state.currentVersion) : [];
  const pending = pendingApprovers(state).filter((id) => asked.includes(id));
  return {
    changes: { status: 'withdrawn' },
    events: [
      {
        action: 'draft.withdrawn',
        actorId: input.byId,
        onBehalfOfId: null,
        versionNumber: state.currentVersion,
        reason: '',
        details: {},
      },
    ],
    notifications: withFollowerUpdates(state, 'withdrawn', input.byId, [
      { kind: 'submitter-update', recipientId: input.byId },
      ...pending.map((recipientId) => ({ kind: 'revoked' as const, recipientId })),
    ]),
  };
}

/** The submitter reports the approved version published, with its link (R1: only after approval). */
export function reportPublished(state: ReviewState, input: { byId: string; url: string; now: Date }): RuleOutcome {
  if (input.byId !== state.submitterId) return refuse('forbidden', 'NOT_SUBMITTER', '只有投稿人可以登记发布');
  if (state.status === 'published') return alreadyRecorded('DRAFT_ALREADY_PUBLISHED', '该稿件已登记发布');
  if (state.status !== 'approved') {
    return refuse('conflict', 'DRAFT_NOT_APPROVED', `该稿件${statusWord(state.status)}，未经审核同意不得发布`);
  }
  if (!/^https?:\/\/\S+$/i.test(input.url)) {
    return refuse(
      'invalid',
      'PUBLICATION_LINK_INVALID',
      `请附上发布链接，例如：已发布 ${state.shortCode} https://mp.weixin.qq.com/s/…`,
    );
  }
  return {
    changes: {
      status: 'published',
      publication: { url: input.url, publishedAt: input.now, reportedById: input.byId },
    },
    events: [
      {
        action: 'draft.published',
        actorId: input.byId,
        onBehalfOfId: null,
        versionNumber: state.currentVersion,
        reason: '',
        details: { url: input.url },
      },
    ],
    notifications: withFollowerUpdates(state, 'published', input.byId, [
      { kind: 'submitter-update', recipientId: input.byId },
      ...state.ccIds.map((recipientId) => ({ kind: 'cc-published' as const, recipientId })),
    ]),
  };
}

/**
 * An approver takes back their approval, with a reason, until the draft is reported published: the
 * draft returns to review at that approver's step and the submitter is told not to publish.
 */
export function revokeApproval(state: ReviewState, input: { byId: string; reason: string; now: Date }): RuleOutcome {
  if (state.status === 'published')
    return refuse('conflict', 'DRAFT_ALREADY_PUBLISHED', '该稿件已登记发布，不能撤销同意');
  if (!input.reason.trim()) {
    return refuse(
      'invalid',
      'REVOCATION_REASON_REQUIRED',
      `撤销同意需要写明理由，例如：撤销 ${state.shortCode} 数据需再核实`,
    );
  }
  const version = currentVersionOf(state);
  const stepIndex = state.steps.findIndex((step) =>
    decisionsFor(step, version.number).some(
      (decision) => decision.approverId === input.byId && decision.decision === 'approve',
    ),
  );
  if (stepIndex < 0 || (state.status !== 'approved' && state.status !== 'in_review')) {
    return refuse('conflict', 'NO_APPROVAL_TO_REVOKE', '您没有对该稿件当前版本的同意记录，无法撤销');
  }
  const steps = openStep(
    state.steps.map((step, index) =>
      index < stepIndex
        ? step
        : {
            ...step,
            status: 'waiting' as const,
            decisions:
              index === stepIndex
                ? step.decisions.filter(
                    (decision) => !(decision.approverId === input.byId && decision.versionNumber === version.number),
                  )
                : step.decisions.filter((decision) => decision.versionNumber !== version.number),
          },
    ),
    stepIndex,
    input.now,
  );
  return {
    changes: { status: 'in_review', steps, currentStepIndex: stepIndex },
    events: [
      {
        action: 'draft.approval-revoked',
        actorId: input.byId,
        onBehalfOfId: null,
        versionNumber: version.number,
        reason: input.reason.trim(),
        details: { step: stepIndex + 1 },
      },
    ],
    notifications: withFollowerUpdates(state, 'revoked', input.byId, [
      { kind: 'revoked', recipientId: state.submitterId, deciderId: input.byId, comment: input.reason.trim() },
      { kind: 'decision-echo', recipientId: input.byId, deciderId: input.byId, comment: input.reason.trim() },
    ]),
  };
}

/** An approver hands a pending item to a colleague (转交); the colleague then decides on their behalf. */
export function handOver(
  state: ReviewState,
  input: { byId: string; toId: string; standsInFor: string[]; now: Date },
): RuleOutcome {
  const step = state.steps[state.currentStepIndex];
  if (state.status !== 'in_review' || !step) {
    return refuse('conflict', 'DRAFT_NOT_IN_REVIEW', `该稿件${statusWord(state.status)}，无需转交`);
  }
  if (input.toId === input.byId) return refuse('conflict', 'HANDOVER_TO_SELF', '不能转交给自己');
  if (input.toId === state.submitterId) return refuse('conflict', 'HANDOVER_TO_SUBMITTER', '不能转交给投稿人本人审核');
  const designated = [input.byId, ...input.standsInFor]
    .map((personId) => designatedFor(step, personId, state.currentVersion))
    .find((id): id is string => id !== null);
  if (!designated || !pendingApprovers(state).includes(input.byId)) {
    return refuse('forbidden', 'NOT_DESIGNATED_APPROVER', '您不是该稿件当前待审核人，不能转交');
  }
  const handover: ReviewHandover = {
    fromId: designated,
    toId: input.toId,
    versionNumber: state.currentVersion,
    at: input.now,
  };
  const steps = state.steps.map((candidate, index) =>
    index === state.currentStepIndex ? { ...candidate, handovers: [...candidate.handovers, handover] } : candidate,
  );
  return {
    changes: { steps },
    events: [
      {
        action: 'draft.handed-over',
        actorId: input.byId,
        onBehalfOfId: designated === input.byId ? null : designated,
        versionNumber: state.currentVersion,
        reason: '',
        details: { to: input.toId, for: designated },
      },
    ],
    notifications: [
      {
        kind: 'review-request',
        recipientId: input.toId,
        onBehalfOfId: designated,
        stepNumber: state.currentStepIndex + 1,
        stepCount: state.steps.length,
        previousVersionNumber: null,
      },
      { kind: 'decision-echo', recipientId: input.byId, deciderId: input.byId, onBehalfOfId: designated },
    ],
  };
}

/**
 * Adds one short line for everyone told about the draft before who gets no other message from this
 * change (issue 13): copied people once they were sent 【抄送】, and approvers who decided on any
 * version. Not the one acting, not the submitter.
 */
function withFollowerUpdates(
  state: ReviewState,
  change: FollowerChange,
  actorId: string,
  notifications: ReviewNotification[],
): ReviewNotification[] {
  const told = new Set([actorId, state.submitterId, ...notifications.map((notification) => notification.recipientId)]);
  const update = (recipientId: string, follower: 'cc' | 'approver'): ReviewNotification[] => {
    if (told.has(recipientId)) return [];
    told.add(recipientId);
    return [{ kind: 'follower-update', recipientId, change, follower, deciderId: actorId }];
  };
  const copied = state.ccInformed || wasEverApproved(state) ? state.ccIds.flatMap((id) => update(id, 'cc')) : [];
  const deciders = state.steps.flatMap((step) =>
    step.decisions.flatMap((decision) => update(decision.approverId, 'approver')),
  );
  return [...notifications, ...copied, ...deciders];
}

/** True when some version passed every step (drafts stored before `ccInformed` existed). */
function wasEverApproved(state: Pick<ReviewState, 'steps' | 'versions'>): boolean {
  return state.versions.some(
    (version) => state.steps.length > 0 && state.steps.every((step) => stepComplete(step, version.number)),
  );
}
