/**
 * `npm run bench -- annual-review`: opens the annual review for 10,000 accounts in 200 units and enqueues
 * the 1 November reminders (two per account: its admin and its leader), as the 09:00 job does. Reports
 * the time and the database commands it took; the cycle is written in bulk, so the commands stay far
 * below one per account. A unit holds one account per platform (R4), so the 200 units each have six
 * internal offices, and accounts sit on 1,250 of these 1,400 units, 8 platforms each.
 */
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import mongoose from 'mongoose';
import { ensureIndexes } from '../src/shared/database';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import { createServices } from '../src/services';
import '../src/models';
import { UnitModel } from '../src/people/unit-model';
import { PersonModel } from '../src/people/person-model';
import { AccountModel, accountPlatforms } from '../src/accounts/account-model';
import { AnnualReviewModel } from '../src/annual-review/annual-review-model';
import { OutboxMessageModel } from '../src/outbox/outbox-message-model';
import { report, startBenchDatabase } from './bench-database';

const topUnits = 200;
const officesPerUnit = 6;
const accountTotal = 10_000;

async function seed(): Promise<void> {
  const now = new Date('2026-10-01T00:00:00Z');
  const units: Record<string, unknown>[] = [];
  const people: Record<string, unknown>[] = [];
  const accountUnits: { unitId: Types.ObjectId; leaderId: Types.ObjectId; adminId: Types.ObjectId }[] = [];
  for (let index = 0; index < topUnits; index += 1) {
    const unitId = new Types.ObjectId();
    units.push({
      _id: unitId,
      name: `单位${index}`,
      kind: 'department',
      parentId: null,
      ancestorIds: [],
      createdAt: now,
      updatedAt: now,
    });
    const nodes = [unitId];
    for (let office = 0; office < officesPerUnit; office += 1) {
      const officeId = new Types.ObjectId();
      units.push({
        _id: officeId,
        name: `科室${office}`,
        kind: 'office',
        parentId: unitId,
        ancestorIds: [unitId],
        createdAt: now,
        updatedAt: now,
      });
      nodes.push(officeId);
    }
    for (const node of nodes) {
      const leaderId = new Types.ObjectId();
      const adminId = new Types.ObjectId();
      for (const [id, role] of [
        [leaderId, 'leader'],
        [adminId, 'officer'],
      ] as const) {
        people.push({
          _id: id,
          name: `人员${String(id).slice(-6)}`,
          importKey: `id:${String(id)}`,
          roles: [role],
          unitIds: [node],
          active: true,
          createdAt: now,
          updatedAt: now,
        });
      }
      accountUnits.push({ unitId: node, leaderId, adminId });
    }
  }
  const accounts = Array.from({ length: accountTotal }, (_, index) => {
    const holder = accountUnits[Math.floor(index / accountPlatforms.length)];
    return {
      unitId: holder.unitId,
      platform: accountPlatforms[index % accountPlatforms.length],
      name: `账号${index}`,
      purpose: '政务信息发布',
      leaderInChargeId: holder.leaderId,
      backendAdminId: holder.adminId,
      status: 'active',
      openedAt: now,
      filedAt: now,
    };
  });
  await UnitModel.insertMany(units, { lean: true });
  await PersonModel.insertMany(people, { lean: true });
  for (let start = 0; start < accounts.length; start += 2000) {
    await AccountModel.insertMany(accounts.slice(start, start + 2000));
  }
}

/**
 * What the database alone costs for this work: the accounts read once, 10,000 review-shaped and 20,000
 * outbox-shaped documents inserted in bulk (the outbox's unique key included), and one read of the
 * reviews, straight through the driver. On FerretDB v1 this floor dominates; on MongoDB it is small.
 */
async function measureDriverFloor(): Promise<number> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const reviews = db.collection('floor_reviews');
  const outbox = db.collection('floor_outbox');
  await outbox.createIndex({ idempotencyKey: 1 }, { unique: true });
  const started = performance.now();
  const accounts = await db
    .collection('accounts')
    .find({ status: { $in: ['active', 'closing'] } })
    .toArray();
  const now = new Date();
  await reviews.insertMany(
    accounts.map((account) => ({
      accountId: account._id,
      unitId: account.unitId,
      year: 2026,
      status: 'open',
      reports: [],
      decision: null,
      toClose: false,
      toCloseSince: null,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    })),
    { ordered: false },
  );
  const messages = accounts.flatMap((account) =>
    [account.backendAdminId, account.leaderInChargeId].map((personId: unknown) => ({
      idempotencyKey: `annual-review-reminder:${String(account._id)}:2026-11-01:${String(personId)}`,
      kind: 'notice',
      recipient: { personId, roomId: '', contactId: '' },
      file: null,
      recipientKey: `person:${String(personId)}`,
      text: `【年审提醒】账号“${String(account.name)}”（微信公众号）2026年度年审：年度报告尚未提交。`.repeat(3),
      status: 'pending',
      attempts: 0,
      notBefore: now,
      claimedBy: '',
      claimedAt: null,
      sendJitterMs: 0,
      sentAt: null,
      deadLetteredAt: null,
      lastError: '',
      revision: 0,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await outbox.insertMany(messages, { ordered: false });
  await reviews.find({ toClose: true }).toArray();
  return (performance.now() - started) / 1000;
}

export async function runAnnualReviewBench(): Promise<void> {
  const database = await startBenchDatabase();
  const dbName = `bench_annual_review_${Date.now()}`;
  report(`database: ${database.source}`);
  try {
    await mongoose.connect(database.uri, {
      dbName,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      monitorCommands: true,
    });
    await ensureIndexes();
    await seed();
    report(
      `seeded ${await AccountModel.countDocuments({})} accounts in ${topUnits} units (${topUnits * (officesPerUnit + 1)} with their offices)`,
    );

    const commands = new Map<string, number>();
    mongoose.connection.getClient().on('commandStarted', (event) => {
      const collection = String((event.command as Record<string, unknown>)[event.commandName] ?? '');
      const key = `${event.commandName} ${collection}`;
      commands.set(key, (commands.get(key) ?? 0) + 1);
      names.set(event.requestId, key);
    });
    const names = new Map<number, string>();
    const serverMs = new Map<string, number>();
    mongoose.connection.getClient().on('commandSucceeded', (event) => {
      const key = names.get(event.requestId) ?? event.commandName;
      serverMs.set(key, (serverMs.get(key) ?? 0) + event.duration);
    });
    const clock = new ManualClock('2026-11-01T01:00:00Z');
    const services = createServices({ clock, logger: createLogger('silent') });
    const started = performance.now();
    const outcome = await services.annualReviews.runDailyDuties('2026-11-01');
    const seconds = (performance.now() - started) / 1000;
    const total = [...commands.values()].reduce((sum, count) => sum + count, 0);

    report(`opened ${outcome.opened} reviews and enqueued ${outcome.reminded} reminders in ${seconds.toFixed(2)} s`);
    report(
      `database commands by kind (count, ms until answered): ${[...commands].map(([key, count]) => `${key.replace(/getMore \d+/, 'getMore')}: ${count}, ${Math.round(serverMs.get(key) ?? 0)} ms`).join('; ')}`,
    );
    report(
      `stored: ${await AnnualReviewModel.countDocuments({ year: 2026 })} reviews, ${await OutboxMessageModel.countDocuments({ idempotencyKey: /^annual-review-reminder:/ })} reminders`,
    );
    const floor = await measureDriverFloor();
    report(
      `driver floor (the same reads and bulk inserts straight through the driver, into scratch collections): ${floor.toFixed(2)} s; our code takes ${(seconds / floor).toFixed(2)}× that`,
    );
    report(
      JSON.stringify({
        bench: 'annual-review',
        accounts: accountTotal,
        units: topUnits,
        open_and_enqueue_s: Number(seconds.toFixed(2)),
        db_commands: total,
        driver_floor_s: Number(floor.toFixed(2)),
      }),
    );
  } finally {
    await mongoose.disconnect();
    await database.stop();
  }
}
