/**
 * `npm run bench -- publication-sweep`: the platform sweep (R10) of 50 connected 公众号 accounts with 200
 * published articles each on the fake platform, against 10,000 approved drafts. Seeds the organisation,
 * the accounts and their connections, the approved drafts, and on the fake one article a day per account
 * (each an approved draft posted by hand, and one back-office post nobody approved); then sweeps in a
 * process of its own (bench/publication-sweep-child.ts) so its memory is measured alone: the first sweep
 * (every article new), then the next day's (nothing new, the last week checked again).
 * Targets for the first sweep: under 30 s, at most 500 database commands, peak RSS at most 250 MB.
 */
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import { ensureIndexes } from '../src/shared/database';
import { createServices } from '../src/services';
import { AccountModel } from '../src/accounts/account-model';
import { DraftModel } from '../src/drafts/draft-model';
import { upgradeDraftStorage } from '../src/drafts/draft-storage-upgrade';
import { hashContent } from '../src/drafts/draft-content-rules';
import { FakeOfficialAccountServer } from '../src/publication/fake-official-account-server';
import { articleTextOf, renderArticleHtml } from '../src/publication/article-html-rules';
import '../src/models';
import { report, startBenchDatabase } from './bench-database';
import { seededRandom } from './seeded-random';
import { benchAccount, seedCounty } from './bench-county';

const accountTotal = Number(process.env.SWEEP_BENCH_ACCOUNTS ?? 50);
const articlesPerAccount = Number(process.env.SWEEP_BENCH_ARTICLES ?? 200);
const draftTotal = Number(process.env.SWEEP_BENCH_DRAFTS ?? 10_000);
const dayMs = 86_400_000;
const root = path.resolve(__dirname, '..');
const words =
  '安全 生产 防汛 应急 演练 通知 工作 部署 检查 落实 责任 单位 群众 服务 宣传 教育 森林 防火 交通 出行'.split(' ');

interface ChildSweep {
  sweep: string;
  accounts: number;
  listed: number;
  found: number;
  verified: number;
  unapproved: number;
  errors: string[];
  elapsedMs: number;
  dbCommands: number;
  commands: Record<string, number>;
  serverMs: Record<string, number>;
  peakRssMb: number;
  idleRssMb: number;
}

export async function runPublicationSweepBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  const random = seededRandom(25);
  const now = new Date('2026-11-16T00:30:00Z');
  const clock = new ManualClock(now);
  const platform = new FakeOfficialAccountServer({ clock });
  const dbName = `bench_sweep_${Date.now()}`;
  const secretKey = randomBytes(32).toString('base64');
  try {
    const apiBaseUrl = await platform.start();
    await mongoose.connect(database.uri, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: false });
    await ensureIndexes();
    const seedStart = Date.now();

    const { units, staff } = await seedCounty(now, accountTotal);
    const accounts = units.map((unit, index) =>
      benchAccount({
        unitId: unit._id,
        staff: staff[index],
        platform: 'wechat-official-account',
        name: `公众号${index + 1}`,
        cadenceDays: 3,
        now,
      }),
    );
    await AccountModel.collection.insertMany(accounts);

    // The connections, as the operator sets and tests them.
    const services = createServices({ clock, logger: createLogger('silent'), connectionSecretKey: () => secretKey });
    const operator = { kind: 'operator' as const, personId: null };
    const appIds = accounts.map((_, index) => `wx${String(index).padStart(16, '0')}`);
    for (const [index, account] of accounts.entries()) {
      const appSecret = randomBytes(16).toString('hex');
      platform.addAccount({ appId: appIds[index], appSecret });
      const settings = {
        appId: appIds[index],
        apiBaseUrl,
        appSecret,
        token: `BenchToken${index}`,
        encodingAesKey: randomBytes(32)
          .toString('base64')
          .replace(/[^0-9A-Za-z]/g, 'A')
          .slice(0, 43),
      };
      await services.officialAccountConnections.set(operator, String(account._id), settings);
      await services.officialAccountConnections.test(operator, String(account._id));
    }

    // The approved drafts, and one article a day per account: each the publication of one of them,
    // posted by hand, but the last, which nobody approved.
    const draftsPerAccount = Math.ceil(draftTotal / accountTotal);
    let drafts: Record<string, unknown>[] = [];
    let codes = 0;
    let articles = 0;
    for (const [index, account] of accounts.entries()) {
      const { leader, officer } = staff[index];
      for (let number = 0; number < draftsPerAccount && codes < draftTotal; number += 1) {
        const title = `关于做好${words[number % words.length]}工作的通知（${index + 1}-${number + 1}）`;
        const body = Array.from({ length: 4 }, () =>
          Array.from({ length: 40 }, () => words[Math.floor(random() * words.length)]).join(''),
        ).join('\n');
        const daysAgo = articlesPerAccount - number;
        const approvedAt = new Date(now.getTime() - daysAgo * dayMs - 3_600_000);
        const contentHash = hashContent({ title, body });
        drafts.push(
          approvedDraft({ code: shortCode(codes), title, body, contentHash, approvedAt, account, leader, officer }),
        );
        codes += 1;
        if (number < articlesPerAccount - 1) {
          const content = renderArticleHtml(articleTextOf({ body }), []);
          platform.postFromBackOffice(appIds[index], {
            title,
            content,
            at: new Date(approvedAt.getTime() + 3_600_000),
          });
          articles += 1;
        }
        if (drafts.length === 2000) {
          await DraftModel.collection.insertMany(drafts);
          drafts = [];
        }
      }
      platform.postFromBackOffice(appIds[index], {
        title: `未经审核的文章（${index + 1}）`,
        content: '<p>这是一篇没有经过审核的文章。</p>',
        at: new Date(now.getTime() - 2 * 3_600_000),
      });
      articles += 1;
    }
    if (drafts.length > 0) await DraftModel.collection.insertMany(drafts);
    await services.audit.settle();
    // As at start: the drafts written here the raw way get their listings (what the sweep reads first).
    await upgradeDraftStorage();
    report(
      `seeded ${accountTotal} connected accounts, ${codes} approved drafts, ${articles} articles on the fake in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const measured = await sweepInChild(database.uri, dbName, now, secretKey);
    const floor = measured.find((entry) => entry.sweep === 'driver-floor');
    const sweeps = measured.filter((entry) => entry !== floor);
    for (const sweep of sweeps) {
      report(
        `${sweep.sweep} sweep: ${sweep.accounts} accounts, ${sweep.listed} articles listed, ${sweep.found} new ` +
          `(${sweep.verified} verified, ${sweep.unapproved} unapproved) in ${(sweep.elapsedMs / 1000).toFixed(2)} s, ` +
          `${sweep.dbCommands} database commands, peak RSS ${sweep.peakRssMb} MB (${sweep.idleRssMb} MB before sweeping)` +
          (sweep.errors.length > 0 ? `; errors: ${sweep.errors.join(' | ')}` : ''),
      );
      report(`  database time by command (ms): ${JSON.stringify(sweep.serverMs)}`);
      report(
        `  commands: ${Object.entries(sweep.commands)
          .map(([key, count]) => `${key} ×${count}`)
          .join(', ')}`,
      );
    }
    const [first, nextDay] = sweeps;
    if (floor) {
      report(
        `the drafts, fingerprints and articles read through the driver alone: ${(floor.elapsedMs / 1000).toFixed(2)} s`,
      );
    }
    report(
      JSON.stringify({
        bench: 'publication-sweep',
        articles: first.listed,
        sweep_s: Math.round(first.elapsedMs / 10) / 100,
        db_commands: first.dbCommands,
        peak_rss_mb: first.peakRssMb,
        idle_rss_mb: first.idleRssMb,
        next_day_sweep_s: Math.round(nextDay.elapsedMs / 10) / 100,
        driver_floor_read_s: floor ? Math.round(floor.elapsedMs / 10) / 100 : null,
        next_day_db_commands: nextDay.dbCommands,
      }),
    );
  } finally {
    await platform.stop();
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await mongoose.disconnect();
    await database.stop();
  }
}

/** A short code for the n-th draft: unique among the open drafts. */
function shortCode(n: number): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let rest = n, place = 0; place < 4; place += 1, rest = Math.floor(rest / alphabet.length)) {
    code += alphabet[rest % alphabet.length];
  }
  return code;
}

function approvedDraft(input: {
  code: string;
  title: string;
  body: string;
  contentHash: string;
  approvedAt: Date;
  account: { _id: Types.ObjectId; unitId: Types.ObjectId };
  leader: { _id: Types.ObjectId };
  officer: { _id: Types.ObjectId };
}): Record<string, unknown> {
  const submittedAt = new Date(input.approvedAt.getTime() - 3_600_000);
  return {
    _id: new Types.ObjectId(),
    shortCode: input.code,
    closedKey: '',
    unitId: input.account.unitId,
    accountId: input.account._id,
    submitterId: input.officer._id,
    status: 'approved',
    versions: [
      {
        number: 1,
        title: input.title,
        body: input.body,
        sourceUrl: '',
        reprint: null,
        attachments: [],
        contentHash: input.contentHash,
        findings: [],
        createdById: input.officer._id,
        createdAt: submittedAt,
      },
    ],
    currentVersion: 1,
    steps: [
      {
        mode: 'any',
        approverIds: [input.leader._id],
        backupApproverIds: [],
        status: 'approved',
        decisions: [
          {
            approverId: input.leader._id,
            onBehalfOfId: null,
            decision: 'approve',
            comment: '',
            versionNumber: 1,
            contentHash: input.contentHash,
            decidedAt: input.approvedAt,
          },
        ],
        handovers: [],
        pendingSince: submittedAt,
      },
    ],
    currentStepIndex: 0,
    ccIds: [],
    ccInformed: false,
    pendingApproverIds: [],
    publication: { url: '', publishedAt: null, reportedById: null },
    lastMessages: [],
    revision: 2,
    createdAt: submittedAt,
    updatedAt: input.approvedAt,
  };
}

async function sweepInChild(uri: string, dbName: string, now: Date, secretKey: string): Promise<ChildSweep[]> {
  // SWEEP_BENCH_NODE_OPTIONS, e.g. "--cpu-prof": flags for the sweeping process alone.
  const nodeOptions = (process.env.SWEEP_BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeOptions,
      '--import',
      'tsx',
      path.join(root, 'bench/publication-sweep-child.ts'),
      uri,
      dbName,
      now.toISOString(),
      secretKey,
    ],
    { cwd: root },
  );
  const sweeps: ChildSweep[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => sweeps.push(JSON.parse(line) as ChildSweep));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.includes('platform swept')) report(`  ${line}`);
  });
  await new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sweep exited ${code}: ${stderr}`)))),
  );
  return sweeps;
}
