/**
 * `npm run bench -- cadence`: the daily cadence check (R6) over 10,000 active accounts with 90 days of
 * posts. Seeds units, people, accounts, posts and the per-account states the posts leave, then runs the
 * 09:00 check once and reports its time and the database commands it sent (driver command monitoring).
 * Targets: under 10 s and at most 1,000 commands, i.e. accounts are read in bulk, not one by one.
 */
import mongoose, { Types } from 'mongoose';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import { ensureIndexes } from '../src/shared/database';
import { createServices } from '../src/services';
import { AccountModel, accountPlatforms } from '../src/accounts/account-model';
import { PostModel } from '../src/cadence/post-model';
import { CadenceStateModel } from '../src/cadence/cadence-state-model';
import { OutboxMessageModel } from '../src/outbox/outbox-message-model';
import '../src/models';
import { report, startBenchDatabase } from './bench-database';
import { seededRandom } from './seeded-random';
import { benchAccount, seedCounty } from './bench-county';

const accountTotal = Number(process.env.CADENCE_BENCH_ACCOUNTS ?? 10_000);
const days = 90;
const dayMs = 86_400_000;

export async function runCadenceBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  const random = seededRandom(12);
  const now = new Date('2026-11-16T01:00:00Z');
  const clock = new ManualClock(now);
  try {
    await mongoose.connect(database.uri, {
      dbName: `bench_cadence_${Date.now()}`,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      bufferCommands: false,
      monitorCommands: true,
    });
    await ensureIndexes();

    const seedStart = Date.now();
    const { units, staff } = await seedCounty(now, Math.ceil(accountTotal / accountPlatforms.length));
    const accounts = Array.from({ length: accountTotal }, (_, index) => {
      const unitIndex = Math.floor(index / accountPlatforms.length);
      return benchAccount({
        unitId: units[unitIndex]._id,
        staff: staff[unitIndex],
        platform: accountPlatforms[index % accountPlatforms.length],
        name: `账号${index + 1}`,
        cadenceDays: 1 + Math.floor(random() * 3),
        now,
      });
    });
    await AccountModel.collection.insertMany(accounts);

    // Most accounts post on most days; one in ten stopped some time in the last three weeks, one in five only reprints lately.
    let postCount = 0;
    let batch: Record<string, unknown>[] = [];
    const states: { _id: Types.ObjectId; lastPostAt: Date | null; lastOriginalPostAt: Date | null }[] = [];
    for (const account of accounts) {
      const stoppedDaysAgo = random() < 0.1 ? Math.floor(random() * 21) : 0;
      const reprintsOnly = random() < 0.2 ? Math.floor(random() * 20) : 0;
      const state = { _id: account._id, lastPostAt: null as Date | null, lastOriginalPostAt: null as Date | null };
      for (let day = days; day > stoppedDaysAgo; day -= 1) {
        if (random() < 0.35) continue;
        const publishedAt = new Date(now.getTime() - day * dayMs + Math.floor(random() * 8) * 3_600_000);
        const original = day > reprintsOnly && random() < 0.7;
        batch.push({
          _id: new Types.ObjectId(),
          draftId: new Types.ObjectId(),
          accountId: account._id,
          unitId: account.unitId,
          publishedAt,
          url: `https://mp.weixin.qq.com/s/${postCount}`,
          original,
          recordedAt: publishedAt,
        });
        postCount += 1;
        state.lastPostAt = publishedAt;
        if (original) state.lastOriginalPostAt = publishedAt;
        if (batch.length === 10_000) {
          await PostModel.collection.insertMany(batch);
          batch = [];
        }
      }
      states.push(state);
    }
    if (batch.length > 0) await PostModel.collection.insertMany(batch);
    await CadenceStateModel.collection.insertMany(states);
    report(
      `seeded ${units.length} units, ${accountTotal} active accounts, ${postCount} posts over ${days} days in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const services = createServices({ clock, logger: createLogger('silent') });
    const commands = new Map<string, number>();
    mongoose.connection.getClient().on('commandStarted', (event) => {
      const collection = String((event.command as Record<string, unknown>)[event.commandName] ?? '');
      const key = `${event.commandName} ${collection}`;
      commands.set(key, (commands.get(key) ?? 0) + 1);
    });
    const serverMs = new Map<string, number>();
    mongoose.connection.getClient().on('commandSucceeded', (event) => {
      serverMs.set(event.commandName, (serverMs.get(event.commandName) ?? 0) + event.duration);
    });
    const started = performance.now();
    const result = await services.cadence.runDailyCheck();
    const runSeconds = (performance.now() - started) / 1000;
    const dbCommands = [...commands.values()].reduce((sum, count) => sum + count, 0);
    report(
      `daily check: ${result.accounts} accounts, ${result.warnings} warnings due, ${result.messages} messages enqueued in ${runSeconds.toFixed(2)} s`,
    );
    report(`database commands: ${dbCommands} (${[...commands].map(([key, count]) => `${key} ×${count}`).join(', ')})`);
    report(`server time by command: ${[...serverMs].map(([key, ms]) => `${key} ${Math.round(ms)} ms`).join(', ')}`);
    // The floor on this database: reading the same accounts and states through the driver alone.
    const rawStarted = performance.now();
    await Promise.all([
      AccountModel.collection.find({ status: 'active' }).batchSize(5000).toArray(),
      CadenceStateModel.collection.find({}).batchSize(5000).toArray(),
    ]);
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    report(`the same accounts and states read through the driver alone: ${rawSeconds.toFixed(2)} s`);
    report(`outbox messages: ${await OutboxMessageModel.countDocuments({ idempotencyKey: /^cadence:/ })}`);
    report(
      JSON.stringify({
        bench: 'cadence',
        accounts: accountTotal,
        posts: postCount,
        run_s: Math.round(runSeconds * 100) / 100,
        db_commands: dbCommands,
        raw_read_s: Math.round(rawSeconds * 100) / 100,
      }),
    );
  } finally {
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await mongoose.disconnect();
    await database.stop();
  }
}
