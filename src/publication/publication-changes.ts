/**
 * How a publication's state changes: one audited claimed write (changeAudited, src/audit/audit-ledger.ts;
 * docs/how-to-change-a-record-state.md) whose event goes into the draft's trail — the draft's timeline
 * shows what happened to its publication, and whoever may read about the draft may read this — keyed
 * "publication:<id>:r<revision>", so the publication's revisions are claimed apart from the draft's.
 */
import type { Types } from 'mongoose';
import { ConflictError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { changeAudited } from '../audit/audit-ledger';
import { withTimelineEntry } from '../drafts/draft-listing-rules';
import type { AuditedChange } from '../audit/audit-ledger';
import type { AuditTrail } from '../audit/audit-service';
import { PublicationModel } from './publication-model';
import type { Publication } from './publication-model';
import type { PublicationActor } from './publication-service-types';

export interface PublicationChangeDependencies {
  audit: AuditTrail;
  clock: Clock;
}

/**
 * Applies the change `decide` makes to the publication as it now is; answers the publication after it,
 * and whether this call made the change (false: `decide` found nothing to do — another writer, a push
 * or the check job, got there first).
 */
export async function changePublication(
  dependencies: PublicationChangeDependencies,
  publicationId: Types.ObjectId,
  actor: PublicationActor,
  decide: (publication: Publication) => AuditedChange | null,
): Promise<{ publication: Publication; changed: boolean }> {
  let decided: AuditedChange | null = null;
  const publication = await changeAudited<Publication>({
    audit: dependencies.audit,
    clock: dependencies.clock,
    target: PublicationModel,
    load: async () => {
      const found = await PublicationModel.findById(publicationId).lean<Publication>();
      if (!found) throw new Error(`publication ${String(publicationId)} is gone`);
      return found;
    },
    decide: (current) => (decided = decide(current)),
    actor,
    subjectType: 'draft',
    placement: {
      keyPrefix: 'publication',
      subject: (current) => ({
        subject: { type: 'draft', id: String(current.draftId) },
        subjectVersion: current.versionNumber,
        contentHash: current.contentHash,
      }),
    },
    subjectDetails: (current) => ({ publicationId: String(current._id), accountId: String(current.accountId) }),
    keepEvent: (current, event) => ({ timeline: withTimelineEntry(current.timeline ?? [], event) }),
    busy: () => new ConflictError('PUBLICATION_BUSY', '该稿件的发布正在处理中，请稍后再试'),
  });
  return { publication, changed: decided !== null };
}
