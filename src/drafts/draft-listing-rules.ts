/**
 * What the lists of drafts read, derived from a draft, pure: its listing (draft-listing-model.ts) and
 * the entries of its timeline. Both are derived on every write of the draft, so the same draft always
 * gives the same listing, and writing it again after a crash changes nothing.
 */
import type { AuditEvent } from '../audit/audit-event-model';
import type { DraftTimelineEntry } from './draft-model';
import { pendingApprovers } from './approval-step-rules';
import type { ReviewState } from './review-state';

/** A listing's fields with ids as text (the model casts them when the listing is written). */
export interface ListingFields {
  _id: string;
  shortCode: string;
  title: string;
  titles: string[];
  unitId: string;
  accountId: string | null;
  submitterId: string;
  status: ReviewState['status'];
  currentVersion: number;
  versionCreatedAt: Date;
  currentStepIndex: number;
  stepCount: number;
  approverIds: string[];
  backupApproverIds: string[];
  pendingApproverIds: string[];
  approvedAt: Date | null;
  publishedAt: Date | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a listing needs besides the review state: where the draft belongs and its stored times. */
export interface ListingFacts {
  unitId: string;
  accountId: string | null;
  /** When the current version was stored. */
  versionCreatedAt: Date;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The listing of a draft in `state`. */
export function listingOf(state: ReviewState, facts: ListingFacts): ListingFields {
  const current = state.versions.find((version) => version.number === state.currentVersion);
  const approvals = state.steps.flatMap((step) =>
    step.decisions.filter(
      (decision) => decision.decision === 'approve' && decision.versionNumber === state.currentVersion,
    ),
  );
  return {
    _id: state.id,
    shortCode: state.shortCode,
    title: current?.title ?? '',
    titles: [...new Set(state.versions.map((version) => version.title))],
    unitId: facts.unitId,
    accountId: facts.accountId,
    submitterId: state.submitterId,
    status: state.status,
    currentVersion: state.currentVersion,
    versionCreatedAt: facts.versionCreatedAt,
    currentStepIndex: state.currentStepIndex,
    stepCount: state.steps.length,
    approverIds: unique(state.steps.flatMap((step) => step.approverIds)),
    backupApproverIds: unique(state.steps.flatMap((step) => step.backupApproverIds)),
    pendingApproverIds: pendingApprovers(state),
    approvedAt: latest(approvals.map((decision) => decision.decidedAt)),
    publishedAt: state.publication.publishedAt,
    revision: facts.revision,
    createdAt: facts.createdAt,
    updatedAt: facts.updatedAt,
  };
}

/** The details of an event its timeline words read (draft-action-words.ts): a platform's publish_status. */
const timelineDetailKeys = ['publishStatus'] as const;

/** An audit event about a draft as the draft's timeline keeps it. */
export function timelineEntryOf(event: AuditEvent): DraftTimelineEntry {
  const details = Object.fromEntries(
    timelineDetailKeys.filter((key) => event.details[key] !== undefined).map((key) => [key, event.details[key]]),
  );
  return {
    sequence: event._id,
    at: event.at,
    action: event.action,
    actor: { personId: event.actor.personId, onBehalfOfId: event.actor.onBehalfOfId, via: event.actor.via },
    subjectVersion: event.subjectVersion,
    contentHash: event.contentHash,
    reason: event.reason,
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

/**
 * Whether the draft may have been published through a platform or found by the sweep: only an approved
 * draft is published or matched, so a kept timeline without an approval says no (the publication and
 * sweep records are then not read). A draft whose timeline is not kept yet may have been.
 */
export function mayHavePlatformRecords(timeline: readonly DraftTimelineEntry[] | undefined): boolean {
  return !timeline || timeline.some((entry) => entry.action === 'draft.approved');
}

/** Timelines of one draft kept in several records, as one, in sequence order, each event once. */
export function mergedTimeline(...timelines: (readonly DraftTimelineEntry[])[]): DraftTimelineEntry[] {
  const bySequence = new Map(timelines.flat().map((entry) => [entry.sequence, entry]));
  return [...bySequence.values()].sort((left, right) => left.sequence - right.sequence);
}

/** `timeline` with the entry of `event` added in sequence order, once however often it is added. */
export function withTimelineEntry(timeline: readonly DraftTimelineEntry[], event: AuditEvent): DraftTimelineEntry[] {
  if (timeline.some((entry) => entry.sequence === event._id)) return [...timeline];
  return [...timeline, timelineEntryOf(event)].sort((left, right) => left.sequence - right.sequence);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function latest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((last, date) => (!last || date > last ? date : last), null);
}
