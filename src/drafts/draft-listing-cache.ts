/**
 * Every draft listing, held by the process that reads lists (the API's list, 待办, 我的稿件, the
 * dashboard, the look-up by code), and brought up to date before each read from the recent changes
 * (draft-listing-change-model.ts): a read is then a filter in memory, and the database serves one small
 * query and a few reads by `_id`, where a query over the listings costs the embedded database a pass
 * over all of them (`npm run bench -- api`). The filters are the queries the database would run, matched
 * in memory by sift (MongoDB's query semantics); the answers are the same.
 *
 * Up to date: a listing is written before its change is recorded, so a change this process sees has
 * its listing written; changes are read with a margin back in time (a slow insert, another process's
 * clock) and each applied once. The whole set is loaded again when the generation marker is gone or
 * replaced (an emptied database, the upgrade's bulk writes), or after a pause longer than the changes
 * are kept.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import sift from 'sift';
import { isUniqueConflict } from '../shared/database';
import { mapConcurrently } from '../shared/concurrency';
import { DraftListingModel } from './draft-listing-model';
import type { DraftListing } from './draft-listing-model';
import { DraftListingChangeModel, generationId } from './draft-listing-change-model';
import type { DraftListingChange } from './draft-listing-change-model';

/** Changes are kept this long; a cache not refreshed for half of it loads everything again. */
const keepChangesMs = 10 * 60_000;
/** How far back each refresh reads changes: an insert that took long, another process's clock. */
const marginMs = 30_000;
/** Old changes are deleted at most this often by each process. */
const pruneEveryMs = 60_000;

export type ListingSort = Record<string, 1 | -1>;

export class DraftListingCache {
  private readonly listings = new Map<string, DraftListing>();
  private generation: string | null = null;
  /** When the last refresh began (this process's clock); 0 before the first load. */
  private syncedAt = 0;
  /** Changes applied, by id, with their time: skipped when read again within the margin. */
  private readonly applied = new Map<string, number>();
  private prunedAt = 0;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  /** The listings matching `filter` (a MongoDB filter), in `sort` order, at most `limit`. Read-only objects. */
  async find(filter: Record<string, unknown>, sort?: ListingSort, limit?: number): Promise<DraftListing[]> {
    await this.upToDate();
    const matches = [...this.listings.values()].filter(sift(filter));
    const sorted = sort ? sortedBy(matches, sort) : matches;
    return limit === undefined ? sorted : sorted.slice(0, limit);
  }

  /**
   * A refresh that began after this call: a caller sees every change written before it asked. Callers
   * that come during a refresh share the next one.
   */
  private upToDate(): Promise<void> {
    if (!this.running) {
      this.running = this.refresh().finally(() => (this.running = null));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.upToDate();
      });
    return this.next;
  }

  private async refresh(): Promise<void> {
    const started = Date.now();
    const marker = await DraftListingChangeModel.findById(generationId).lean<DraftListingChange>();
    if (!marker || marker.token !== this.generation || started - this.syncedAt > keepChangesMs / 2) {
      await this.load(marker);
    } else {
      const changes = await DraftListingChangeModel.find(
        { at: { $gte: new Date(this.syncedAt - marginMs) }, listingId: { $ne: null } },
        { listingId: 1, at: 1 },
      ).lean<DraftListingChange[]>();
      const fresh = changes.filter((change) => !this.applied.has(String(change._id)));
      const ids = [...new Set(fresh.map((change) => String(change.listingId)))];
      const read = await mapConcurrently(ids, 8, (id) => DraftListingModel.findById(id).lean<DraftListing>());
      ids.forEach((id, index) => {
        const listing = read[index];
        if (listing) this.listings.set(id, listing);
        else this.listings.delete(id);
      });
      for (const change of fresh) this.applied.set(String(change._id), change.at.getTime());
    }
    this.syncedAt = started;
    for (const [id, at] of this.applied) if (at < started - 2 * marginMs) this.applied.delete(id);
    if (started - this.prunedAt > pruneEveryMs) {
      this.prunedAt = started;
      await DraftListingChangeModel.deleteMany({
        at: { $lt: new Date(started - keepChangesMs) },
        listingId: { $ne: null },
      });
    }
  }

  /** Everything again, under the marker's token (made here when there is none). */
  private async load(marker: DraftListingChange | null): Promise<void> {
    this.generation = marker?.token ?? (await ensureGeneration());
    const all = await DraftListingModel.find({}).lean<DraftListing[]>();
    this.listings.clear();
    for (const listing of all) this.listings.set(String(listing._id), listing);
    this.applied.clear();
  }
}

/** The marker's token: a new one inserted, or, when another process was first, the one it inserted. */
async function ensureGeneration(): Promise<string> {
  const token = randomUUID();
  try {
    await DraftListingChangeModel.create({ _id: generationId, listingId: null, at: new Date(), token });
    return token;
  } catch (error) {
    if (!isUniqueConflict(error)) throw error;
    const marker = await DraftListingChangeModel.findById(generationId).lean<DraftListingChange>();
    return marker?.token ?? token;
  }
}

/** Records that a listing was written (after the write): the caches read it again. */
export async function recordListingChange(listingId: Types.ObjectId | string): Promise<void> {
  await DraftListingChangeModel.create({ _id: new Types.ObjectId(), listingId, at: new Date() });
}

/** After listings were written in bulk, unrecorded: every cache loads them all again. */
export async function forgetListingGeneration(): Promise<void> {
  await DraftListingChangeModel.deleteOne({ _id: generationId });
}

/**
 * The listings in MongoDB's order for the values they hold (null first, dates by time, ids by their
 * bytes); each listing's sort keys are worked out once, not at every comparison.
 */
function sortedBy(listings: DraftListing[], sort: ListingSort): DraftListing[] {
  const fields = Object.entries(sort);
  const keyed = listings.map((listing) => ({
    listing,
    keys: fields.map(([field]) => sortKey((listing as unknown as Record<string, unknown>)[field])),
  }));
  keyed.sort((left, right) => {
    for (const [index, [, direction]] of fields.entries()) {
      const order = compareKeys(left.keys[index], right.keys[index]);
      if (order !== 0) return order * direction;
    }
    return 0;
  });
  return keyed.map(({ listing }) => listing);
}

function compareKeys(x: string | number | null, y: string | number | null): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

function sortKey(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' || typeof value === 'string') return value;
  // ObjectIds: their hex text orders as their bytes do.
  return String(value);
}

/** The process's cache: listings are global to the database the process is connected to. */
export const draftListings = new DraftListingCache();
