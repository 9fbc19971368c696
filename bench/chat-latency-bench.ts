/**
 * `npm run bench -- chat-latency`: what in the per-message path grows with history. BENCH_CHAT_MESSAGES
 * chat messages (default 2,000), one at a time, through the real bot on wechaty-puppet-mock and the real
 * database, in a realistic cycle: a submission, two approvals, a publication, 查看, 待办, 我的稿件 and a
 * stranger's message. For each quarter of the run: the median time from a message to the first reply
 * its sender gets, and the database's server time per message by command and collection (the
 * driver's command monitoring), so a cost that grows shows where it is. No jobs run (as in the chat
 * tests): sent outbox messages stay in the outbox. Ends with one JSON line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { ensureIndexes } from '../src/shared/database';
import { createServices } from '../src/services';
import { createLogger } from '../src/shared/logger';
import { systemClock } from '../src/shared/clock';
import { MockChat } from '../bot/mock-chat';
import { report, startBenchDatabase } from './bench-database';

const messageTotal = Number(process.env.BENCH_CHAT_MESSAGES ?? 2000);
const sampleOrganization = path.resolve(__dirname, '..', 'docs', 'sample-organization.json');
const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

/** Server time and count per "<command> <collection>" in the current quarter. */
class QuarterMonitor {
  quarters: Map<string, { count: number; ms: number }>[] = [new Map(), new Map(), new Map(), new Map()];
  quarter = 0;
  private readonly started = new Map<number, string>();

  constructor(client: mongo.MongoClient, dbName: string) {
    client.on('commandStarted', (event) => {
      if (event.databaseName !== dbName) return;
      const collection = String(event.command[event.commandName] ?? '');
      // A find is named by its filter's fields, so the queries on one collection are told apart.
      const filter =
        event.commandName === 'find' ? (event.command.filter as Record<string, unknown> | undefined) : undefined;
      const fields = filter ? ` {${Object.keys(filter).join(',')}}` : '';
      this.started.set(event.requestId, `${event.commandName} ${collection}${fields}`);
    });
    const finish = (event: { requestId: number; duration: number }) => {
      const key = this.started.get(event.requestId);
      if (!key) return;
      this.started.delete(event.requestId);
      const entry = this.quarters[this.quarter].get(key) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += event.duration;
      this.quarters[this.quarter].set(key, entry);
    };
    client.on('commandSucceeded', finish);
    client.on('commandFailed', finish);
  }
}

export async function runChatLatencyBench(): Promise<void> {
  const database = await startBenchDatabase();
  const dbName = `bench_chat_latency_${Date.now()}`;
  report(`database: ${database.source}; ${messageTotal} messages one at a time`);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  let chat: MockChat | null = null;
  try {
    await mongoose.connect(database.uri, {
      dbName,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      bufferCommands: false,
      monitorCommands: true,
    });
    await ensureIndexes();
    const services = createServices({ clock: systemClock, logger });
    await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
    chat = new MockChat({ services, logger });
    await chat.start();
    for (const name of ['刘洋', '孙丽', '赵海涛']) await chat.bind(name);
    chat.contact('路人甲');
    const monitor = new QuarterMonitor(mongoose.connection.getClient(), dbName);

    const replyMs: number[][] = [[], [], [], []];
    let code = '';
    const cycle: [string, () => string][] = [
      ['刘洋', () => '投稿 关于开展防汛演练的通知\n各乡镇：定于12月1日开展防汛演练，请做好准备。'],
      ['孙丽', () => `同意 ${code} 内容属实`],
      ['赵海涛', () => `同意 ${code}`],
      ['刘洋', () => `已发布 ${code} https://mp.weixin.qq.com/s/${code}`],
      ['刘洋', () => `查看 ${code}`],
      ['孙丽', () => '待办'],
      ['刘洋', () => '我的稿件'],
      ['路人甲', () => '你好，请问怎么投稿'],
    ];
    const startedAt = Date.now();
    for (let index = 0; index < messageTotal; index += 1) {
      monitor.quarter = Math.min(3, Math.floor((index * 4) / messageTotal));
      const [name, text] = cycle[index % cycle.length];
      const before = chat.messagesOf(name).length;
      const saidAt = performance.now();
      chat.say(name, text());
      const reply = await chat.waitFor(name, /[\s\S]/, { after: before, timeoutMs: 60_000 });
      replyMs[monitor.quarter].push(performance.now() - saidAt);
      if (index % cycle.length === 0) code = codeIn(reply);
      // Let the messages it caused for others go out before the next one, so quarters do not overlap.
      await sleep(15);
    }
    const elapsedS = (Date.now() - startedAt) / 1000;

    const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
    const medians = replyMs.map((values) => Math.round(median(values)));
    report(`median ms from a message to its sender's first reply, per quarter: ${medians.join(' / ')}`);
    const perQuarter = messageTotal / 4;
    const keys = new Set(monitor.quarters.flatMap((quarter) => [...quarter.keys()]));
    const rows = [...keys]
      .map((key) => ({
        key,
        msPerMessage: monitor.quarters.map((quarter) => (quarter.get(key)?.ms ?? 0) / perQuarter),
        perMessage: monitor.quarters.map((quarter) => (quarter.get(key)?.count ?? 0) / perQuarter),
      }))
      .sort((left, right) => right.msPerMessage[3] - left.msPerMessage[3]);
    report('server ms per message by command, per quarter (first / … / last), and commands per message:');
    for (const row of rows.slice(0, 16)) {
      report(
        `  ${row.key.padEnd(52)} ${row.msPerMessage.map((ms) => ms.toFixed(1).padStart(6)).join(' ')}   ${row.perMessage[3].toFixed(2)}/msg`,
      );
    }
    const collections = await mongoose.connection.db!.listCollections().toArray();
    const sizes = await Promise.all(
      collections.map(
        async ({ name }) => [name, await mongoose.connection.db!.collection(name).estimatedDocumentCount()] as const,
      ),
    );
    report(
      `documents at the end: ${sizes
        .filter(([, count]) => count > 0)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ')}`,
    );
    report(
      JSON.stringify({
        bench: 'chat-latency',
        messages: messageTotal,
        elapsed_s: Math.round(elapsedS),
        median_reply_ms_per_quarter: medians,
        growing_server_ms_per_message: Object.fromEntries(
          rows.slice(0, 6).map((row) => [row.key, row.msPerMessage.map((ms) => Number(ms.toFixed(1)))]),
        ),
      }),
    );
  } finally {
    await chat?.stop().catch(() => undefined);
    await mongoose.disconnect();
    await database.stop();
  }
}
