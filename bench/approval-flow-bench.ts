/**
 * `npm run bench -- approval-flow`: drafts submitted by an officer and approved by leaders, every
 * message through the real bot on wechaty-puppet-mock and the real database. The route is the sample
 * organisation's two-step route of 县应急管理局 (孙丽, then 赵海涛; cc 王建华 and 李静), so a draft
 * takes three chat commands and about ten outbound messages.
 *
 * Two phases:
 * 1. Throughput — BENCH_APPROVAL_DRAFTS drafts (default 1,000), BENCH_APPROVAL_CONCURRENCY of them in
 *    flight (default 10), with the outbox's chat rate limits off. Each leader answers the review
 *    request as it arrives in chat; a draft is complete when the officer is told it is approved. All
 *    drafts run by default (about 15 minutes on the embedded FerretDB, whose writes slow down as the
 *    outbox grows); BENCH_APPROVAL_BUDGET_S=<s> starts no new draft after that many seconds, and the
 *    figures then cover the drafts completed. Also: officer's message →
 *    approver's review request in the outbox, from the time the message was said to the outbox
 *    document's `createdAt` (same machine clock).
 * 2. Attribution — BENCH_APPROVAL_SAMPLE drafts (default 50) one command at a time, on a second bot
 *    whose outbox delivery is parked, so every database command between a message and the end of its
 *    handling belongs to that message. Commands are counted with the driver's command monitoring,
 *    after one uncounted draft that fills the people caches (refreshed once a minute in steady state).
 *
 * Ends with one JSON line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import fs from 'node:fs';
import path from 'node:path';
import { ensureIndexes } from '../src/shared/database';
import '../src/models';
import { createServices } from '../src/services';
import type { Services } from '../src/services';
import { createLogger } from '../src/shared/logger';
import type { Logger } from '../src/shared/logger';
import { systemClock } from '../src/shared/clock';
import { MockChat, mockProvider } from '../bot/mock-chat';
import { startBenchDatabase, report } from './bench-database';

const draftTotal = Number(process.env.BENCH_APPROVAL_DRAFTS ?? 1000);
const concurrency = Number(process.env.BENCH_APPROVAL_CONCURRENCY ?? 10);
const sampleSize = Number(process.env.BENCH_APPROVAL_SAMPLE ?? 50);
/** No new draft is started in phase 1 after this long (none by default). */
const budgetMs = Number(process.env.BENCH_APPROVAL_BUDGET_S ?? 0) * 1000 || Infinity;
const waitTimeoutMs = 60_000;
/** A handling is over when no command has run for this long (and none is outstanding). */
const quietMs = 40;
const sampleOrganization = path.resolve(__dirname, '..', 'docs', 'sample-organization.json');
const people = ['刘洋', '孙丽', '钱卫东', '赵海涛', '王建华', '李静'];
const body =
  '各乡镇、各有关单位：为做好汛期安全防范工作，县应急管理局将于近期组织开展防汛应急演练，请各单位按照演练方案做好人员、物资和通信保障准备，演练结束后及时报送总结。';

type Document = Record<string, unknown>;

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

function percentile(values: number[], share: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${waitTimeoutMs} ms waiting for ${what}`)),
      waitTimeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Counts the driver's commands on the benchmark database by "<command> <collection>", tracks the
 * ones outstanding, and tells when an insert matching a predicate has been acknowledged.
 */
class CommandMonitor {
  total = 0;
  private counts = new Map<string, number>();
  /** Time the server took, by "<command> <collection>". */
  readonly durations = new Map<string, number>();
  private readonly outstanding = new Map<number, { key: string; documents: Document[] | null }>();
  private lastActivityAt = Date.now();
  private readonly insertWatchers = new Set<{
    collection: string;
    match: (document: Document) => boolean;
    resolve: (found: { document: Document; acknowledgedAt: number }) => void;
  }>();

  constructor(
    client: mongo.MongoClient,
    private readonly dbName: string,
  ) {
    client.on('commandStarted', (event) => this.started(event));
    client.on('commandSucceeded', (event) => this.finished(event.requestId, event.duration, true));
    client.on('commandFailed', (event) => this.finished(event.requestId, event.duration, false));
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  /** Commands since `before`, by "<command> <collection>". */
  since(before: Map<string, number>): Map<string, number> {
    const difference = new Map<string, number>();
    for (const [key, count] of this.counts) {
      const added = count - (before.get(key) ?? 0);
      if (added > 0) difference.set(key, added);
    }
    return difference;
  }

  /** Resolves when an insert into `collection` with a matching document has been acknowledged. */
  waitForInsert(
    collection: string,
    match: (document: Document) => boolean,
  ): Promise<{ document: Document; acknowledgedAt: number }> {
    return new Promise((resolve) => this.insertWatchers.add({ collection, match, resolve }));
  }

  /** Resolves once no command is outstanding and none has started for `quietMs`. */
  async waitForQuiet(): Promise<void> {
    for (;;) {
      const idleFor = Date.now() - this.lastActivityAt;
      if (this.outstanding.size === 0 && idleFor >= quietMs) return;
      await sleep(Math.max(5, quietMs - idleFor));
    }
  }

  private started(event: mongo.CommandStartedEvent): void {
    if (event.databaseName !== this.dbName) return;
    const collection = collectionOf(event);
    const key = `${event.commandName} ${collection}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
    this.lastActivityAt = Date.now();
    const watched = event.commandName === 'insert' && [...this.insertWatchers].some((w) => w.collection === collection);
    this.outstanding.set(event.requestId, {
      key,
      documents: watched ? ((event.command.documents as Document[]) ?? []) : null,
    });
  }

  private finished(requestId: number, durationMs: number, succeeded: boolean): void {
    const command = this.outstanding.get(requestId);
    if (!command) return;
    this.outstanding.delete(requestId);
    this.durations.set(command.key, (this.durations.get(command.key) ?? 0) + durationMs);
    const { documents } = command;
    this.lastActivityAt = Date.now();
    if (!succeeded || !documents) return;
    for (const watcher of this.insertWatchers) {
      const document = documents.find(watcher.match);
      if (!document) continue;
      this.insertWatchers.delete(watcher);
      watcher.resolve({ document, acknowledgedAt: this.lastActivityAt });
    }
  }
}

function collectionOf(event: mongo.CommandStartedEvent): string {
  const target = event.command[event.commandName] as unknown;
  if (typeof target === 'string') return target;
  if (event.commandName === 'getMore') return String(event.command.collection);
  return '-';
}

/** Messages the bot sends in phase 1, filed by what they mean, for whoever waits for them. */
class Mailbox {
  private readonly arrived = new Map<string, string>();
  private readonly waiting = new Map<string, (text: string) => void>();
  readonly unexpected: string[] = [];

  put(key: string, text: string): void {
    const wake = this.waiting.get(key);
    if (wake) {
      this.waiting.delete(key);
      wake(text);
    } else this.arrived.set(key, text);
  }

  take(key: string): Promise<string> {
    const text = this.arrived.get(key);
    if (text !== undefined) {
      this.arrived.delete(key);
      return Promise.resolve(text);
    }
    return withTimeout(new Promise((resolve) => this.waiting.set(key, resolve)), key);
  }
}

interface ThroughputResult {
  completed: number;
  elapsedMs: number;
  draftsPerSecond: number;
  /** Drafts per second over each window of `windowSize` completed drafts, in order. */
  windowRates: number[];
  submitToOutboxMs: number[];
  commandsPerDraft: number;
  deliveredMessages: number;
  /** "<command> <collection>", how many, total server time in ms; most time first. */
  serverTime: [string, number, number][];
}

const windowSize = 100;

async function measureThroughput(
  services: Services,
  logger: Logger,
  monitor: CommandMonitor,
  observer: mongoose.Connection,
): Promise<ThroughputResult> {
  const chat = new MockChat({ services, logger });
  const mailbox = new Mailbox();
  let deliveredMessages = 0;
  chat.observe((line) => {
    if (!line.fromBot) return;
    deliveredMessages += 1;
    const request = /^【待审核】#([A-Z2-9]{4}) 《(.+?)》 第(\d)\/2步/.exec(line.text);
    if (line.to === '孙丽' && request?.[3] === '1') mailbox.put(`step 1 ${request[2]}`, request[1]);
    else if (line.to === '赵海涛' && request?.[3] === '2') mailbox.put(`step 2 ${request[1]}`, request[1]);
    else if (line.to === '刘洋' && line.text.includes('稿件已审核通过'))
      mailbox.put(`approved ${codeIn(line.text)}`, '');
    else if (!/^(已记录|已收到投稿|【抄送】|绑定成功)/.test(line.text)) mailbox.unexpected.push(line.text);
  });
  await chat.start();
  try {
    for (const name of people) await chat.bind(name);
    await waitUntilDelivered(observer);

    const sentAt = new Map<string, number>();
    const completedAt: number[] = [];
    let next = 0;
    const started = Date.now();
    const withinBudget = () => Date.now() - started < budgetMs;
    const lane = async () => {
      while (next < draftTotal && withinBudget()) {
        const title = `防汛演练通知第${String(next).padStart(4, '0')}号`;
        next += 1;
        sentAt.set(title, Date.now());
        chat.say('刘洋', `投稿 ${title}\n${body}`);
        const code = await mailbox.take(`step 1 ${title}`);
        chat.say('孙丽', `同意 ${code}`);
        await mailbox.take(`step 2 ${code}`);
        chat.say('赵海涛', `同意 ${code}`);
        await mailbox.take(`approved ${code}`);
        completedAt.push(Date.now());
      }
    };
    const commandsBefore = monitor.total;
    const countsBefore = monitor.snapshot();
    const durationsBefore = new Map(monitor.durations);
    await Promise.all(Array.from({ length: concurrency }, lane));
    const elapsedMs = Date.now() - started;
    const completed = completedAt.length;
    // Every message the drafts caused (cc included) is delivered before the commands are counted.
    await waitUntilDelivered(observer);
    const commandsPerDraft = (monitor.total - commandsBefore) / completed;
    const serverTime = [...monitor.since(countsBefore)]
      .map(([key, count]): [string, number, number] => [
        key,
        count,
        (monitor.durations.get(key) ?? 0) - (durationsBefore.get(key) ?? 0),
      ])
      .sort((left, right) => right[2] - left[2]);
    if (mailbox.unexpected.length > 0) {
      report(`unexpected bot messages: ${mailbox.unexpected.length}, e.g. ${mailbox.unexpected[0].split('\n')[0]}`);
    }
    const windowRates: number[] = [];
    for (let end = windowSize; end <= completed; end += windowSize) {
      const from = end === windowSize ? started : completedAt[end - windowSize - 1];
      windowRates.push((windowSize / (completedAt[end - 1] - from)) * 1000);
    }

    // Sent messages move to the archive a minute after they were sent: look in both.
    const requests = [];
    for (const name of ['outbox_messages', 'outbox_archive']) {
      requests.push(
        ...(await observer
          .collection(name)
          .find({ idempotencyKey: /:created:\d+:review-request:/ }, { projection: { text: 1, createdAt: 1 } })
          .toArray()),
      );
    }
    const submitToOutboxMs = requests.flatMap((request) => {
      const title = /《(.+?)》/.exec(String(request.text))?.[1] ?? '';
      const said = sentAt.get(title);
      return said === undefined ? [] : [(request.createdAt as Date).getTime() - said];
    });
    if (submitToOutboxMs.length !== sentAt.size) {
      throw new Error(`found ${submitToOutboxMs.length} review requests for ${sentAt.size} drafts`);
    }
    return {
      completed,
      elapsedMs,
      draftsPerSecond: (completed / elapsedMs) * 1000,
      windowRates,
      submitToOutboxMs,
      commandsPerDraft,
      deliveredMessages,
      serverTime,
    };
  } finally {
    await chat.stop();
  }
}

/** Polls through a connection that is not monitored, so waiting adds no commands to the counts. */
async function waitUntilDelivered(observer: mongoose.Connection): Promise<void> {
  const deadline = Date.now() + waitTimeoutMs;
  while (await observer.collection('outbox_messages').findOne({ status: { $in: ['pending', 'sending'] } })) {
    if (Date.now() > deadline) throw new Error('the outbox did not drain');
    await sleep(50);
  }
}

type Handling = 'submit' | 'approve step 1' | 'approve step 2';

interface AttributionResult {
  commands: Record<Handling, Map<string, number>[]>;
  submitToOutboxMs: number[];
  submitToAcknowledgedMs: number[];
}

async function attributeCommands(
  services: Services,
  logger: Logger,
  monitor: CommandMonitor,
): Promise<AttributionResult> {
  // Delivery parked: after its first (empty) drain the loop sleeps for an hour and is not woken by
  // enqueues, so it issues no commands.
  const chat = new MockChat({
    services,
    logger,
    deliveryOptions: { pollIntervalMs: 3_600_000, wakeOnEnqueue: false },
  });
  await chat.start();
  const result: AttributionResult = {
    commands: { submit: [], 'approve step 1': [], 'approve step 2': [] },
    submitToOutboxMs: [],
    submitToAcknowledgedMs: [],
  };
  try {
    for (const name of people) {
      const { code } = await services.people.createBindCode(name, {});
      await services.people.bindChatIdentity({ code, provider: mockProvider, externalId: chat.contact(name).id });
    }
    await monitor.waitForQuiet();

    /** Says `text` as `name`, waits for the outbox insert that ends its handling, then for quiet. */
    let recording = false;
    const handle = async (handling: Handling, name: string, text: string, match: (text: string) => boolean) => {
      const before = monitor.snapshot();
      const outboxInsert = monitor.waitForInsert('outbox_messages', (document) => match(String(document.text)));
      const saidAt = Date.now();
      chat.say(name, text);
      const { document, acknowledgedAt } = await withTimeout(outboxInsert, `${handling}: ${text.split('\n')[0]}`);
      await monitor.waitForQuiet();
      if (recording) result.commands[handling].push(monitor.since(before));
      return { text: String(document.text), saidAt, createdAt: (document.createdAt as Date).getTime(), acknowledgedAt };
    };

    // Draft -1 warms the people caches the binding above emptied (one read per person per minute in
    // steady state); it is not counted.
    for (let index = -1; index < sampleSize; index += 1) {
      recording = index >= 0;
      const title = recording ? `逐条计数稿件第${String(index).padStart(3, '0')}号` : '逐条计数预热稿件';
      const request = await handle(
        'submit',
        '刘洋',
        `投稿 ${title}\n${body}`,
        (text) => text.startsWith('【待审核】') && text.includes(`《${title}》`),
      );
      if (recording) {
        result.submitToOutboxMs.push(request.createdAt - request.saidAt);
        result.submitToAcknowledgedMs.push(request.acknowledgedAt - request.saidAt);
      }
      const code = codeIn(request.text);
      await handle('approve step 1', '孙丽', `同意 ${code}`, (text) => text.startsWith(`【待审核】#${code} `));
      await handle(
        'approve step 2',
        '赵海涛',
        `同意 ${code}`,
        (text) => text.includes(`#${code} `) && text.includes('稿件已审核通过'),
      );
    }
    return result;
  } finally {
    await chat.stop();
  }
}

/** Mean commands per handling, by "<command> <collection>", most first. */
function averageBreakdown(samples: Map<string, number>[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const sample of samples) for (const [key, count] of sample) sums.set(key, (sums.get(key) ?? 0) + count);
  return [...sums]
    .map(([key, sum]): [string, number] => [key, sum / samples.length])
    .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
}

function meanCommands(samples: Map<string, number>[]): number {
  return averageBreakdown(samples).reduce((sum, [, count]) => sum + count, 0);
}

function reportBreakdown(handling: string, samples: Map<string, number>[]): void {
  const counts = samples.map((sample) => [...sample.values()].reduce((sum, count) => sum + count, 0));
  report(
    `${handling}: ${meanCommands(samples).toFixed(1)} commands on average (min ${Math.min(...counts)}, max ${Math.max(...counts)})`,
  );
  for (const [key, count] of averageBreakdown(samples)) {
    report(`  ${count.toFixed(2).padStart(6)}  ${key}`);
  }
}

export async function runApprovalFlowBench(): Promise<void> {
  const database = await startBenchDatabase();
  const dbName = `bench_approval_flow_${Date.now()}`;
  report(`database: ${database.source}`);
  report(
    `route: 县应急管理局 two-step (孙丽 → 赵海涛, cc 王建华, 李静); ${draftTotal} drafts (budget ${budgetMs === Infinity ? 'none' : `${budgetMs / 1000} s`}), ${concurrency} in flight, outbox without rate limits; attribution sample ${sampleSize} drafts`,
  );
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  let observer: mongoose.Connection | null = null;
  try {
    // Same options as connectDatabase, plus command monitoring.
    await mongoose.connect(database.uri, {
      dbName,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      bufferCommands: false,
      monitorCommands: true,
    });
    await ensureIndexes();
    observer = await mongoose.createConnection(database.uri, { dbName }).asPromise();
    const monitor = new CommandMonitor(mongoose.connection.getClient(), dbName);
    const services = createServices({ clock: systemClock, logger });
    await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});

    const throughput = await measureThroughput(services, logger, monitor, observer);
    const cut =
      throughput.completed < draftTotal
        ? ` — STOPPED by the ${budgetMs / 1000} s budget after ${throughput.completed} of ${draftTotal} drafts`
        : '';
    report(
      `throughput: ${throughput.completed} drafts submitted and approved in two steps in ${throughput.elapsedMs} ms = ${throughput.draftsPerSecond.toFixed(1)} drafts/s (${throughput.deliveredMessages} bot messages delivered)${cut}`,
    );
    report(
      `drafts/s per ${windowSize} completed drafts, in order: ${throughput.windowRates.map((rate) => rate.toFixed(1)).join(', ') || 'fewer than one window'}`,
    );
    report(
      `officer's message → approver's review request in the outbox (createdAt), ${concurrency} in flight: p50 ${percentile(throughput.submitToOutboxMs, 0.5)} ms, p95 ${percentile(throughput.submitToOutboxMs, 0.95)} ms, max ${Math.max(...throughput.submitToOutboxMs)} ms`,
    );
    report(
      `all database commands (handling and delivery of every message) per completed draft: ${throughput.commandsPerDraft.toFixed(1)}`,
    );

    report('commands in the throughput phase (handling and delivery): per draft, count, server time total and mean:');
    for (const [key, count, totalMs] of throughput.serverTime) {
      const perDraft = (count / throughput.completed).toFixed(2);
      report(
        `  ${key.padEnd(30)} ${perDraft.padStart(6)}/draft ${String(count).padStart(7)}  ${totalMs.toFixed(0).padStart(7)} ms  ${(totalMs / count).toFixed(2).padStart(6)} ms`,
      );
    }

    const attribution = await attributeCommands(services, logger, monitor);
    report(
      `one at a time, delivery parked: officer's message → review request createdAt p50 ${percentile(attribution.submitToOutboxMs, 0.5)} ms, p95 ${percentile(attribution.submitToOutboxMs, 0.95)} ms; → insert acknowledged p95 ${percentile(attribution.submitToAcknowledgedMs, 0.95)} ms`,
    );
    report(
      `commands counted with the driver's command monitoring, on the benchmark database, from the moment a message is said until its outbox insert is acknowledged and no command has run for ${quietMs} ms (the audit head hint written after the answer included); the outbox delivery loop of this bot is parked, so none of its commands is counted`,
    );
    reportBreakdown('submission', attribution.commands.submit);
    reportBreakdown('approval, step 1 of 2', attribution.commands['approve step 1']);
    reportBreakdown('approval, step 2 of 2 (final)', attribution.commands['approve step 2']);
    const approvals = [...attribution.commands['approve step 1'], ...attribution.commands['approve step 2']];

    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    report(`peak RSS of this process (bot, services, driver; FerretDB runs in its own process): ${peakRssMb} MB`);
    report(
      JSON.stringify({
        bench: 'approval-flow',
        drafts_per_s: round(throughput.draftsPerSecond),
        drafts_per_s_first_100: round(throughput.windowRates[0] ?? NaN),
        drafts_per_s_last_100: round(throughput.windowRates[throughput.windowRates.length - 1] ?? NaN),
        p95_ms_submit_to_outbox: percentile(throughput.submitToOutboxMs, 0.95),
        db_commands_per_submit: round(meanCommands(attribution.commands.submit)),
        db_commands_per_approval: round(meanCommands(approvals)),
        peak_rss_mb: peakRssMb,
      }),
    );
  } finally {
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await observer?.close();
    await mongoose.disconnect();
    await database.stop();
  }
}
