/**
 * The upgrade of drafts stored before listings and timelines were kept (issue 24): each draft gets its
 * listing (draft-listing-model.ts), and the entries of its timeline from its events in the trail. Run
 * once per database at start (DraftService.upgradeStorage, claimed in src/shared/once-per-database.ts),
 * before the process serves anything. Resumable: what an interrupted run wrote is skipped the next time.
 *
 * Two passes, because the embedded database reads a collection whole for any filter but one `_id`:
 * the drafts once (writing missing or outdated listings), then the trail's draft events once per
 * `draftsPerTrailPass` drafts that lack a timeline (entries gathered in memory, then written by `_id`).
 */
import type { AnyBulkWriteOperation, Types } from 'mongoose';
import type { Logger } from '../shared/logger';
import { isOnlyDuplicates, translateDatabaseError } from '../shared/database';
import { streamDraftEvents } from '../audit/audit-queries';
import { DraftModel } from './draft-model';
import type { Draft, DraftTimelineEntry } from './draft-model';
import { DraftListingModel } from './draft-listing-model';
import { forgetListingGeneration } from './draft-listing-cache';
import type { DraftListing } from './draft-listing-model';
import { timelineEntryOf } from './draft-listing-rules';
import type { ListingFields } from './draft-listing-rules';
import { storedListing, writeListing } from './draft-store';

export interface DraftStorageUpgradeReport {
  drafts: number;
  listingsWritten: number;
  timelinesWritten: number;
}

/** Drafts whose events one pass over the trail gathers (about 2 MB of entries per thousand drafts). */
const draftsPerTrailPass = 10_000;
const listingsPerInsert = 500;
/**
 * Updates sent in one command. FerretDB v1 keeps each update's read of its document open until the
 * whole command ends, one pooled SQLite connection each, so a command of about 100 updates waits for a
 * connection forever (measured: 80 pass, 100 hang). A few small commands in flight instead.
 */
const updatesPerCommand = 20;
const commandsInFlight = 4;

export async function upgradeDraftStorage(logger?: Logger): Promise<DraftStorageUpgradeReport> {
  const started = Date.now();
  const listed = new Map<string, number>();
  for await (const listing of DraftListingModel.find({}, { revision: 1 })
    .lean<Pick<DraftListing, '_id' | 'revision'>[]>()
    .cursor({ batchSize: 1000 }) as AsyncIterable<Pick<DraftListing, '_id' | 'revision'>>) {
    listed.set(String(listing._id), listing.revision);
  }

  const report: DraftStorageUpgradeReport = { drafts: 0, listingsWritten: 0, timelinesWritten: 0 };
  const withoutTimeline: Types.ObjectId[] = [];
  const missing: ListingFields[] = [];
  const outdated: ListingFields[] = [];
  // Without texts, findings, files and messages: a listing needs none of them.
  const drafts = DraftModel.find({})
    .select({ 'versions.body': 0, 'versions.findings': 0, 'versions.attachments': 0, lastMessages: 0 })
    .lean<Draft[]>()
    .cursor({ batchSize: 500 }) as AsyncIterable<Draft>;
  for await (const draft of drafts) {
    report.drafts += 1;
    if (!draft.timeline) withoutTimeline.push(draft._id);
    const revision = listed.get(String(draft._id));
    if (revision === undefined) missing.push(storedListing(draft));
    else if (revision < draft.revision) outdated.push(storedListing(draft));
    if (missing.length >= listingsPerInsert) report.listingsWritten += await insertListings(missing.splice(0));
  }
  report.listingsWritten += await insertListings(missing);
  // Only a listing written by a version that wrote them before this one: rare, one by one.
  for (const listing of outdated) await writeListing(listing);
  report.listingsWritten += outdated.length;
  // Written in bulk, unrecorded: the listing caches load them all again.
  if (report.listingsWritten > 0) await forgetListingGeneration();

  for (let first = 0; first < withoutTimeline.length; first += draftsPerTrailPass) {
    const ids = withoutTimeline.slice(first, first + draftsPerTrailPass);
    report.timelinesWritten += await writeTimelines(ids, await gatherTimelines(ids));
  }
  logger?.info({ ...report, ms: Date.now() - started }, 'draft storage upgraded: listings and timelines');
  return report;
}

/** Inserts listings in one command (through the model, which casts ids given as text); those there already stay. */
async function insertListings(listings: ListingFields[]): Promise<number> {
  if (listings.length === 0) return 0;
  try {
    await DraftListingModel.insertMany(listings, { ordered: false });
    return listings.length;
  } catch (error) {
    if (!isOnlyDuplicates(error)) translateDatabaseError(error);
    return 0;
  }
}

/** The events about these drafts, in one pass over the trail's draft events, as timeline entries. */
async function gatherTimelines(ids: Types.ObjectId[]): Promise<Map<string, DraftTimelineEntry[]>> {
  const timelines = new Map(ids.map((id) => [String(id), [] as DraftTimelineEntry[]]));
  for await (const event of streamDraftEvents()) timelines.get(event.subject.id)?.push(timelineEntryOf(event));
  for (const entries of timelines.values()) entries.sort((left, right) => left.sequence - right.sequence);
  return timelines;
}

/**
 * Writes each draft's timeline by `_id`, leaving its revision and time of change alone: the draft's
 * state does not change, and no process writes drafts while the upgrade runs (it runs before serving).
 */
async function writeTimelines(ids: Types.ObjectId[], timelines: Map<string, DraftTimelineEntry[]>): Promise<number> {
  const operations: AnyBulkWriteOperation<Draft>[] = ids.map((id) => ({
    updateOne: {
      filter: { _id: id },
      update: { $set: { timeline: timelines.get(String(id)) ?? [] } },
      timestamps: false,
    },
  }));
  let next = 0;
  const sender = async () => {
    for (let first = next; first < operations.length; first = next) {
      next += updatesPerCommand;
      await DraftModel.bulkWrite(operations.slice(first, first + updatesPerCommand), { ordered: false });
    }
  };
  await Promise.all(Array.from({ length: commandsInFlight }, sender));
  return operations.length;
}
