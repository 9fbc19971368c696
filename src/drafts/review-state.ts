/**
 * The review-before-publish state machine's vocabulary (R1, R2, R3, R9), pure: the parts of a draft the
 * rules read, and what a rule answers — the changes to make, the audit events to record and the people to
 * notify, or the reason the request is refused. The service does the I/O.
 *
 * States: in_review (step k of n) → approved → published; rejected → (revised) → in_review;
 * withdrawn. Nothing is ever approved by timeout.
 */
import type { Refusal, RefusalKind } from '../shared/errors';

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

/**
 * What a transition changes on the draft (top-level fields, written together): review state only; the
 * fields only storage needs are derived from it when it is written (draft-store.ts).
 */
export type ReviewChanges = Partial<
  Pick<
    ReviewState,
    'status' | 'steps' | 'currentStepIndex' | 'versions' | 'currentVersion' | 'publication' | 'ccInformed'
  >
>;

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

/**
 * A refusal the user can act on; `code` is UPPER_SNAKE, `message` Chinese, `kind` says which error it
 * becomes (see refusalError in src/shared/errors.ts).
 */
export interface RuleRefusal extends Refusal {
  refused: true;
  /**
   * true when the request repeats something already recorded: nothing changes, and the service answers
   * with the message as an outcome, not as an error.
   */
  alreadyRecorded: boolean;
}

export type RuleOutcome = TransitionResult | RuleRefusal;

export function isRefusal(outcome: RuleOutcome): outcome is RuleRefusal {
  return 'refused' in outcome;
}

/** A refusal as a value, not a throw: the service turns it into the error of its kind. */
export const refuse = (kind: RefusalKind, code: string, message: string): RuleRefusal => ({
  refused: true,
  kind,
  code,
  message,
  alreadyRecorded: false,
});

/**
 * The request repeats what is recorded (a second 同意, a repeated 已发布): the service answers that, and
 * sends the messages of the last change again. Its kind is 'conflict' for a caller that cannot take a
 * repeat as done.
 */
export const alreadyRecorded = (code: string, message: string): RuleRefusal => ({
  refused: true,
  kind: 'conflict',
  code,
  message,
  alreadyRecorded: true,
});
