/**
 * Finding drafts: the items waiting for an approver, an officer's own drafts, and the lists the cadence,
 * the nudges and the dashboard read. A draft by the short code people type is draft-store.ts's (it
 * remembers which open draft holds a code).
 */
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors';
import { DraftModel, draftStatuses } from './draft-model';
import { pendingEpisode } from './pending-episode-rules';
import type { Draft } from './draft-model';
import { draftHeading } from './draft-messages';
import { summarize, toDraftApproval, toPublishedDraft, toReviewState } from './draft-state-mapping';
import type { DraftActor, DraftApproval, DraftInReview, DraftSummary, PublishedDraft } from './draft-service-types';

/** What a draft's approval is read from (toDraftApproval): all but the storage-only fields and the messages. */
const approvalFields = { lastMessages: 0, pendingApproverIds: 0 } as const;

export class DraftLookups {
  /** Drafts reported published since `since`. */
  async listPublishedSince(since: Date): Promise<PublishedDraft[]> {
    const drafts = await DraftModel.find({ status: 'published', 'publication.publishedAt': { $gte: since } }).lean<
      Draft[]
    >();
    return drafts.map(toPublishedDraft);
  }

  /**
   * The approval of every draft changed since `since`, whatever its status now (one approved before
   * may be in review again), read by one query in batches: the platform sweep keeps its fingerprints
   * current by it, holding a batch at a time.
   */
  async *approvalsChangedSince(since: Date): AsyncGenerator<DraftApproval> {
    const cursor = DraftModel.find({ status: { $in: [...draftStatuses] }, updatedAt: { $gte: since } }, approvalFields)
      .lean<Draft[]>()
      .cursor({ batchSize: 1000 });
    for await (const draft of cursor as AsyncIterable<Draft>) yield toDraftApproval(draft);
  }

  /** Every draft in review (a county has a few hundred at most), for the approval nudges and the dashboard. */
  async listInReview(): Promise<DraftInReview[]> {
    const drafts = await DraftModel.find({ status: 'in_review' }).sort({ updatedAt: -1 }).lean<Draft[]>();
    return drafts.map((draft) => {
      const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
      const state = toReviewState(draft);
      // The first step's clock starts when the current version was submitted.
      const episode = pendingEpisode(state, version?.createdAt ?? draft.createdAt);
      const title = version?.title ?? '';
      return { state, unitId: String(draft.unitId), title, heading: draftHeading(draft.shortCode, title), episode };
    });
  }

  async listMine(actor: DraftActor, limit = 10): Promise<DraftSummary[]> {
    const drafts = await DraftModel.find({ submitterId: new Types.ObjectId(actor.personId) })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<Draft[]>();
    return drafts.map((draft) => summarize(toReviewState(draft)));
  }

  async pendingFor(personId: string, standsInFor: string[]): Promise<DraftSummary[]> {
    const ids = [personId, ...standsInFor].map((id) => new Types.ObjectId(id));
    const drafts = await DraftModel.find({ pendingApproverIds: { $in: ids }, status: 'in_review' })
      .sort({ createdAt: 1 })
      .limit(50)
      .lean<Draft[]>();
    return drafts.map((draft) => summarize(toReviewState(draft)));
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

/** The current revision of each of these drafts, by id (one read, only the revision). */
export async function draftRevisions(draftIds: Types.ObjectId[]): Promise<Map<string, number>> {
  if (draftIds.length === 0) return new Map();
  const drafts = await DraftModel.find({ _id: { $in: draftIds } }, { revision: 1 }).lean<
    Pick<Draft, '_id' | 'revision'>[]
  >();
  return new Map(drafts.map((draft) => [String(draft._id), draft.revision]));
}
