/**
 * The listings as a process's cache holds them (src/drafts/draft-listing-cache.ts), on the real
 * database: the same answers as the database's own query, in the same order; a listing written by
 * another process seen at the next read; an emptied database or a bulk write loaded again.
 */
import { Types } from 'mongoose';
import { DraftListingCache, forgetListingGeneration } from '../../../src/drafts/draft-listing-cache';
import { DraftListingModel } from '../../../src/drafts/draft-listing-model';
import type { DraftListing } from '../../../src/drafts/draft-listing-model';
import { writeListing } from '../../../src/drafts/draft-store';
import type { ListingFields } from '../../../src/drafts/draft-listing-rules';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';

const units = [new Types.ObjectId(), new Types.ObjectId()];
const people = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
const base = new Date('2026-11-02T09:00:00+08:00').getTime();

function listing(index: number, changes: Partial<ListingFields> = {}): ListingFields {
  const at = new Date(base + (index % 7) * 60_000);
  return {
    _id: String(new Types.ObjectId()),
    shortCode: `K${String(index).padStart(3, '0')}`,
    title: `第${index}号通知`,
    titles: [`第${index}号通知`],
    unitId: String(units[index % 2]),
    accountId: index % 3 ? null : String(units[0]),
    submitterId: String(people[index % 3]),
    status: index % 4 === 0 ? 'approved' : 'in_review',
    currentVersion: 1,
    versionCreatedAt: at,
    currentStepIndex: 0,
    stepCount: 2,
    approverIds: [String(people[(index + 1) % 3])],
    backupApproverIds: [],
    pendingApproverIds: index % 4 === 0 ? [] : [String(people[(index + 1) % 3])],
    approvedAt: null,
    publishedAt: null,
    revision: 1,
    createdAt: at,
    updatedAt: at,
    ...changes,
  };
}

const ids = (listings: DraftListing[]) => listings.map((found) => String(found._id));

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(emptyTestDatabase);

describe('the listing cache', () => {
  test('when lists are read, then the cache answers what the database answers, in the same order, ties by id', async () => {
    // Several listings share a time of change: the order falls back to the id, as the database's does.
    for (let index = 0; index < 30; index += 1) await writeListing(listing(index));
    const cache = new DraftListingCache();
    const cases: { filter: Record<string, unknown>; sort: Record<string, 1 | -1>; limit?: number }[] = [
      {
        filter: { $or: [{ unitId: { $in: [units[0]] } }, { approverIds: { $in: [people[2]] } }] },
        sort: { updatedAt: -1, _id: -1 },
        limit: 11,
      },
      { filter: { pendingApproverIds: { $in: [people[1]] }, status: 'in_review' }, sort: { createdAt: 1 } },
      { filter: { submitterId: people[0] }, sort: { createdAt: -1 }, limit: 3 },
      { filter: { titles: { $regex: '1' }, accountId: null }, sort: { updatedAt: -1, _id: -1 } },
      {
        filter: {
          $or: [
            { updatedAt: { $lt: new Date(base + 3 * 60_000) } },
            { updatedAt: new Date(base + 3 * 60_000), _id: { $lt: new Types.ObjectId('ffffffffffffffffffffffff') } },
          ],
        },
        sort: { updatedAt: -1, _id: -1 },
      },
    ];
    for (const { filter, sort, limit } of cases) {
      const query = DraftListingModel.find(filter).sort(sort);
      const fromDatabase = await (limit ? query.limit(limit) : query).lean<DraftListing[]>();
      expect(ids(await cache.find(filter, sort, limit))).toEqual(ids(fromDatabase));
      expect(fromDatabase.length).toBeGreaterThan(0);
    }
  });

  test('when another process writes a listing, then the next read here sees it, changed or new', async () => {
    const first = listing(1);
    await writeListing(first);
    const cache = new DraftListingCache();
    expect(ids(await cache.find({ status: 'approved' }))).toEqual([]);

    // What another process's transition writes: the listing, then its recorded change.
    await writeListing({ ...first, status: 'approved', revision: 2 });
    const added = listing(2, { status: 'approved' });
    await writeListing(added);
    expect((await cache.find({ status: 'approved' }, { shortCode: 1 })).map((found) => found.shortCode)).toEqual([
      'K001',
      'K002',
    ]);
  });

  test('when the database is emptied, or listings are written in bulk, then the cache loads them again', async () => {
    await writeListing(listing(1));
    const cache = new DraftListingCache();
    expect(await cache.find({})).toHaveLength(1);

    await emptyTestDatabase();
    expect(await cache.find({})).toEqual([]);

    await DraftListingModel.insertMany([listing(2), listing(3)]);
    expect(await cache.find({})).toEqual([]);
    await forgetListingGeneration();
    expect(await cache.find({})).toHaveLength(2);
  });
});
