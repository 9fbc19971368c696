/**
 * `npm run bench -- db-scale`: how the time of the operations on the hot path grows with the size of
 * the collection, on the database the bench runs on (the embedded FerretDB unless MONGODB_URI is set).
 * For each size in BENCH_SCALE_SIZES (default 1000,10000,100000) a fresh database gets that many
 * draft-shaped documents and as many audit events, and each operation is timed (median; at least 3
 * runs, more while under 5 s). Ends with one JSON line: milliseconds by operation and size.
 */
import mongoose, { Types } from 'mongoose';
import type { mongo } from 'mongoose';
import { startBenchDatabase, report } from './bench-database';

const sizes = (process.env.BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const fillBatch = 1000;
const content =
  '各乡镇、各有关单位：为做好汛期安全防范工作，县应急管理局将于近期组织开展防汛应急演练，请各单位按照演练方案做好人员、物资和通信保障准备，演练结束后及时报送总结。'.repeat(
    4,
  );

/** A draft as the draft model stores one after submission: one version, two approval steps. */
function draftDocument(index: number) {
  const submitterId = new Types.ObjectId();
  const approvers = [new Types.ObjectId(), new Types.ObjectId()];
  const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000);
  return {
    _id: new Types.ObjectId(),
    shortCode: `C${index.toString(36).toUpperCase().padStart(5, '0')}`,
    closedKey: '',
    title: `防汛演练通知第${index}号`,
    unitId: new Types.ObjectId(),
    accountId: null,
    submitterId,
    status: 'in_review',
    versions: [
      {
        number: 1,
        title: `防汛演练通知第${index}号`,
        content,
        contentHash: 'c'.repeat(64),
        attachments: [],
        findings: [],
        submittedAt: at,
      },
    ],
    currentVersion: 1,
    steps: approvers.map((approverId, step) => ({
      index: step,
      mode: 'any',
      approverIds: [approverId],
      decisions: [],
    })),
    currentStepIndex: 0,
    ccIds: [],
    pendingApproverIds: [approvers[0]],
    publication: { url: '', publishedAt: null, reportedById: null },
    lastMessages: [],
    revision: 1,
    createdAt: at,
    updatedAt: at,
  };
}

function auditDocument(sequence: number) {
  return {
    _id: sequence,
    key: `draft:${sequence}:r1`,
    at: new Date(Date.UTC(2026, 0, 1) + sequence * 1000),
    actor: { personId: new Types.ObjectId(), onBehalfOfId: null, via: 'wechaty:contact' },
    action: 'draft.approved',
    subject: { type: 'draft', id: String(new Types.ObjectId()) },
    subjectVersion: 1,
    contentHash: 'c'.repeat(64),
    reason: '同意',
    details: {},
    previousHash: 'p'.repeat(64),
    hash: 'h'.repeat(64),
  };
}

async function fill(collection: mongo.Collection, size: number, make: (index: number) => object): Promise<void> {
  for (let first = 0; first < size; first += fillBatch) {
    const batch = Array.from({ length: Math.min(fillBatch, size - first) }, (_, offset) => make(first + offset + 1));
    await collection.insertMany(batch as never[], { ordered: false });
  }
}

/** Median milliseconds of `operation`: 3 runs at least, more (up to 30) while the total stays under 5 s. */
async function time(operation: (run: number) => Promise<unknown>): Promise<number> {
  const durations: number[] = [];
  const started = Date.now();
  for (let run = 0; run < 30 && (run < 3 || Date.now() - started < 5_000); run += 1) {
    const before = performance.now();
    await operation(run);
    durations.push(performance.now() - before);
  }
  durations.sort((left, right) => left - right);
  return Number(durations[Math.floor(durations.length / 2)].toFixed(1));
}

type Timings = Record<string, number>;

async function measureSize(uri: string, size: number): Promise<Timings> {
  const connection = await mongoose.createConnection(uri, { dbName: `bench_scale_${size}_${Date.now()}` }).asPromise();
  const db = connection.db;
  if (!db) throw new Error('not connected');
  try {
    const drafts = db.collection('drafts');
    const audit = db.collection('audit_events');
    await drafts.createIndex({ shortCode: 1, closedKey: 1 }, { unique: true });
    await audit.createIndex({ key: 1 }, { unique: true });
    const filling = Date.now();
    await fill(drafts, size, draftDocument);
    await fill(audit, size, auditDocument);
    report(`${size}: filled ${size} drafts and ${size} audit events in ${Date.now() - filling} ms`);

    // Documents spread over the whole collection: a scan that stops at the first match must not get lucky.
    const spread = (run: number) => 1 + Math.floor(((run * 7) % 30) * (size / 30));
    const codes = Array.from({ length: 30 }, (_, run) => draftDocument(spread(run)).shortCode);
    const sample = await drafts.find({ shortCode: { $in: codes } }, { projection: { _id: 1, shortCode: 1 } }).toArray();
    const pick = (run: number) => sample[run % sample.length];
    const timings: Timings = {
      'draft: read by _id': await time((run) => drafts.findOne({ _id: pick(run)._id })),
      'draft: update by _id': await time((run) =>
        drafts.updateOne({ _id: pick(run)._id }, { $set: { updatedAt: new Date(), revision: 2 + run } }),
      ),
      'draft: insert': await time(() => drafts.insertOne(draftDocument(size + 1_000_000 + Math.random() * 1e9))),
      'draft: find by short code (indexed field)': await time((run) =>
        drafts.findOne({ shortCode: pick(run).shortCode, closedKey: '' }),
      ),
      'audit: append (insert)': await time((run) => audit.insertOne(auditDocument(size + 1 + run) as never)),
      'audit: find by key': await time((run) => audit.findOne({ key: `draft:${spread(run)}:r1` })),
    };
    for (const [operation, ms] of Object.entries(timings)) report(`${size}: ${operation}: ${ms} ms`);
    return timings;
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}

export async function runDbScaleBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  try {
    const bySize: Record<string, Timings> = {};
    for (const size of sizes) bySize[String(size)] = await measureSize(database.uri, size);
    const operations = Object.keys(bySize[String(sizes[0])]);
    report('');
    report(`| operation (median ms) | ${sizes.map((size) => `${size.toLocaleString('en')} documents`).join(' | ')} |`);
    report(`| --- | ${sizes.map(() => '---').join(' | ')} |`);
    for (const operation of operations) {
      report(`| ${operation} | ${sizes.map((size) => bySize[String(size)][operation]).join(' | ')} |`);
    }
    report(JSON.stringify({ bench: 'db-scale', database: database.source, ms: bySize }));
  } finally {
    await database.stop();
  }
}
