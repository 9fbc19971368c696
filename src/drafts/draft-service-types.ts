/**
 * The types the drafts service, its parts and its callers share: what the flow needs from other features
 * (people, accounts, the outbox, the content check, the cadence's post ledger) — narrow ports, so tests and
 * those features see the contract — and the shapes the flow answers with.
 */
import type { PendingEpisode } from './pending-episode-rules';
import type { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { StoredTextFile, TextFileStore } from '../shared/text-files';
import type { AuditTrail } from '../audit/audit-service';
import type { DraftContent } from '../content-check/content-check-rules';
import type { AccountPlatform } from '../accounts/account-vocabulary';
import type { ContentFinding, Draft, DraftAttachment, DraftMessage } from './draft-model';
import type { Decision, Reprint, ReviewState } from './review-state';

/** Who acts: a bound person, and the identity the request came through (for the audit trail). */
export interface DraftActor {
  personId: string;
  via: string;
}

export interface PersonName {
  id: string;
  name: string;
  title: string;
  unitIds: string[];
}

/** What the flow needs from the people feature. */
export interface DraftPeople {
  resolveRoute(input: { unitId: string; accountId?: string | null; submitterId: string }): Promise<{
    steps: { mode: 'any' | 'all'; approverIds: Types.ObjectId[]; backupApproverIds: Types.ObjectId[] }[];
    ccIds: Types.ObjectId[];
  }>;
  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonName>>;
  findPersonByName(name: string): Promise<PersonName[]>;
  delegatorsOf(delegateId: string, at: Date): Promise<string[]>;
  unitName(unitId: string): Promise<string>;
}

/** A draft with the names an admin's view shows. */
export interface DraftRecord {
  draft: Draft;
  /** Everyone the draft names, by id (people no longer on record are absent). */
  people: Map<string, PersonName>;
  unitName: string;
}

/** What the flow needs from the account registry: the account a draft goes to (R4), and its name. */
export interface DraftAccounts {
  /**
   * The account named, or the unit's only running account; null when none is registered (or, when not
   * `strict`, when several are and none is named). Refuses an unknown name or a closing account.
   */
  accountForDraft(
    unitId: string,
    name: string | null,
    options: { strict: boolean },
  ): Promise<{ id: string; name: string; platform: AccountPlatform } | null>;
  accountNameOf(accountId: string): Promise<string>;
  /** The account's platform, whose limits a revised version is checked against; null when unknown. */
  platformOf?(accountId: string): Promise<AccountPlatform | null>;
  /** How an approved draft of the account goes out (by hand when not given). */
  publishingOf?(accountId: string): Promise<AccountPublishing>;
}

/**
 * How an approved draft of an account is published: by hand and reported with 已发布; through the
 * connected platform on 发布; or through it at once after the last approval.
 */
export type AccountPublishing = 'by-hand' | 'on-command' | 'automatic';

export interface DraftOutbox {
  enqueue(entries: DraftMessage[]): Promise<void>;
}

/**
 * What the pre-check reads: the content and, for a new draft, the platform of its account and its files,
 * so the platform's limits are found before review (src/publication/article-limit-rules.ts).
 */
export interface CheckedDraft extends DraftContent {
  platform?: AccountPlatform | null;
  attachments?: readonly Pick<DraftAttachment, 'name' | 'mimeType' | 'size'>[];
}

export type ContentChecker = (content: CheckedDraft) => ContentFinding[];

export interface DraftServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  outbox: DraftOutbox;
  people: DraftPeople;
  accounts?: DraftAccounts;
  checkContent: ContentChecker;
  /** Masks ID, mobile and bank card numbers in a text ("脱敏"). */
  maskPersonalData: (text: string) => string;
  /** Keeps a text as a file to send: a long draft's full text goes with requests and "查看" that way. */
  storeTextFile: TextFileStore;
  /** Told of each draft a decision leaves fully approved (automatic publishing, src/publication/). */
  onApproved?: (draft: DraftSummary) => Promise<void>;
  /** Told of each publication reported with 已发布 (R6: the cadence check counts posts). */
  publications?: {
    recordPublication(publication: PublishedDraft, options?: { fromPlatform?: boolean }): Promise<void>;
  };
  logger?: Logger;
}

/** A published draft as the cadence check counts it. */
export interface PublishedDraft {
  draftId: string;
  unitId: string;
  accountId: string | null;
  publishedAt: Date;
  url: string;
  /** false for a reprint (转载). */
  original: boolean;
}

/**
 * A draft as publishing through a platform's API reads it (src/publication/, R10): who it involves,
 * who approved its current version, and that version as stored with the hash its approvals bound.
 */
export interface DraftForPublication {
  id: string;
  code: string;
  status: ReviewState['status'];
  unitId: string;
  accountId: string | null;
  submitterId: string;
  /** Everyone the draft names (submitter, approvers and backups, cc, hand-overs): who may learn it exists. */
  involvedIds: string[];
  /** Who approved the current version (and those they decided for). */
  approverIds: string[];
  version: {
    number: number;
    title: string;
    body: string;
    sourceUrl: string;
    reprint: Reprint | null;
    attachments: DraftAttachment[];
  };
  /** The content hash every approval of the current version bound (R2); null when none did or they differ. */
  approvedHash: string | null;
}

/**
 * A draft as the platform sweep matches published articles against it (R10): as publishing reads it,
 * with when its current version was approved (null when the draft is not, or no longer, approved) and
 * when the draft last changed (the sweep reads the drafts changed since its last read).
 */
export interface DraftApproval extends DraftForPublication {
  approvedAt: Date | null;
  changedAt: Date;
}

/** A draft in review as the approval nudges read it. */
export interface DraftInReview {
  state: ReviewState;
  unitId: string;
  title: string;
  /** How chat messages name it (code and title). */
  heading: string;
  /** Whom its current step waits for and since when; null when it waits for nobody. */
  episode: PendingEpisode | null;
}

export interface SubmitInput {
  title: string;
  body: string;
  sourceUrl?: string;
  reprint?: Reprint | null;
  /** Files already stored (the bot keeps them under the data folder), with their SHA-256. */
  attachments?: DraftAttachment[];
  accountId?: string | null;
  /** "投稿 @账号名 标题": the account by name; without one, the unit's only account. */
  accountName?: string | null;
  unitId?: string | null;
  /**
   * Identifies the submission (e.g. the chat message it came in): handling it again after a crash
   * completes the draft stored the first time instead of creating a second one.
   */
  submissionKey?: string;
}

export interface DecideRequest {
  /** null: a plain "同意" — applies to the one pending item, if there is exactly one. */
  code: string | null;
  decision: Decision;
  comment: string;
  /** The version named by a quoted request, when the reply quotes one. */
  versionNumber: number | null;
  /** The step named by a quoted request or a card (see `refuseOtherStep`); absent or null when none. */
  stepNumber?: number | null;
}

/** "查看 K7Q2": the text to reply, and for a long draft its full text as a file to send after it. */
export interface DraftView {
  draftId: string;
  code: string;
  text: string;
  file: StoredTextFile | null;
}

export interface DraftSummary {
  id: string;
  code: string;
  title: string;
  status: ReviewState['status'];
  versionNumber: number;
  stepNumber: number;
  stepCount: number;
}

/**
 * The request repeats what is already recorded (a second 同意, a repeated 已发布 or 撤回): nothing
 * changed, and `message` tells the person so. An outcome, not an error.
 */
export interface AlreadyRecorded {
  alreadyRecorded: true;
  code: string;
  message: string;
}

/** What a change to a draft answers: the draft as it now is, or that the request was recorded before. */
export type DraftChange = DraftSummary | AlreadyRecorded;

export function isAlreadyRecorded(change: DraftChange): change is AlreadyRecorded {
  return 'alreadyRecorded' in change;
}
