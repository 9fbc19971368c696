import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { AuditTrail, readDigests, verifyAuditChain } from '../../../src/audit/audit-service';
import type { AuditEventInput } from '../../../src/audit/audit-service';
import { AuditEventModel, AuditHeadModel } from '../../../src/audit/audit-event-model';
import { hashEvent } from '../../../src/audit/audit-chain-rules';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase, testDatabaseUri } from '../../support/database';
import { startKillableProcess } from '../../support/killable-process';
import { capturingLogger } from '../../support/publication-factories';

const digestKey = 'integration-test-digest-key-0123456789';
const clock = new ManualClock('2026-11-26T01:00:00Z');
let databaseName = '';

beforeAll(async () => {
  databaseName = await connectTestDatabase();
});
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await AuditEventModel.deleteMany({});
  await AuditHeadModel.deleteMany({});
});

async function recordEvents(count: number, trail = new AuditTrail({ clock })): Promise<AuditTrail> {
  for (let index = 1; index <= count; index += 1) {
    clock.advance(1000);
    await trail.append({
      actor: { personId: new Types.ObjectId(), via: 'wechaty-puppet-mock:contact' },
      action: index % 2 ? 'draft.approved' : 'draft.rejected',
      subject: { type: 'draft', id: `draft-${index}` },
      subjectVersion: 1,
      contentHash: 'c'.repeat(64),
      reason: `第${index}条意见`,
    });
  }
  await trail.settle();
  return trail;
}

const events = () => AuditEventModel.collection;

describe('the audit trail', () => {
  test('when events are appended, then they form one chain that verifies, with actor, version and reason', async () => {
    await recordEvents(30);
    expect(await verifyAuditChain()).toEqual({
      ok: true,
      count: 30,
      head: { sequence: 30, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      digestsChecked: 0,
      storedWithReplacedCharacters: [],
    });
    const third = await AuditEventModel.findById(3).lean();
    expect(third).toMatchObject({ action: 'draft.approved', reason: '第3条意见', subjectVersion: 1 });
    expect(third?.actor.via).toBe('wechaty-puppet-mock:contact');
  });

  test('when events are appended, then the head hint is written with the newest event, and nothing is warned', async () => {
    const { logger, lines } = capturingLogger();
    const trail = new AuditTrail({ clock, logger });
    await recordEvents(3, trail);
    await recordEvents(2, trail);
    expect(await AuditHeadModel.findById('head').lean()).toMatchObject({ sequence: 5 });
    const warnings = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 40);
    expect(warnings).toEqual([]);
  });

  test('when the same key is appended twice, then one event is recorded', async () => {
    const trail = new AuditTrail({ clock });
    const input: AuditEventInput = {
      key: 'draft:K7Q2:approve:1',
      actor: {},
      action: 'draft.approved',
      subject: { type: 'draft', id: 'K7Q2' },
    };
    const first = await trail.append(input);
    const secondTrail = new AuditTrail({ clock });
    const second = await secondTrail.append(input);
    await Promise.all([trail.settle(), secondTrail.settle()]);
    expect(first.recorded).toBe(true);
    expect(second).toMatchObject({ recorded: false, event: { _id: first.event._id } });
    expect(await AuditEventModel.countDocuments()).toBe(1);
  });

  test('when a field of an event is edited, then verify names that event', async () => {
    await recordEvents(10);
    await events().updateOne({ _id: 4 } as never, { $set: { reason: '同意（改）' } });
    expect(await verifyAuditChain()).toMatchObject({
      ok: false,
      sequence: 4,
      problem: expect.stringContaining('edited'),
    });
  });

  test('when an event in the middle is deleted, then verify reports it missing', async () => {
    await recordEvents(10);
    await events().deleteOne({ _id: 5 } as never);
    expect(await verifyAuditChain()).toMatchObject({
      ok: false,
      sequence: 5,
      problem: expect.stringContaining('missing'),
    });
  });

  test('when an event is inserted in the middle, then verify finds the break', async () => {
    await recordEvents(10);
    // Renumber 6..10 to 7..11 and slip a forged, correctly hashed event in as 6.
    for (let sequence = 10; sequence >= 6; sequence -= 1) {
      const event = await events().findOne({ _id: sequence } as never);
      await events().deleteOne({ _id: sequence } as never);
      await events().insertOne({ ...event, _id: sequence + 1 } as never);
    }
    const fifth = await events().findOne({ _id: 5 } as never);
    const forged = { ...fifth, _id: 6, key: 'forged', reason: '补录', previousHash: String(fifth?.hash) };
    await events().insertOne({ ...forged, hash: hashEvent(forged as never) } as never);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, sequence: 7 });
  });

  test('when two events are swapped, then verify finds the break', async () => {
    await recordEvents(10);
    const third = await events().findOne({ _id: 3 } as never);
    const seventh = await events().findOne({ _id: 7 } as never);
    await events().deleteMany({ _id: { $in: [3, 7] } } as never);
    await events().insertMany([{ ...seventh, _id: 3 } as never, { ...third, _id: 7 } as never]);
    expect(await verifyAuditChain()).toMatchObject({ ok: false, sequence: 3 });
  });

  test('when the newest events are deleted, then only a digest reveals it', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-digests-'));
    const trail = await recordEvents(12);
    const { file } = await trail.createDigest({ key: digestKey, directory, timeZone: 'Asia/Shanghai' });
    const digests = readDigests([directory]);
    expect(await verifyAuditChain({ digests, digestKey })).toMatchObject({ ok: true, count: 12, digestsChecked: 1 });

    await events().deleteMany({ _id: { $gt: 9 } } as never);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, count: 9 });
    expect(await verifyAuditChain({ digests, digestKey })).toMatchObject({
      ok: false,
      problem: expect.stringContaining(`digest ${file} witnessed 12 events`),
    });
  });

  test('when a digest was altered, then its signature fails', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-digests-'));
    const trail = await recordEvents(3);
    const { file } = await trail.createDigest({ key: digestKey, directory, timeZone: 'Asia/Shanghai' });
    const digest = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...digest, count: 2, headSequence: 2 }));
    expect(await verifyAuditChain({ digests: readDigests([file]), digestKey })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('invalid signature'),
    });
  });
});

function startAppender(count: number, label: string, options: string[] = []) {
  return startKillableProcess('bench/audit-appender.ts', [
    testDatabaseUri(),
    databaseName,
    String(count),
    label,
    ...options,
  ]);
}

describe('the audit trail under several processes', () => {
  test('when 4 processes append 2,500 events each at once, 4 at a time each, then there is one unbroken chain of 10,000', async () => {
    const appenders = ['a', 'b', 'c', 'd'].map((label) => startAppender(2500, label, ['--concurrency', '4']));
    const results = await Promise.all(appenders.map((appender) => appender.exited));
    expect(results).toEqual(results.map(() => ({ code: 0, signal: null, stderr: '' })));

    expect(await verifyAuditChain()).toEqual(expect.objectContaining({ ok: true, count: 10_000 }));
    const perProcess = await AuditEventModel.aggregate<{ _id: string; count: number }>([
      { $group: { _id: '$subject.id', count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(perProcess).toEqual(['a', 'b', 'c', 'd'].map((label) => ({ _id: label, count: 2500 })));
  }, 300_000);

  test('when an appender is killed at random points 20 times, then the chain verifies after the next append', async () => {
    for (let round = 0; round < 20; round += 1) {
      const appender = startAppender(1_000_000, `killed-${round}`);
      await appender.ready;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
      appender.child.kill('SIGKILL');
      await appender.exited;
    }
    const before = await AuditEventModel.countDocuments();
    const trail = new AuditTrail({ clock });
    await trail.append({ actor: {}, action: 'test.after-crashes', subject: { type: 'organization', id: 'x' } });
    await trail.settle();

    const report = await verifyAuditChain();
    expect(report).toMatchObject({ ok: true, count: before + 1 });
    expect(before).toBeGreaterThan(20);
  }, 300_000);

  test('when an appender committing batches of concurrent appends is killed mid-batch, then the chain verifies and every acknowledged event is in it', async () => {
    const acknowledged = new Map<string, Set<number>>();
    for (let round = 0; round < 5; round += 1) {
      const label = `batch-killed-${round}`;
      const acks = new Set<number>();
      acknowledged.set(label, acks);
      const appender = startAppender(1_000_000, label, ['--concurrency', '50', '--print-acks']);
      let buffered = '';
      const firstAck = new Promise<void>((resolve) => {
        appender.child.stdout.on('data', (chunk: Buffer) => {
          const lines = (buffered + chunk.toString()).split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) if (line.startsWith('ack ')) acks.add(Number(line.slice(4)));
          if (acks.size > 0) resolve();
        });
      });
      await firstAck;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      appender.child.kill('SIGKILL');
      await appender.exited;
      expect(acks.size).toBeGreaterThan(0);
    }

    expect(await verifyAuditChain()).toMatchObject({ ok: true });
    for (const [label, acks] of acknowledged) {
      const stored = await AuditEventModel.find(
        { 'subject.type': 'organization', 'subject.id': label },
        { details: 1 },
      ).lean();
      const storedIndexes = new Set(stored.map((event) => Number(event.details.index)));
      expect([...acks].filter((index) => !storedIndexes.has(index))).toEqual([]);
      // Killed mid-batch: stored events the caller never heard of are allowed, lost acknowledged ones are not.
      expect(storedIndexes.size).toBeGreaterThanOrEqual(acks.size);
    }
  }, 300_000);
});

describe('group commit', () => {
  test('when 200 appends are asked for at once, then they are stored in a few inserts, each caller gets its own linked event', async () => {
    const inserts: number[] = [];
    const countInserts = (operation: { collectionName: string; method: string; params: unknown[] }) => {
      if (operation.collectionName === 'audit_events' && operation.method === 'insertMany') {
        inserts.push((operation.params[0] as unknown[]).length);
      }
    };
    const connection = AuditEventModel.db;
    connection.on('operation-start', countInserts);
    const trail = new AuditTrail({ clock });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          trail.append({ actor: {}, action: 'test.batched', subject: { type: 'organization', id: `e${index}` } }),
        ),
      );
      await trail.settle();
      expect(results.map((result) => result.event.subject.id)).toEqual(
        Array.from({ length: 200 }, (_, index) => `e${index}`),
      );
      expect(new Set(results.map((result) => result.event._id)).size).toBe(200);
    } finally {
      connection.off('operation-start', countInserts);
    }
    expect(inserts.reduce((sum, size) => sum + size, 0)).toBe(200);
    expect(inserts.length).toBeLessThanOrEqual(3);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, count: 200 });
  });

  test('when one key is appended twice in one batch and another was recorded before, then each is recorded once', async () => {
    const trail = new AuditTrail({ clock });
    const earlier = await trail.append({
      key: 'k-earlier',
      actor: {},
      action: 'test.a',
      subject: { type: 'organization', id: '1' },
    });
    const input = (key: string): AuditEventInput => ({
      key,
      actor: {},
      action: 'test.b',
      subject: { type: 'organization', id: key },
    });
    const results = await Promise.all([
      trail.append(input('k-new')),
      trail.append(input('k-new')),
      trail.append(input('k-earlier')),
      trail.append(input('k-last')),
    ]);
    await trail.settle();

    expect(results.map((result) => [result.event.key, result.recorded])).toEqual([
      ['k-new', true],
      ['k-new', false],
      ['k-earlier', false],
      ['k-last', true],
    ]);
    expect(results[1].event._id).toBe(results[0].event._id);
    expect(results[2].event._id).toBe(earlier.event._id);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, count: 3 });
  });
});
