/**
 * The review-before-publish state machine (R1, R2, R3, R9), pure: given a draft and a request, it
 * answers with the changes to make, the audit events to record and the people to notify — or with
 * the reason the request is refused. The service does the I/O.
 *
 * States: in_review (step k of n) → approved → published; rejected → (revised) → in_review;
 * withdrawn. Nothing is ever approved by timeout.
 */
import { createHash, randomInt } from 'node:crypto';
import { wellFormed } from '../shared/text-normalization';

export type DraftStatus = 'in_review' | 'approved' | 'published' | 'rejected' | 'withdrawn';
export type ApprovalMode = 'any' | 'all';
export type StepStatus = 'waiting' | 'pending' | 'approved' | 'rejected';
export type Decision = 'approve' | 'reject';

/** A reprinted article (转载) names where it comes from and its original title (R7). */
export interface Reprint {
  source: string;
  originalTitle: string;
}

export interface ReviewVersion {
  number: number;
  title: string;
  body: string;
  sourceUrl: string;
  reprint: Reprint | null;
  /** SHA-256 of each attached file: an approval binds the files too. */
  attachmentHashes: string[];
  contentHash: string;
}

export interface ReviewDecision {
  approverId: string;
  onBehalfOfId: string | null;
  decision: Decision;
  comment: string;
  versionNumber: number;
  contentHash: string;
  decidedAt: Date;
}

/**
 * A pending item handed from one approver to a colleague (转交) for the current version; or, with
 * cause 'unbind', moved by an admin from a person who left to a backup, for this version and every
 * later one, and the person who left (`replacedId`) no longer decides on the step.
 */
export interface ReviewHandover {
  fromId: string;
  toId: string;
  versionNumber: number;
  at: Date;
  cause?: 'unbind';
  replacedId?: string;
}

export interface ReviewStep {
  mode: ApprovalMode;
  approverIds: string[];
  backupApproverIds: string[];
  status: StepStatus;
  decisions: ReviewDecision[];
  handovers: ReviewHandover[];
  /**
   * When the step last became pending: opened after the previous step, reopened by a revision or a
   * revocation. The approval nudges count from here. Absent on steps stored before it was kept.
   */
  pendingSince?: Date | null;
}

/** The parts of a draft the rules read; ids are strings. */
export interface ReviewState {
  id: string;
  shortCode: string;
  status: DraftStatus;
  submitterId: string;
  versions: ReviewVersion[];
  currentVersion: number;
  steps: ReviewStep[];
  currentStepIndex: number;
  ccIds: string[];
  /** True once the cc were sent 【抄送】 (the draft passed every step): they hear of later changes. */
  ccInformed?: boolean;
  publication: { url: string; publishedAt: Date | null; reportedById: string | null };
}

/** What a transition changes on the draft (top-level fields, written together). */
export type ReviewChanges = Partial<
  Pick<
    ReviewState,
    'status' | 'steps' | 'currentStepIndex' | 'versions' | 'currentVersion' | 'publication' | 'ccInformed'
  >
> & { pendingApproverIds?: string[]; closedKey?: string };

export type NotificationKind =
  | 'review-request'
  | 'decision-echo'
  | 'submitter-update'
  | 'cc-approved'
  | 'cc-published'
  | 'revoked'
  | 'follower-update'
  | 'reviewer-changed';

/** What a follower-update tells someone who was told about the draft before. */
export type FollowerChange = 'revised' | 'withdrawn' | 'revoked' | 'published';

export interface ReviewNotification {
  kind: NotificationKind;
  recipientId: string;
  /** What the message needs beyond the draft itself. */
  decision?: Decision;
  deciderId?: string;
  onBehalfOfId?: string | null;
  comment?: string;
  /** For review requests of a revised version: the version this approver saw last. */
  previousVersionNumber?: number | null;
  stepNumber?: number;
  stepCount?: number;
  /** For follower-updates: what happened, and whether the recipient is copied (cc) or decided earlier. */
  change?: FollowerChange;
  follower?: 'cc' | 'approver';
  /** For requests and reviewer-changed lines after an unbind: the approver who left. */
  replacedId?: string;
}

export interface ReviewEvent {
  action: string;
  actorId: string;
  onBehalfOfId: string | null;
  versionNumber: number;
  reason: string;
  details: Record<string, unknown>;
}

export interface TransitionResult {
  changes: ReviewChanges;
  events: ReviewEvent[];
  notifications: ReviewNotification[];
}

/** A refusal the user can act on; `code` is UPPER_SNAKE, `message` Chinese. */
export interface RuleRefusal {
  refused: true;
  code: string;
  message: string;
  /** true when the request repeats something already recorded (the reply says so, nothing changes). */
  alreadyRecorded?: boolean;
}

export type RuleOutcome = TransitionResult | RuleRefusal;

export function isRefusal(outcome: RuleOutcome): outcome is RuleRefusal {
  return 'refused' in outcome;
}

const refuse = (code: string, message: string, alreadyRecorded = false): RuleRefusal => ({
  refused: true,
  code,
  message,
  alreadyRecorded,
});

/** Short codes use letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
export const shortCodeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const shortCodePattern = new RegExp(`^[${shortCodeAlphabet}]{4}$`);

/** A short code as people type it ("#k7q2", "K7Q2") in the stored form ("K7Q2"). */
export function normalizeShortCode(text: string): string {
  return text.trim().replace(/^#/, '').toUpperCase();
}

export function generateShortCode(): string {
  return Array.from({ length: 4 }, () => shortCodeAlphabet[randomInt(shortCodeAlphabet.length)]).join('');
}

/**
 * The content an approval binds to (R2): title, body, source link and attachment hashes, with line
 * endings, Unicode composition and trailing spaces normalised so that re-sending the same text gives
 * the same hash, while any visible change gives a new one.
 */
export function hashContent(content: {
  title: string;
  body: string;
  sourceUrl?: string;
  reprint?: Reprint | null;
  attachmentHashes?: string[];
}): string {
  const normalize = (text: string) =>
    wellFormed(text)
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim();
  const canonical = JSON.stringify([
    normalize(content.title),
    normalize(content.body),
    wellFormed(content.sourceUrl ?? '').trim(),
    [...(content.attachmentHashes ?? [])].sort(),
    ...(content.reprint ? [normalize(content.reprint.source), normalize(content.reprint.originalTitle)] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The content of the version after `current` with a new title and body; source, reprint and files carry over. */
export function nextVersionContent(current: ReviewVersion, title: string, body: string): Omit<ReviewVersion, 'number'> {
  const content = {
    title,
    body,
    sourceUrl: current.sourceUrl,
    reprint: current.reprint,
    attachmentHashes: current.attachmentHashes,
  };
  return { ...content, contentHash: hashContent(content) };
}

export function currentVersionOf(state: Pick<ReviewState, 'versions' | 'currentVersion'>): ReviewVersion {
  const version = state.versions.find((candidate) => candidate.number === state.currentVersion);
  if (!version) throw new Error(`draft has no version ${state.currentVersion}`);
  return version;
}

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
function designatedFor(step: ReviewStep, personId: string, versionNumber: number): string | null {
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
function stepComplete(step: ReviewStep, versionNumber: number): boolean {
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
function openStep(steps: ReviewStep[], index: number, now: Date): ReviewStep[] {
  return steps.map((step, position) =>
    position < index
      ? step
      : position === index
        ? { ...step, status: 'pending', pendingSince: now }
        : { ...step, status: 'waiting', pendingSince: null },
  );
}

function requestsFor(
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

export interface NewDraftInput {
  submitterId: string;
  version: ReviewVersion;
  now: Date;
  route: { steps: { mode: ApprovalMode; approverIds: string[]; backupApproverIds: string[] }[]; ccIds: string[] };
}

/** A new draft goes straight into review at step 1 of its route. */
export function startReview(input: NewDraftInput): RuleOutcome {
  if (input.route.steps.length === 0 || input.route.steps.some((step) => step.approverIds.length === 0)) {
    return refuse('ROUTE_HAS_NO_APPROVER', '本单位尚未设置审核领导，请联系管理员配置审批路线');
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
      pendingApproverIds: pendingApprovers(state),
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
      'DECISION_STEP_UNKNOWN',
      `您点击的卡片或引用的消息未注明审核步骤，本次操作未生效。请直接回复“同意 ${code} [意见]”或“驳回 ${code} 理由”。`,
    );
  }
  const current = state.currentStepIndex + 1;
  if (input.stepNumber < current) {
    return refuse('STEP_ALREADY_HANDLED', `稿件 #${code} 第${input.stepNumber}步已处理，${progress}`);
  }
  if (input.stepNumber > current) {
    // An approval revoked at an earlier step sent the draft back there.
    return refuse(
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
      return refuse(
        'DECISION_ALREADY_RECORDED',
        `已记录过您的决定：${decisionWord(previous.decision)}，无需重复回复`,
        true,
      );
    }
    return refuse('DRAFT_NOT_IN_REVIEW', `该稿件${statusWord(state.status)}，不能再审核`);
  }
  if (input.versionNumber !== null && input.versionNumber !== version.number) {
    return refuse(
      'DRAFT_VERSION_SUPERSEDED',
      `您回复的是第${input.versionNumber}版，稿件已修改为第${version.number}版，请查看新版本后再${verb}`,
    );
  }
  const otherStep = refuseOtherStep(state, input);
  if (otherStep) return otherStep;
  if (input.decision === 'reject' && !input.comment.trim()) {
    return refuse('REJECTION_REASON_REQUIRED', `驳回需要写明理由，例如：驳回 ${state.shortCode} 数据需核实`);
  }
  if (input.deciderId === state.submitterId) {
    return refuse('OWN_DRAFT', '不能审核自己提交的稿件');
  }

  const candidates = [input.deciderId, ...input.standsInFor];
  const designated = candidates
    .map((personId) => designatedFor(step, personId, version.number))
    .find((id): id is string => id !== null);
  if (!designated) {
    if (previous) {
      return refuse(
        'DECISION_ALREADY_RECORDED',
        `已记录过您的决定：${decisionWord(previous.decision)}，当前等待下一步审核`,
        true,
      );
    }
    const decidedEarlier = state.steps
      .slice(0, state.currentStepIndex)
      .some((earlier) => candidates.some((personId) => designatedFor(earlier, personId, version.number) !== null));
    if (decidedEarlier) {
      return refuse('STEP_ALREADY_DECIDED', '您所在的审核步骤已由他人审核通过，无需重复回复', true);
    }
    return refuse('NOT_DESIGNATED_APPROVER', '您不是该稿件当前步骤的指定审核人，不能审核');
  }
  const recorded = decisionsFor(step, version.number).find(
    (decision) => (decision.onBehalfOfId ?? decision.approverId) === designated,
  );
  if (recorded) {
    return refuse('DECISION_ALREADY_RECORDED', `已记录过决定：${decisionWord(recorded.decision)}，无需重复回复`, true);
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
      changes: { status: 'rejected', steps, pendingApproverIds: [] },
      events: [event],
      notifications: [echo(input.deciderId), echo(state.submitterId)],
    };
  }

  const current = steps[state.currentStepIndex];
  if (!stepComplete(current, version.number)) {
    const next = { ...state, steps };
    return {
      changes: { steps, pendingApproverIds: pendingApprovers(next) },
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
    const next = { ...state, steps, currentStepIndex: nextIndex };
    return {
      changes: { steps, currentStepIndex: nextIndex, pendingApproverIds: pendingApprovers(next) },
      events: [event],
      notifications: [
        echo(input.deciderId),
        echo(state.submitterId),
        ...requestsFor(state, steps, nextIndex, version.number),
      ],
    };
  }
  return {
    changes: { status: 'approved', steps, pendingApproverIds: [], ccInformed: state.ccIds.length > 0 },
    events: [event],
    notifications: [
      echo(input.deciderId),
      echo(state.submitterId),
      ...state.ccIds.map((recipientId) => ({ kind: 'cc-approved' as const, recipientId })),
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
  if (input.byId !== state.submitterId) return refuse('NOT_SUBMITTER', '只有投稿人可以修改稿件');
  if (state.status === 'published' || state.status === 'withdrawn') {
    return refuse('DRAFT_CLOSED', `该稿件${statusWord(state.status)}，不能再修改；如需发布新内容请重新投稿`);
  }
  const current = currentVersionOf(state);
  if (current.contentHash === input.version.contentHash) {
    return refuse('DRAFT_UNCHANGED', '新内容与当前版本相同，未生成新版本');
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
      pendingApproverIds: pendingApprovers(next),
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
  if (input.byId !== state.submitterId) return refuse('NOT_SUBMITTER', '只有投稿人可以撤回稿件');
  if (state.status === 'withdrawn') return refuse('DRAFT_WITHDRAWN', '该稿件已撤回', true);
  if (state.status !== 'in_review' && state.status !== 'rejected') {
    return refuse('DRAFT_NOT_WITHDRAWABLE', `该稿件${statusWord(state.status)}，不能撤回`);
  }
  // Those the request went to and who have not answered; backups were never asked.
  const step = state.steps[state.currentStepIndex];
  const asked = step && state.status === 'in_review' ? requestedApprovers(step, state.currentVersion) : [];
  const pending = pendingApprovers(state).filter((id) => asked.includes(id));
  return {
    changes: { status: 'withdrawn', pendingApproverIds: [], closedKey: state.id },
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
  if (input.byId !== state.submitterId) return refuse('NOT_SUBMITTER', '只有投稿人可以登记发布');
  if (state.status === 'published') return refuse('DRAFT_ALREADY_PUBLISHED', '该稿件已登记发布', true);
  if (state.status !== 'approved') {
    return refuse('DRAFT_NOT_APPROVED', `该稿件${statusWord(state.status)}，未经审核同意不得发布`);
  }
  if (!/^https?:\/\/\S+$/i.test(input.url)) {
    return refuse(
      'PUBLICATION_LINK_INVALID',
      `请附上发布链接，例如：已发布 ${state.shortCode} https://mp.weixin.qq.com/s/…`,
    );
  }
  return {
    changes: {
      status: 'published',
      publication: { url: input.url, publishedAt: input.now, reportedById: input.byId },
      closedKey: state.id,
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
  if (state.status === 'published') return refuse('DRAFT_ALREADY_PUBLISHED', '该稿件已登记发布，不能撤销同意');
  if (!input.reason.trim()) {
    return refuse('REVOCATION_REASON_REQUIRED', `撤销同意需要写明理由，例如：撤销 ${state.shortCode} 数据需再核实`);
  }
  const version = currentVersionOf(state);
  const stepIndex = state.steps.findIndex((step) =>
    decisionsFor(step, version.number).some(
      (decision) => decision.approverId === input.byId && decision.decision === 'approve',
    ),
  );
  if (stepIndex < 0 || (state.status !== 'approved' && state.status !== 'in_review')) {
    return refuse('NO_APPROVAL_TO_REVOKE', '您没有对该稿件当前版本的同意记录，无法撤销');
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
  const next = { ...state, steps, currentStepIndex: stepIndex, status: 'in_review' as const };
  return {
    changes: { status: 'in_review', steps, currentStepIndex: stepIndex, pendingApproverIds: pendingApprovers(next) },
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
    return refuse('DRAFT_NOT_IN_REVIEW', `该稿件${statusWord(state.status)}，无需转交`);
  }
  if (input.toId === input.byId) return refuse('HANDOVER_TO_SELF', '不能转交给自己');
  if (input.toId === state.submitterId) return refuse('HANDOVER_TO_SUBMITTER', '不能转交给投稿人本人审核');
  const designated = [input.byId, ...input.standsInFor]
    .map((personId) => designatedFor(step, personId, state.currentVersion))
    .find((id): id is string => id !== null);
  if (!designated || !pendingApprovers(state).includes(input.byId)) {
    return refuse('NOT_DESIGNATED_APPROVER', '您不是该稿件当前待审核人，不能转交');
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
  const next = { ...state, steps };
  return {
    changes: { steps, pendingApproverIds: pendingApprovers(next) },
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

export function decisionWord(decision: Decision): string {
  return decision === 'approve' ? '同意' : '驳回';
}

export function statusWord(status: DraftStatus): string {
  const words: Record<DraftStatus, string> = {
    in_review: '正在审核中',
    approved: '已审核通过',
    published: '已发布',
    rejected: '已被驳回',
    withdrawn: '已撤回',
  };
  return words[status];
}
