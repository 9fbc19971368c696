/**
 * `npm run bench -- readiness`: 考核自查 (issue 27) for a whole county — 250 units, 2,000 running accounts
 * and a year of their records: posts (most accounts post most days, some stopped, some only reprint), the
 * states the posts leave, the inquiries of the year (a few still open and overdue), what the platform
 * sweep recorded for the connected tenth of the accounts (some unapproved, some with a serious wrong
 * expression), and this cycle's annual reviews. Seeds in bulk, then builds the report of every unit at
 * once, as the monthly message and the overview do. Reports time, database commands (driver command
 * monitoring) and peak RSS.
 * Targets (issue 27): under 20 s and at most 500 commands, i.e. one read per kind of record, not per account.
 */
import mongoose, { Types } from 'mongoose';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import { ensureIndexes } from '../src/shared/database';
import { createServices } from '../src/services';
import { AccountModel, accountPlatforms } from '../src/accounts/account-model';
import { PostModel } from '../src/cadence/post-model';
import { CadenceStateModel } from '../src/cadence/cadence-state-model';
import { RecentPostModel, recentPostDays } from '../src/cadence/recent-post-model';
import { InquiryModel } from '../src/inquiries/inquiry-model';
import { PlatformArticleModel } from '../src/publication/platform-article-model';
import { OfficialAccountConnectionModel } from '../src/publication/official-account-connection-model';
import { AnnualReviewModel } from '../src/annual-review/annual-review-model';
import '../src/models';
import { report, startBenchDatabase } from './bench-database';
import { seededRandom } from './seeded-random';
import { benchAccount, seedCounty } from './bench-county';

const accountTotal = Number(process.env.READINESS_BENCH_ACCOUNTS ?? 2_000);
// One account per platform per unit (R4): 8 platforms, so 2,000 accounts need 250 units (the issue says 200).
const perUnit = accountPlatforms.length;
const unitTotal = Math.ceil(accountTotal / perUnit);
const days = 365;
const dayMs = 86_400_000;
const batch = 5_000;

export async function runReadinessBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  const random = seededRandom(27);
  // Monday 7 December 2026, 10:00 in Shanghai.
  const at = new Date('2026-12-07T02:00:00Z');
  const clock = new ManualClock(at);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    await mongoose.connect(database.uri, {
      dbName: `bench_readiness_${Date.now()}`,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      bufferCommands: false,
      monitorCommands: true,
    });
    await ensureIndexes();
    const services = createServices({ clock, logger: createLogger('silent') });

    const seedStart = Date.now();
    const { countyId, units, staff } = await seedCounty(at, unitTotal);
    const accounts = Array.from({ length: accountTotal }, (_, index) => {
      const unitIndex = Math.floor(index / perUnit);
      return {
        ...benchAccount({
          unitId: units[unitIndex]._id,
          staff: staff[unitIndex],
          platform: accountPlatforms[index % perUnit],
          name: `账号${index + 1}`,
          cadenceDays: 1 + (index % 3),
          now: at,
        }),
        filedAt: new Date(at.getTime() - 390 * dayMs),
      };
    });
    await AccountModel.collection.insertMany(accounts);

    // Posts of the year: one in ten accounts stopped 5–30 days ago, one in eight only reprints.
    let posts: Record<string, unknown>[] = [];
    let postCount = 0;
    // The copy of the last weeks' posts the ledger keeps beside them (what the report reads).
    let recentPosts: Record<string, unknown>[] = [];
    const states: Record<string, unknown>[] = [];
    const flush = async (force = false) => {
      if (posts.length >= batch || (force && posts.length > 0)) {
        await PostModel.collection.insertMany(posts);
        postCount += posts.length;
        posts = [];
      }
      if (recentPosts.length >= batch || (force && recentPosts.length > 0)) {
        await RecentPostModel.collection.insertMany(recentPosts);
        recentPosts = [];
      }
    };
    for (const [index, account] of accounts.entries()) {
      const stoppedDaysAgo = random() < 0.1 ? 5 + Math.floor(random() * 25) : 0;
      const reprintsOnly = random() < 0.125;
      let lastPostAt: Date | null = null;
      let lastOriginalPostAt: Date | null = null;
      for (let day = days; day >= stoppedDaysAgo; day -= 1) {
        if (random() > 0.5) continue;
        const publishedAt = new Date(at.getTime() - day * dayMs - 3 * 3_600_000);
        if (publishedAt > at) continue;
        const original = !reprintsOnly && random() < 0.6;
        posts.push({
          _id: new Types.ObjectId(),
          draftId: new Types.ObjectId(),
          accountId: account._id,
          unitId: account.unitId,
          publishedAt,
          url: `https://example.org/${index}/${day}`,
          original,
          recordedAt: publishedAt,
          source: 'report',
          flag: null,
        });
        if (day < recentPostDays) recentPosts.push({ ...posts[posts.length - 1] });
        lastPostAt = publishedAt;
        if (original) lastOriginalPostAt = publishedAt;
        await flush();
      }
      states.push({ _id: account._id, lastPostAt, lastOriginalPostAt });
    }
    await flush(true);
    await CadenceStateModel.collection.insertMany(states);

    // Inquiries: ten a year per account, answered within a week, except a few still open.
    let inquiries: Record<string, unknown>[] = [];
    let inquiryCount = 0;
    for (const [index, account] of accounts.entries()) {
      for (let number = 0; number < 10; number += 1) {
        const receivedAt = new Date(at.getTime() - random() * days * dayMs);
        const open = random() < 0.02;
        const answeredAt = open ? null : new Date(Math.min(at.getTime(), receivedAt.getTime() + random() * 7 * dayMs));
        const dueOn = new Date(receivedAt.getTime() + 7 * dayMs).toISOString().slice(0, 10);
        const _id = new Types.ObjectId();
        inquiries.push({
          _id,
          revision: 1,
          updatedAt: answeredAt ?? receivedAt,
          code: `${index}-${number}`,
          closedKey: open ? '' : String(_id),
          accountId: account._id,
          unitId: account.unitId,
          accountUnitId: account.unitId,
          source: 'manual',
          citizenId: '',
          citizenLabel: `市民${index}`,
          kind: 'consultation',
          status: open ? 'open' : 'answered',
          invalidReason: '',
          receivedAt,
          lastCitizenMessageAt: receivedAt,
          repliesInWindow: 0,
          acknowledgeDueAt: receivedAt,
          acknowledgedAt: receivedAt,
          answerDueOn: dueOn,
          originalDueOn: dueOn,
          extensions: [],
          answeredAt,
          answeredById: open ? null : staff[0].officer._id,
          answeredByUnitId: open ? null : account.unitId,
          answerText: open ? '' : '您好，答复如下……',
          answerChannel: open ? '' : 'back-office',
          messages: [],
          registeredById: staff[0].officer._id,
          timeline: [],
          pendingAnswer: null,
        });
        if (inquiries.length >= batch) {
          await InquiryModel.collection.insertMany(inquiries);
          inquiryCount += inquiries.length;
          inquiries = [];
        }
      }
    }
    if (inquiries.length > 0) await InquiryModel.collection.insertMany(inquiries);
    inquiryCount += inquiries.length;

    // A tenth of the accounts are connected; the sweep recorded their last 90 days of articles.
    const connected = accounts.filter((_, index) => index % 10 === 0);
    await OfficialAccountConnectionModel.collection.insertMany(
      connected.map((account) => ({ _id: account._id, state: 'connected', changedAt: at })),
    );
    let articles: Record<string, unknown>[] = [];
    let articleCount = 0;
    for (const account of connected) {
      for (let day = 90; day >= 0; day -= 1) {
        if (random() > 0.5) continue;
        const publishedAt = new Date(at.getTime() - day * dayMs - 3 * 3_600_000);
        const roll = random();
        const key = `${String(account._id)}:a${day}:0`;
        articles.push({
          _id: new Types.ObjectId(),
          key,
          accountId: account._id,
          unitId: account.unitId,
          articleId: `a${day}`,
          index: 0,
          title: `文章${day}`,
          url: `https://mp.weixin.qq.com/s/${key}`,
          publishedAt,
          fingerprint: key,
          finding: roll < 0.01 ? 'unapproved' : 'verified',
          draftId: null,
          versionNumber: null,
          alerted: true,
          deleted: false,
          replacedBy: '',
          firstSeenAt: publishedAt,
          seriousExpressions: roll > 0.995 ? ['“中国人民共和国”应为“中华人民共和国”'] : [],
          revision: 0,
        });
        if (articles.length >= batch) {
          await PlatformArticleModel.collection.insertMany(articles);
          articleCount += articles.length;
          articles = [];
        }
      }
    }
    if (articles.length > 0) await PlatformArticleModel.collection.insertMany(articles);
    articleCount += articles.length;

    // This cycle's reviews: most submitted, some passed, a few not yet.
    await AnnualReviewModel.collection.insertMany(
      accounts.map((account) => {
        const roll = random();
        return {
          _id: new Types.ObjectId(),
          accountId: account._id,
          unitId: account.unitId,
          year: 2026,
          status: roll < 0.05 ? 'open' : roll < 0.6 ? 'submitted' : 'passed',
          reports: [],
          decision: null,
          toClose: false,
          toCloseSince: null,
          revision: 0,
          createdAt: new Date('2026-11-01T00:00:00Z'),
          updatedAt: at,
        };
      }),
    );
    report(
      `seeded ${units.length} units, ${accountTotal} accounts, ${postCount} posts, ${inquiryCount} inquiries, ${articleCount} platform articles of ${connected.length} connected accounts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const commands = new Map<string, number>();
    mongoose.connection.getClient().on('commandStarted', (event) => {
      const collection = String((event.command as Record<string, unknown>)[event.commandName] ?? '');
      const key = `${event.commandName} ${collection}`;
      commands.set(key, (commands.get(key) ?? 0) + 1);
    });
    const moment = services.readiness.momentOf();
    const started = performance.now();
    const reports = await services.readiness.reportsForUnits([String(countyId)], moment, { subtrees: true });
    const seconds = (performance.now() - started) / 1000;
    const dbCommands = [...commands.values()].reduce((sum, count) => sum + count, 0);
    const accountsReported = reports.reduce((sum, unit) => sum + unit.accounts.length, 0);
    const byStatus = { pass: 0, risk: 0, fail: 0 };
    for (const unit of reports) for (const account of unit.accounts) byStatus[account.status] += 1;
    report(
      `report of ${reports.length} units, ${accountsReported} accounts (${byStatus.fail} 不合格, ${byStatus.risk} 风险, ${byStatus.pass} 合格) in ${seconds.toFixed(2)} s, ${dbCommands} commands (${[...commands].map(([key, count]) => `${key} ×${count}`).join(', ')})`,
    );
    report(
      JSON.stringify({
        bench: 'readiness',
        accounts: accountsReported,
        units: reports.length,
        posts: postCount,
        inquiries: inquiryCount,
        articles: articleCount,
        run_s: Math.round(seconds * 100) / 100,
        db_commands: dbCommands,
        peak_rss_mb: Math.round(peakRss / 1024 / 1024),
      }),
    );
  } finally {
    clearInterval(sampler);
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await mongoose.disconnect();
    await database.stop();
  }
}
