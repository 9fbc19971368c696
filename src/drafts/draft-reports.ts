/**
 * The drafts feature's reads for reports other features make: the dashboard's counts, turnaround and
 * waiting list (from the drafts' listings), and the inspection export's rows (from the drafts, which
 * keep the decisions). Other features ask here instead of querying the drafts' models, so the stored
 * shape of a draft stays the drafts feature's own.
 */
import type { ViewerScope } from '../people/viewer-scope';
import { DraftModel } from './draft-model';
import type { Draft } from './draft-model';
import { draftListings } from './draft-listing-cache';
import type { DraftListing } from './draft-listing-model';
import { draftsCreatedInScope, inScope } from './draft-queries';

/** What the dashboard counts and lists of a draft. */
export type DashboardListing = Pick<
  DraftListing,
  | '_id'
  | 'shortCode'
  | 'title'
  | 'unitId'
  | 'status'
  | 'pendingApproverIds'
  | 'versionCreatedAt'
  | 'approvedAt'
  | 'updatedAt'
>;

/**
 * Every draft the viewer may see, with what the dashboard counts (by status), measures (turnaround) and
 * lists (waiting longest): one read of their listings, since each read costs the embedded database a
 * pass over all of them.
 */
export function dashboardListings(scope: ViewerScope): Promise<DashboardListing[]> {
  return draftListings.find(inScope(scope));
}

/** What a row of the drafts export shows of a draft: no texts, findings, files, messages or timeline. */
export type ExportedDraft = Pick<
  Draft,
  '_id' | 'shortCode' | 'unitId' | 'submitterId' | 'status' | 'currentVersion' | 'createdAt' | 'updatedAt'
> & {
  versions: Pick<Draft['versions'][number], 'number' | 'title'>[];
  steps: Pick<Draft['steps'][number], 'decisions'>[];
  publication: Pick<Draft['publication'], 'url' | 'publishedAt'>;
};

/**
 * The drafts the viewer may see created in the range, oldest first, read from a cursor with only what
 * a row shows: leaving the rest in the database keeps memory flat.
 */
export function streamDraftsCreatedIn(
  scope: ViewerScope,
  range: { from: Date; until: Date },
): AsyncIterable<ExportedDraft> {
  return DraftModel.find(draftsCreatedInScope(scope, range))
    .sort({ createdAt: 1, _id: 1 })
    .select({
      shortCode: 1,
      unitId: 1,
      submitterId: 1,
      status: 1,
      currentVersion: 1,
      'versions.number': 1,
      'versions.title': 1,
      'steps.decisions': 1,
      'publication.url': 1,
      'publication.publishedAt': 1,
      createdAt: 1,
      updatedAt: 1,
    })
    .lean<ExportedDraft[]>()
    .cursor({ batchSize: 200 }) as AsyncIterable<ExportedDraft>;
}
