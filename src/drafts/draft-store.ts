/**
 * Drafts as the database holds them, so that the rules deal in review state only. Here, and only here:
 * - the fields storage alone needs, derived from the review state when changes are written:
 *   `pendingApproverIds` and `closedKey` (unique with the short code, so a code is held by one open
 *   draft and freed when it closes);
 * - the draft's listing (draft-listing-model.ts), the small document lists read, written with every
 *   change of the draft and just before it, and the entries of its timeline;
 * - the code → id cache that spares the lookup by code a query;
 * - the insert of a new draft, and the guess at which unique index refused it.
 */
import type { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../shared/errors';
import { writeAtRevision } from '../shared/claimed-write';
import type { HeldClaim } from '../shared/claimed-write';
import type { AuditEvent } from '../audit/audit-event-model';
import { DraftModel } from './draft-model';
import type { Draft, DraftVersion } from './draft-model';
import { DraftListingModel } from './draft-listing-model';
import { draftListings, recordListingChange } from './draft-listing-cache';
import { listingOf, withTimelineEntry } from './draft-listing-rules';
import type { ListingFields } from './draft-listing-rules';
import { pendingApprovers } from './approval-step-rules';
import { normalizeShortCode } from './draft-content-rules';
import { toReviewState } from './draft-state-mapping';
import type { DraftStatus, ReviewChanges, ReviewState } from './review-state';

/** Open drafts whose code → id this process remembers; a county has a few hundred open at most. */
const maxRememberedCodes = 10_000;

/** A closed draft's key: its id; an open one's: '' (unique with the code, so one open draft holds a code). */
export function closedKeyFor(draftId: string, status: DraftStatus): string {
  return status === 'published' || status === 'withdrawn' ? draftId : '';
}

/** The parts of the review state the storage-only fields follow from. */
type DerivedFrom = Pick<ReviewState, 'id' | 'status' | 'steps' | 'currentStepIndex' | 'currentVersion'>;

/**
 * The rules' changes to the review state `before` as stored fields, with the storage-only ones derived
 * from the state after them (mongoose casts the id strings when it writes them).
 */
export function storedFields(changes: ReviewChanges, before: DerivedFrom): Record<string, unknown> {
  const { versions, ...rest } = changes;
  const next = { ...before, ...changes };
  return {
    ...rest,
    ...(versions ? { versions: versions.map((version) => ({ ...version })) } : {}),
    pendingApproverIds: pendingApprovers(next),
    ...(changes.status ? { closedKey: closedKeyFor(next.id, changes.status) } : {}),
  };
}

/** A draft before its submission is stored (the model's defaults): what a submission's changes apply to. */
export function unsubmitted(draftId: string): DerivedFrom {
  return { id: draftId, status: 'in_review', steps: [], currentStepIndex: 0, currentVersion: 1 };
}

/** A new draft's fields, but its short code, drawn when it is stored. */
export type NewDraftFields = Record<string, unknown> & { _id: Types.ObjectId };

export class DraftStore {
  /**
   * Short code → id of the open draft holding it, as this process last saw it. A code is unique among
   * open drafts, so while the remembered draft is open it is the one the code means; reading it by id
   * costs FerretDB one index lookup, where a query by code reads every draft.
   */
  private readonly openDraftIds = new Map<string, Types.ObjectId>();

  async loadByCode(code: string): Promise<Draft> {
    const normalized = normalizeShortCode(code);
    const knownId = this.openDraftIds.get(normalized);
    if (knownId) {
      const known = await DraftModel.findById(knownId).lean<Draft>();
      if (known?.closedKey === '') return known;
      // Closed since: a newer draft may hold the code now.
      this.openDraftIds.delete(normalized);
    }
    const id = await newestDraftIdWithCode(normalized);
    const draft = id ? await DraftModel.findById(id).lean<Draft>() : null;
    if (!draft) throw new NotFoundError('DRAFT_NOT_FOUND', `找不到编号为 #${normalized} 的稿件，请核对编号`);
    this.rememberOpenDraft(draft);
    return draft;
  }

  /**
   * Writes a transition's `changes` to the draft, for the holder of the claim (`writeAtRevision`), and
   * its listing just before: a crash between the two leaves the draft at its revision, and the claim's
   * completion writes both again. Returns whether it wrote.
   */
  write(draft: Draft, changes: Record<string, unknown>, listing: ListingFields, held: HeldClaim, now: Date) {
    return writeAtRevision(DraftModel, draft, changes, held, now, () => writeListing(listing));
  }

  /**
   * A new draft's submission event, recorded after the draft was stored: kept in its timeline, and its
   * listing written. Writing it again (the same submission handled after a crash) changes nothing.
   */
  async recordSubmission(draft: Draft, event: AuditEvent): Promise<void> {
    const timeline = withTimelineEntry(draft.timeline ?? [], event);
    // Written outside a claim: nobody can name the draft in a transition before its code is told, after this.
    if (timeline.length !== draft.timeline?.length) {
      await DraftModel.updateOne({ _id: draft._id }, { $set: { timeline } }, { timestamps: false });
    }
    await writeListing(storedListing({ ...draft, timeline }));
  }

  /**
   * Stores a new draft under a code from `drawCode`, drawn again while an open draft holds it. With
   * `mayBeStored` (its id stands for a submission key), the draft may be there already, stored when the
   * same submission was handled before: the servers do not say which unique index failed, so the id is
   * looked up, and a draft found there is answered as `resumed`.
   */
  async insert(
    fields: NewDraftFields,
    drawCode: () => string,
    mayBeStored: boolean,
  ): Promise<{ draft: Draft; resumed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const draft = (await DraftModel.create({ ...fields, shortCode: drawCode() })).toObject<Draft>();
        this.rememberOpenDraft(draft);
        return { draft, resumed: false };
      } catch (error) {
        if (!(error instanceof ConflictError && error.code === 'DRAFT_CODE_TAKEN') || attempt >= 10) throw error;
        const stored = mayBeStored ? await DraftModel.findById(fields._id).lean<Draft>() : null;
        if (stored) {
          this.rememberOpenDraft(stored);
          return { draft: stored, resumed: true };
        }
      }
    }
  }

  private rememberOpenDraft(draft: Draft): void {
    if (draft.closedKey !== '') return;
    if (this.openDraftIds.size >= maxRememberedCodes) {
      // Forget the longest-remembered code; a forgotten one is found by the query again.
      const oldest = this.openDraftIds.keys().next().value;
      if (oldest !== undefined) this.openDraftIds.delete(oldest);
    }
    this.openDraftIds.set(draft.shortCode, draft._id);
  }
}

/** The id of the newest draft with this (normalized) code: the open one holding it, else the last that had it. */
export async function newestDraftIdWithCode(code: string): Promise<Types.ObjectId | null> {
  const [found] = await draftListings.find({ shortCode: code }, { createdAt: -1 }, 1);
  return found?._id ?? null;
}

/** The listing of a draft as stored. */
export function storedListing(draft: Draft): ListingFields {
  return listingAfter(draft, toReviewState(draft), draft.versions, draft.revision, draft.updatedAt);
}

/** The listing of `draft` with the review `state` and `versions` it has at `revision`, changed at `updatedAt`. */
export function listingAfter(
  draft: Draft,
  state: ReviewState,
  versions: readonly DraftVersion[],
  revision: number,
  updatedAt: Date,
): ListingFields {
  const version = versions.find((candidate) => candidate.number === state.currentVersion);
  return listingOf(state, {
    unitId: String(draft.unitId),
    accountId: draft.accountId ? String(draft.accountId) : null,
    versionCreatedAt: version?.createdAt ?? draft.createdAt,
    revision,
    createdAt: draft.createdAt,
    updatedAt,
  });
}

/**
 * Writes a listing whole, by `_id` (the one filter the embedded database serves from its index), then
 * records the change for the processes' listing caches (draft-listing-cache.ts).
 */
export async function writeListing(listing: ListingFields): Promise<void> {
  await DraftListingModel.replaceOne({ _id: listing._id }, listing, { upsert: true });
  await recordListingChange(listing._id);
}
