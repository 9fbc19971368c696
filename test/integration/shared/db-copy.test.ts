/**
 * `npm run db:copy` as an operator runs it, in a child process: this file's test database is the
 * installation's, a second database on the same server the target.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditTrail } from '../../../src/audit/audit-service';
import { Outbox } from '../../../src/outbox/outbox-service';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase, testDatabaseUri } from '../../support/database';

const root = path.resolve(__dirname, '..', '..', '..');
let sourceUri = '';
let targetUri = '';
let targetName = '';

beforeAll(async () => {
  const databaseName = await connectTestDatabase();
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${databaseName}`;
  sourceUri = uri.toString();
  targetName = `${databaseName}_copy`;
  uri.pathname = `/${targetName}`;
  targetUri = uri.toString();
});
afterAll(async () => {
  await mongoose.connection.useDb(targetName).dropDatabase();
  await disconnectTestDatabase();
});

function runCopy(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/db-copy.ts', ...args], {
    cwd: root,
    env: { ...process.env, MONGODB_URI: sourceUri, NODE_ENV: 'test' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function snapshot(db: mongoose.mongo.Db) {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const collections: Record<string, { documents: unknown[]; indexes: unknown[] }> = {};
  for (const name of names) {
    const collection = db.collection(name);
    const indexes = (await collection.listIndexes().toArray())
      .map((index) => ({ name: index.name, key: index.key, unique: index.unique ?? false }))
      .sort((left, right) => String(left.name).localeCompare(String(right.name)));
    const documents = await collection.find({}).toArray();
    documents.sort((left, right) => JSON.stringify(left._id).localeCompare(JSON.stringify(right._id)));
    collections[name] = { documents, indexes };
  }
  return collections;
}

describe('copying the database to another server', () => {
  test('when the database is copied to an empty database, then the copy is identical, indexes included, and its audit chain verifies', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const trail = new AuditTrail({ clock });
    for (let index = 0; index < 25; index += 1) {
      clock.advance(1000);
      await trail.append({
        actor: {},
        action: 'test.copied',
        subject: { type: 'organization', id: `e${index}` },
        reason: '复制',
      });
    }
    await trail.settle();
    await new Outbox({ clock }).enqueue([
      { idempotencyKey: 'copy:1', recipient: { contactId: 'contact-1' }, text: '第一条' },
      { idempotencyKey: 'copy:2', recipient: { roomId: 'room-1' }, text: '第二条' },
    ]);

    const run = await runCopy('--to', targetUri);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('audit chain verified on the target: ok, 25 events');
    const source = mongoose.connection.db;
    if (!source) throw new Error('not connected');
    const copy = await snapshot(mongoose.connection.useDb(targetName).db as mongoose.mongo.Db);
    const original = await snapshot(source);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(copy).toEqual(original);
    expect(copy.audit_events.documents).toHaveLength(25);
    expect(copy.outbox_messages.indexes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: { idempotencyKey: 1 }, unique: true })]),
    );
  });

  test('when the target already holds documents, then the copy is refused unless told to overwrite', async () => {
    const refused = await runCopy('--to', targetUri);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('DB_COPY_TARGET_NOT_EMPTY');
    expect(refused.stderr).toContain('--overwrite');

    const overwritten = await runCopy('--to', targetUri, '--overwrite');
    expect(overwritten).toMatchObject({ code: 0, stderr: '' });
    expect(overwritten.stdout).toContain('audit chain verified on the target: ok, 25 events');
  });
});
