/**
 * The database goes away for 10 s while an officer writes to the bot: the message is kept, the
 * officer is told, and it is handled once the database is back. This file runs its own FerretDB on a
 * fixed port so it can stop and restart it without touching the other test files' server.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedFerretDb } from '../../../src/shared/embedded-ferretdb';
import type { EmbeddedServer } from '../../../src/shared/embedded-ferretdb';
import { connectDatabase, ensureIndexes } from '../../../src/shared/database';
import '../../../src/models';
import { ChatHarness } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-outage-'));
let port = 0;
let server: EmbeddedServer;
let chat: ChatHarness;

const startServer = () =>
  startEmbeddedFerretDb({ binary: '.tools/bin/ferretdb', dataDir, startTimeoutMs: 30_000, port });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  await connectDatabase(server.uri, { dbName: 'shenfa_outage', serverSelectionTimeoutMs: 1500 });
  await ensureIndexes();
  chat = await ChatHarness.start();
  await chat.bind('刘洋');
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await mongoose.disconnect();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('when the database is unavailable for 10 s, then a submission is kept, the officer told, and handled when it returns', async () => {
  await server.stop();
  const before = chat.messagesOf('刘洋').length;
  chat.say('刘洋', '投稿 断网期间的投稿\n数据库停机时提交的稿件。');
  await chat.waitFor('刘洋', '消息已暂存', { after: before, timeoutMs: 20_000 });
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  expect(
    chat
      .messagesOf('刘洋')
      .slice(before)
      .some((text) => text.includes('已收到投稿')),
  ).toBe(false);

  server = await startServer();
  // The driver's reconnect and the spool's next drain (every 5 s) take longer on a loaded CI machine.
  const receipt = await chat.waitFor('刘洋', '已收到投稿', { after: before, timeoutMs: 60_000 });
  expect(receipt).toContain('断网期间的投稿');
  expect(await DraftModel.countDocuments({ 'versions.title': '断网期间的投稿' })).toBe(1);
}, 120_000);
