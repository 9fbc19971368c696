/**
 * The embedded FerretDB is built with scripts/ferretdb-sqlite-id-index.patch, so SQLite serves reads,
 * updates and deletes by `_id` from the `_id` index instead of scanning the collection. These tests
 * check that the build the tests run on is the patched one, and that the patched lookups still find,
 * change and delete exactly the document asked for (ObjectId and string `_id`s, the two kinds FerretDB
 * hands to SQLite).
 */
import mongoose, { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);

function collection(name: string) {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  return db.collection<{ _id: Types.ObjectId | string; n: number; note?: string }>(name);
}

const embedded = process.env.SHENFA_TEST_EMBEDDED === '1';

describe('lookups by _id on the embedded database', () => {
  (embedded ? test : test.skip)('when a document is read by _id, then SQLite searches the _id index', async () => {
    const drafts = collection('id_index_plan');
    const ids = Array.from({ length: 50 }, () => new Types.ObjectId());
    await drafts.insertMany(ids.map((_id, n) => ({ _id, n })));

    const explained = await mongoose.connection.db!.command({
      explain: { find: 'id_index_plan', filter: { _id: ids[25] } },
    });

    const plan = (explained.queryPlanner as { Plan: string[] }).Plan.join('\n');
    expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+__id_ \(<expr>=\?\)/);
    expect(plan).not.toMatch(/\bSCAN\b/);
  });

  test('when documents are read, updated and deleted by ObjectId and string _id, then exactly those change', async () => {
    const documents = collection('id_index_writes');
    const objectIds = Array.from({ length: 20 }, () => new Types.ObjectId());
    await documents.insertMany([
      ...objectIds.map((_id, n) => ({ _id, n })),
      { _id: 'head', n: 100 },
      { _id: 'head-2', n: 101 },
    ]);

    expect(await documents.findOne({ _id: objectIds[7] })).toMatchObject({ n: 7 });
    expect(await documents.findOne({ _id: 'head' })).toMatchObject({ n: 100 });
    expect(await documents.findOne({ _id: new Types.ObjectId() })).toBeNull();

    await documents.updateOne({ _id: objectIds[7] }, { $set: { note: 'changed' } });
    await documents.updateOne({ _id: 'head' }, { $inc: { n: 1 } });
    await documents.deleteOne({ _id: objectIds[8] });
    await documents.deleteMany({ _id: { $in: [objectIds[9], 'head-2'] } });

    const left = await documents.find({}).sort({ n: 1 }).toArray();
    expect(left.map((document) => document.n)).toEqual([
      ...Array.from({ length: 20 }, (_, n) => n).filter((n) => n < 8 || n > 9),
      101,
    ]);
    expect(left.filter((document) => document.note === 'changed').map((document) => document.n)).toEqual([7]);
    await expect(documents.insertOne({ _id: objectIds[7], n: 0 })).rejects.toThrow();
  });
});
