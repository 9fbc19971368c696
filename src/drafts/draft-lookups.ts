/**
 * Finding drafts: the items waiting for an approver, an officer's own drafts, and the lists the cadence,
 * the nudges and the dashboard read — each from the drafts' listings (draft-listing-model.ts), with the
 * few drafts a list needs whole read by `_id`. A draft by the short code people type is draft-store.ts's
 * (it remembers which open draft holds a code).
 */
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors';
import { DraftModel, draftStatuses } from './draft-model';
import type { Draft } from './draft-model';
import { draftListings } from './draft-listing-cache';
import type { DraftListing } from './draft-listing-model';
import { pendingEpisode } from './pending-episode-rules';
import { draftHeading } from './draft-messages';
import { toDraftApproval, toPublishedDraft, toReviewState } from './draft-state-mapping';
import type { DraftActor, DraftApproval, DraftInReview, DraftSummary, PublishedDraft } from './draft-service-types';

/** What a draft's approval is read from (toDraftApproval): all but the storage-only fields and the messages. */
const approvalFields = { lastMessages: 0, pendingApproverIds: 0 } as const;

/** Drafts read by `_id` at once: a list's few hundred go in a few rounds instead of one query each after the other. */
const draftsReadTogether = 50;
/** Up to this many changed drafts are read one by one by `_id`; more, by one query over all drafts. */
const approvalsReadById = 500;

export class DraftLookups {
  /** Drafts reported published since `since`. */
  async listPublishedSince(since: Date): Promise<PublishedDraft[]> {
    const listed = await draftListings.find({ status: 'published', publishedAt: { $gte: since } });
    return (await draftsById(listed.map((listing) => listing._id))).map(toPublishedDraft);
  }

  /**
   * The approval of every draft changed since `since`, whatever its status now (one approved before
   * may be in review again): the platform sweep keeps its fingerprints current by it, holding a batch
   * at a time. Which drafts changed comes from their listings (small documents); the few changed since
   * the day before are then read by `_id`, and many (a first sweep) by one query over the drafts.
   */
  async *approvalsChangedSince(since: Date): AsyncGenerator<DraftApproval> {
    const statuses = { $in: [...draftStatuses] };
    const changed = await draftListings.find({ status: statuses, updatedAt: { $gte: since } });
    if (changed.length <= approvalsReadById) {
      for (const draft of await draftsById(changed.map((listing) => listing._id))) yield toDraftApproval(draft);
      return;
    }
    const cursor = DraftModel.find({ status: statuses, updatedAt: { $gte: since } }, approvalFields)
      .lean<Draft[]>()
      .cursor({ batchSize: 1000 });
    for await (const draft of cursor as AsyncIterable<Draft>) yield toDraftApproval(draft);
  }

  /** Every draft in review (a county has a few hundred at most), for the approval nudges and the dashboard. */
  async listInReview(): Promise<DraftInReview[]> {
    const listed = await draftListings.find({ status: 'in_review' }, { updatedAt: -1 });
    const drafts = await draftsById(listed.map((listing) => listing._id));
    return drafts
      .filter((draft) => draft.status === 'in_review')
      .map((draft) => {
        const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
        const state = toReviewState(draft);
        // The first step's clock starts when the current version was submitted.
        const episode = pendingEpisode(state, version?.createdAt ?? draft.createdAt);
        const title = version?.title ?? '';
        return { state, unitId: String(draft.unitId), title, heading: draftHeading(draft.shortCode, title), episode };
      });
  }

  async listMine(actor: DraftActor, limit = 10): Promise<DraftSummary[]> {
    const listings = await draftListings.find(
      { submitterId: new Types.ObjectId(actor.personId) },
      { createdAt: -1 },
      limit,
    );
    return listings.map(summaryOf);
  }

  async pendingFor(personId: string, standsInFor: string[]): Promise<DraftSummary[]> {
    const ids = [personId, ...standsInFor].map((id) => new Types.ObjectId(id));
    const listings = await draftListings.find(
      { pendingApproverIds: { $in: ids }, status: 'in_review' },
      { createdAt: 1 },
      50,
    );
    return listings.map(summaryOf);
  }

  async soleItemPendingFor(personId: string, standsInFor: string[]): Promise<string> {
    const pending = await this.pendingFor(personId, standsInFor);
    if (pending.length === 1) return pending[0].code;
    if (pending.length === 0) throw new NotFoundError('NOTHING_PENDING', '您当前没有待审核的稿件');
    const list = pending.map((item) => `${draftHeading(item.code, item.title)}`).join('\n');
    throw new ValidationError(
      'WHICH_DRAFT',
      `您有${pending.length}篇待审稿件，请写明编号，例如“同意 ${pending[0].code}”：\n${list}`,
    );
  }
}

/** A draft as a reply names it, from its listing (as `summarize` names it from its state). */
function summaryOf(listing: DraftListing): DraftSummary {
  return {
    id: String(listing._id),
    code: listing.shortCode,
    title: listing.title,
    status: listing.status,
    versionNumber: listing.currentVersion,
    stepNumber: listing.currentStepIndex + 1,
    stepCount: listing.stepCount,
  };
}

/**
 * The drafts with these ids that are stored, in the order given, each read by `_id`: the one look-up
 * the embedded database serves from its index (a list of ids it answers by reading every draft).
 */
async function draftsById(ids: Types.ObjectId[]): Promise<Draft[]> {
  const drafts: Draft[] = [];
  for (let start = 0; start < ids.length; start += draftsReadTogether) {
    const batch = ids.slice(start, start + draftsReadTogether);
    const found = await Promise.all(batch.map((id) => DraftModel.findById(id).lean<Draft>()));
    for (const draft of found) if (draft) drafts.push(draft);
  }
  return drafts;
}

/** The current revision of each of these drafts, by id (each read by `_id`, only the revision). */
export async function draftRevisions(draftIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const unique = [...new Set(draftIds.map(String))];
  const drafts = await Promise.all(
    unique.map((id) => DraftModel.findById(id, { revision: 1 }).lean<Pick<Draft, '_id' | 'revision'>>()),
  );
  return new Map(drafts.flatMap((draft) => (draft ? [[String(draft._id), draft.revision] as const] : [])));
}
