import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxDelivery } from '../../../src/outbox/outbox-delivery';
import type { DeliverableMessage, OutboxDeliveryDependencies } from '../../../src/outbox/outbox-delivery';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { OutboxArchiveModel } from '../../../src/outbox/outbox-archive-model';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase, testDatabaseUri } from '../../support/database';
import {
  capturingLogger,
  countByKey,
  enqueueNumbered,
  noAlerts,
  outboxConfig,
  recordingSend,
  waitFor,
} from './outbox-test-support';
import { clearOutbox } from './outbox-test-support';
import type { RecordedSend } from './outbox-test-support';
import { startKillableProcess } from '../../support/killable-process';

let databaseName = '';

beforeAll(async () => {
  databaseName = await connectTestDatabase();
});
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await clearOutbox();
});

function deliverer(
  clock: ManualClock,
  sends: RecordedSend[],
  processId: string,
  overrides: Partial<OutboxDeliveryDependencies> = {},
) {
  return new OutboxDelivery(
    {
      clock,
      config: outboxConfig(),
      logger: capturingLogger().logger,
      processId,
      send: recordingSend(clock, sends, processId),
      alertAdmins: noAlerts,
      ...overrides,
    },
    { pollIntervalMs: 10 },
  );
}

const statusCounts = async () =>
  Object.fromEntries(
    (
      await OutboxMessageModel.aggregate<{ _id: string; count: number }>([
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ])
    ).map(({ _id, count }) => [_id, count]),
  );

describe('delivering the outbox', () => {
  test('when a message is delivered, then send gets it with its recipient and the message is marked sent', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const personId = new Types.ObjectId();
    const [entry] = await enqueueNumbered(clock, 'one', 1, [personId]);
    const received: DeliverableMessage[] = [];

    const sent = await deliverer(clock, sends, 'bot-1', {
      send: async (message) => void received.push(message),
    }).drainOnce();

    expect(sent).toBe(1);
    expect(received).toEqual([
      {
        id: expect.any(String),
        idempotencyKey: entry.idempotencyKey,
        recipient: { personId: String(personId), roomId: '', contactId: '' },
        text: entry.text,
        file: null,
        attempt: 1,
      },
    ]);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'sent',
      sentAt: clock.now(),
      claimedBy: 'bot-1',
      claimedAt: clock.now(),
      attempts: 1,
      revision: 1,
    });
  });

  test('when a message is scheduled for later, then it waits until its time', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const delivery = deliverer(clock, sends, 'bot-1');
    await new Outbox({ clock }).enqueue([
      {
        idempotencyKey: 'reminder',
        recipient: { roomId: 'room-1' },
        text: '明天截止',
        notBefore: new Date('2026-11-26T02:00:00Z'),
      },
    ]);

    expect(await delivery.drainOnce()).toBe(0);
    clock.set('2026-11-26T02:00:00Z');
    expect(await delivery.drainOnce()).toBe(1);
    expect(sends).toMatchObject([{ key: 'reminder', at: new Date('2026-11-26T02:00:00Z') }]);
  });

  test('when two deliverers drain 200 messages at once, then every message is sent exactly once', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const people = Array.from({ length: 200 }, () => new Types.ObjectId());
    const entries = await enqueueNumbered(clock, 'pair', 200, people);
    // Each send takes a moment, as in a chat, so the two deliverers interleave instead of one trailing the other.
    const first = deliverer(clock, sends, 'bot-a', { send: recordingSend(clock, sends, 'bot-a', 2) });
    const second = deliverer(clock, sends, 'bot-b', { send: recordingSend(clock, sends, 'bot-b', 2) });

    for (let round = 0; round < 20; round += 1) {
      const [byFirst, bySecond] = await Promise.all([first.drainOnce(), second.drainOnce()]);
      if (byFirst + bySecond === 0) break;
    }

    const counts = countByKey(sends);
    expect(counts.size).toBe(entries.length);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(sends.map((send) => send.by))).toEqual(new Set(['bot-a', 'bot-b']));
    expect(await statusCounts()).toEqual({ sent: 200 });
  }, 120_000);

  test('when a deliverer is stopped in the middle of draining and a new one starts, then every message is sent once', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    await enqueueNumbered(clock, 'restart', 100, [new Types.ObjectId(), new Types.ObjectId()]);
    const before = deliverer(clock, sends, 'bot-before', { send: recordingSend(clock, sends, 'bot-before', 3) });

    before.start();
    await waitFor(() => sends.length >= 30);
    await before.stop();
    const sentBeforeStop = sends.length;
    expect(sentBeforeStop).toBeLessThan(100);
    expect(await statusCounts()).toEqual({ sent: sentBeforeStop, pending: 100 - sentBeforeStop });

    const after = deliverer(clock, sends, 'bot-after');
    after.start();
    await waitFor(async () => (await OutboxMessageModel.countDocuments({ status: 'sent' })) === 100);
    await after.stop();

    const counts = countByKey(sends);
    expect(counts.size).toBe(100);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(sends.map((send) => send.by))).toEqual(new Set(['bot-before', 'bot-after']));
  }, 60_000);

  test('when the loop runs, then messages enqueued later are picked up without a call', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const delivery = deliverer(clock, sends, 'bot-1');
    delivery.start();
    await enqueueNumbered(clock, 'late', 3);
    await waitFor(() => sends.length === 3);
    await delivery.stop();
    expect(sends.map((send) => send.key)).toEqual(['late:0', 'late:1', 'late:2']);
  });

  test('when a message is enqueued in the same process, then it is sent at once, not at the next poll', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const outbox = new Outbox({ clock });
    const delivery = new OutboxDelivery(
      {
        clock,
        config: outboxConfig(),
        logger: capturingLogger().logger,
        processId: 'bot-1',
        send: recordingSend(clock, sends, 'bot-1'),
        alertAdmins: noAlerts,
      },
      { pollIntervalMs: 60_000 },
    );
    const stopWaking = outbox.onEnqueued(() => delivery.wake());
    delivery.start();
    await delivery.drainOnce();

    const enqueuedAt = Date.now();
    await outbox.enqueue([{ idempotencyKey: 'woken', recipient: { roomId: 'room-1' }, text: '立即送出' }]);
    await waitFor(() => sends.length === 1, 5_000);
    stopWaking();
    await delivery.stop();

    expect(sends).toMatchObject([{ key: 'woken' }]);
    expect(Date.now() - enqueuedAt).toBeLessThan(5_000);
  });

  test('when a sender hangs past the lease, then another reclaims and sends the message, warning that it may be doubled', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const [entry] = await enqueueNumbered(clock, 'stale', 1);
    let releaseHungSend = () => undefined as void;
    let hung = false;
    const hungLog = capturingLogger();
    const hungDrain = deliverer(clock, sends, 'bot-hung', {
      logger: hungLog.logger,
      send: (message) =>
        new Promise<void>((resolve) => {
          hung = true;
          releaseHungSend = () => {
            sends.push({
              key: message.idempotencyKey,
              at: clock.now(),
              by: 'bot-hung',
              recipient: message.recipient,
              attempt: 1,
            });
            resolve();
          };
        }),
    }).drainOnce();
    await waitFor(() => hung);

    const rescuerLog = capturingLogger();
    const rescuer = deliverer(clock, sends, 'bot-rescuer', { logger: rescuerLog.logger });
    expect(await rescuer.drainOnce()).toBe(0);
    clock.advance(60_000);
    // The first drain after the lease finds the abandoned claim and records the attempt as 'sending'; the next sends.
    expect(await rescuer.drainOnce()).toBe(0);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'sending',
      claimedBy: 'bot-hung',
    });
    expect(await rescuer.drainOnce()).toBe(1);

    expect(rescuerLog.warnings()).toEqual([
      expect.objectContaining({ idempotencyKey: entry.idempotencyKey, abandonedBy: 'bot-hung', attempt: 2 }),
    ]);
    expect(rescuerLog.warnings()[0].msg).toContain('may be delivered twice');
    const afterRescue = await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean();
    expect(afterRescue).toMatchObject({ status: 'sent', claimedBy: 'bot-rescuer', attempts: 2, sentAt: clock.now() });

    releaseHungSend();
    expect(await hungDrain).toBe(1);
    expect(hungLog.warnings()).toEqual([expect.objectContaining({ idempotencyKey: entry.idempotencyKey })]);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'sent',
      claimedBy: 'bot-rescuer',
      revision: afterRescue?.revision,
    });
    expect(sends.map((send) => send.by)).toEqual(['bot-rescuer', 'bot-hung']);
  });

  test('when a message was abandoned in sending on its last attempt, then it is dead and the admins are alerted once', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const sends: RecordedSend[] = [];
    const [entry] = await enqueueNumbered(clock, 'poison', 1);
    const config = outboxConfig({ maxAttempts: 1 });
    let hung = false;
    void deliverer(clock, sends, 'bot-crashing', {
      config,
      send: () => new Promise<void>(() => void (hung = true)),
    }).drainOnce();
    await waitFor(() => hung);

    const alerts: string[] = [];
    const rescuer = deliverer(clock, sends, 'bot-rescuer', {
      config,
      alertAdmins: async (text) => void alerts.push(text),
    });
    clock.advance(60_000);
    expect(await rescuer.drainOnce()).toBe(0);
    expect(await rescuer.drainOnce()).toBe(0);

    expect(sends).toEqual([]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(entry.idempotencyKey);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'dead',
      deadLetteredAt: clock.now(),
      lastError: expect.stringContaining('bot-crashing'),
    });
  });
});

function startDeliveryProcess(sendLog: string, processId: string) {
  return startKillableProcess('test/integration/outbox/outbox-delivery-child.ts', [
    testDatabaseUri(),
    databaseName,
    sendLog,
    processId,
  ]);
}

describe('delivering the outbox across real process crashes', () => {
  test('when delivery processes are killed mid-drain, then every message arrives and only an in-flight one may arrive twice, with a warning', async () => {
    const sendLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-outbox-')), 'sends.log');
    fs.writeFileSync(sendLog, '');
    const clock = new ManualClock(new Date());
    await enqueueNumbered(clock, 'crash', 400, [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()]);
    const sentSoFar = () => fs.readFileSync(sendLog, 'utf8').split('\n').filter(Boolean).length;

    const kills = 3;
    for (let round = 0; round < kills; round += 1) {
      const deliveryProcess = startDeliveryProcess(sendLog, `child-${round}`);
      await deliveryProcess.ready;
      const target = sentSoFar() + 40;
      await waitFor(() => sentSoFar() >= target, 30_000);
      deliveryProcess.child.kill('SIGKILL');
      expect(await deliveryProcess.exited).toMatchObject({ signal: 'SIGKILL', stderr: '' });
    }
    expect(sentSoFar()).toBeLessThan(400);

    // The survivor starts after the lease of the killed processes' claims has run out.
    clock.set(new Date(Date.now() + 61_000));
    const survivorLog = capturingLogger();
    const survivor = new OutboxDelivery({
      clock,
      config: outboxConfig(),
      logger: survivorLog.logger,
      processId: 'survivor',
      send: async (message) => fs.appendFileSync(sendLog, `${message.idempotencyKey}\n`),
      alertAdmins: noAlerts,
    });
    for (
      let round = 0;
      round < 10 && (await OutboxMessageModel.countDocuments({ status: { $ne: 'sent' } })) > 0;
      round += 1
    ) {
      await survivor.drainOnce();
    }

    // Messages sent longer ago than the rate limits look back have moved to the archive meanwhile.
    const live = await statusCounts();
    expect(Object.keys(live).filter((status) => status !== 'sent')).toEqual([]);
    expect((live.sent ?? 0) + (await OutboxArchiveModel.countDocuments({ status: 'sent' }))).toBe(400);
    const counts = new Map<string, number>();
    for (const key of fs.readFileSync(sendLog, 'utf8').split('\n').filter(Boolean)) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(400);
    const doubled = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
    expect([...counts.values()].every((count) => count <= 2)).toBe(true);
    expect(doubled.length).toBeLessThanOrEqual(kills);
    const warnedKeys = survivorLog.warnings().map((line) => line.idempotencyKey);
    expect(warnedKeys).toEqual(expect.arrayContaining(doubled));
    expect(warnedKeys.length).toBeLessThanOrEqual(kills);
  }, 180_000);
});
