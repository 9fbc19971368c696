/**
 * The drafts feature's reads for reports other features make: the dashboard's counts, turnaround and
 * waiting list (from the drafts' listings), and the inspection export's rows (from the drafts, which
 * keep the decisions). Other features ask here instead of querying the drafts' models, so the stored
 * shape of a draft stays the drafts feature's own.
 */
import type { ViewerScope } from '../people/viewer-scope';
import { DraftModel } from './draft-model';
import type { Draft } from './draft-model';
import { DraftListingModel } from './draft-listing-model';
import type { DraftListing } from './draft-listing-model';
import type { DraftStatus } from './review-state';
import { draftsCreatedInScope, inScope } from './draft-queries';

/** How many drafts the viewer may see are in each status. */
export async function draftCountsByStatus(scope: ViewerScope): Promise<Record<DraftStatus, number>> {
  const counts = await DraftListingModel.aggregate<{ _id: DraftStatus; count: number }>([
    { $match: inScope(scope) },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const byStatus = { in_review: 0, approved: 0, published: 0, rejected: 0, withdrawn: 0 };
  for (const { _id, count } of counts) byStatus[_id] = count;
  return byStatus;
}

/** An approved draft's turnaround: when its current version was submitted and last approved. */
export type ApprovedListing = Pick<DraftListing, '_id' | 'unitId' | 'versionCreatedAt' | 'approvedAt'>;

/** The approved or published drafts the viewer may see changed since `since`. */
export function draftsApprovedSince(scope: ViewerScope, since: Date): Promise<ApprovedListing[]> {
  return DraftListingModel.find(
    { $and: [inScope(scope), { status: { $in: ['approved', 'published'] }, updatedAt: { $gte: since } }] },
    { unitId: 1, versionCreatedAt: 1, approvedAt: 1 },
  ).lean<ApprovedListing[]>();
}

/** The drafts in review the viewer may see that changed least recently, at most `limit`. */
export function draftsInReviewLongest(scope: ViewerScope, limit: number): Promise<DraftListing[]> {
  return DraftListingModel.find({ $and: [inScope(scope), { status: 'in_review' }] })
    .sort({ updatedAt: 1 })
    .limit(limit)
    .lean<DraftListing[]>();
}

/**
 * The drafts the viewer may see created in the range, oldest first, read from a cursor. The rows need
 * no text, findings, attachments, messages or timeline: leaving them in the database keeps memory flat.
 */
export function streamDraftsCreatedIn(scope: ViewerScope, range: { from: Date; until: Date }): AsyncIterable<Draft> {
  return DraftModel.find(draftsCreatedInScope(scope, range))
    .sort({ createdAt: 1, _id: 1 })
    .select({ 'versions.body': 0, 'versions.findings': 0, 'versions.attachments': 0, lastMessages: 0, timeline: 0 })
    .lean<Draft[]>()
    .cursor({ batchSize: 200 }) as AsyncIterable<Draft>;
}
