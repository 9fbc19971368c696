import { Types } from 'mongoose';
import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxDelivery } from '../../../src/outbox/outbox-delivery';
import type { DeliverableMessage, OutboxDeliveryDependencies } from '../../../src/outbox/outbox-delivery';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { ManualClock } from '../../../src/shared/clock';
import { AppError } from '../../../src/shared/errors';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { at, capturingLogger, enqueueNumbered, noAlerts, outboxConfig, t0 } from './outbox-test-support';
import { clearOutbox } from './outbox-test-support';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await clearOutbox();
});

interface Attempt {
  key: string;
  at: Date;
  attempt: number;
}

/** A deliverer whose send fails while `fails(message)` says so, recording every attempt. */
function failingDeliverer(
  clock: ManualClock,
  attempts: Attempt[],
  fails: (message: DeliverableMessage) => boolean,
  overrides: Partial<OutboxDeliveryDependencies> = {},
) {
  return new OutboxDelivery({
    clock,
    // retryBaseMs 1000 with random 0.5: waits of 750, 1500, 3000 … ms.
    config: outboxConfig({ maxAttempts: 3, retryBaseMs: 1000 }),
    logger: capturingLogger().logger,
    processId: 'bot-1',
    random: () => 0.5,
    send: async (message) => {
      attempts.push({ key: message.idempotencyKey, at: clock.now(), attempt: message.attempt });
      if (fails(message)) throw new AppError('CHAT_CONTACT_NOT_FOUND', '找不到联系人 wxid_gone');
    },
    alertAdmins: noAlerts,
    ...overrides,
  });
}

/** Drains every 250 ms of manual time for `durationMs`. */
async function drainFor(clock: ManualClock, delivery: OutboxDelivery, durationMs: number): Promise<void> {
  for (let elapsed = 0; elapsed <= durationMs; elapsed += 250) {
    await delivery.drainOnce();
    clock.advance(250);
  }
}

describe('failed sends', () => {
  test('when a send keeps failing, then it is retried with growing waits, then dead-lettered with one admin alert', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    const alerts: { text: string; message: DeliverableMessage }[] = [];
    const personId = new Types.ObjectId();
    const [entry] = await enqueueNumbered(clock, 'failing', 1, [personId]);
    const delivery = failingDeliverer(clock, attempts, () => true, {
      alertAdmins: async (text, message) => void alerts.push({ text, message }),
    });

    expect(await delivery.drainOnce()).toBe(0);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'pending',
      attempts: 1,
      notBefore: at(750),
      lastError: 'CHAT_CONTACT_NOT_FOUND: 找不到联系人 wxid_gone',
      claimedBy: '',
    });

    await drainFor(clock, delivery, 10_000);

    expect(attempts).toEqual([
      { key: entry.idempotencyKey, at: at(0), attempt: 1 },
      { key: entry.idempotencyKey, at: at(750), attempt: 2 },
      { key: entry.idempotencyKey, at: at(2250), attempt: 3 },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatchObject({ idempotencyKey: entry.idempotencyKey, attempt: 3 });
    expect(alerts[0].text).toContain(entry.idempotencyKey);
    expect(alerts[0].text).toContain(`人员 ${String(personId)}`);
    expect(alerts[0].text).toContain('找不到联系人 wxid_gone');
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'dead',
      attempts: 3,
      deadLetteredAt: at(2250),
      lastError: 'CHAT_CONTACT_NOT_FOUND: 找不到联系人 wxid_gone',
    });
  });

  test('when a send fails once, then the retry delivers it and clears the error', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    const [entry] = await enqueueNumbered(clock, 'flaky', 1);
    const delivery = failingDeliverer(clock, attempts, (message) => message.attempt === 1);

    await drainFor(clock, delivery, 2000);

    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'sent',
      attempts: 2,
      lastError: '',
      sentAt: at(750),
    });
  });

  test('when one recipient fails, then messages to others still go out', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    const people = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    await enqueueNumbered(clock, 'mixed', 6, people);
    const broken = String(people[1]);
    const delivery = failingDeliverer(clock, attempts, (message) => message.recipient.personId === broken);

    expect(await delivery.drainOnce()).toBe(4);
    expect(await OutboxMessageModel.countDocuments({ status: 'sent' })).toBe(4);
    expect(await OutboxMessageModel.countDocuments({ status: 'pending', attempts: 1 })).toBe(2);
  });

  test('when alerting the admins fails, then the message stays dead, the failure is logged and nothing loops', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    const [entry] = await enqueueNumbered(clock, 'alert-fails', 1);
    const { logger, lines } = capturingLogger();
    let alertCalls = 0;
    const delivery = failingDeliverer(clock, attempts, () => true, {
      config: outboxConfig({ maxAttempts: 1 }),
      logger,
      alertAdmins: async () => {
        alertCalls += 1;
        throw new Error('chat is down');
      },
    });

    await drainFor(clock, delivery, 5000);

    expect(alertCalls).toBe(1);
    expect(attempts).toHaveLength(1);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: entry.idempotencyKey }).lean()).toMatchObject({
      status: 'dead',
    });
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([
      'outbox message dead after its last attempt',
      'alerting the admins about a dead outbox message failed; not retried',
    ]);
  });

  test('when an alert to the admins itself dies, then no alert about the alert is raised', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    await new Outbox({ clock }).enqueue([
      { idempotencyKey: 'outbox-dead:x', kind: 'alert', recipient: { roomId: 'admins' }, text: '【消息发送失败】…' },
    ]);
    let alertCalls = 0;
    const delivery = failingDeliverer(clock, attempts, () => true, {
      config: outboxConfig({ maxAttempts: 1 }),
      alertAdmins: async () => void (alertCalls += 1),
    });

    await drainFor(clock, delivery, 1000);

    expect(attempts).toHaveLength(1);
    expect(alertCalls).toBe(0);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: 'outbox-dead:x' }).lean()).toMatchObject({
      status: 'dead',
      kind: 'alert',
    });
  });

  test('when two deliverers meet a failing message, then each attempt is made once and the alert is raised once', async () => {
    const clock = new ManualClock(t0);
    const attempts: Attempt[] = [];
    await enqueueNumbered(clock, 'shared-failure', 20, [new Types.ObjectId(), new Types.ObjectId()]);
    let alertCalls = 0;
    const overrides = { alertAdmins: async () => void (alertCalls += 1) };
    const first = failingDeliverer(clock, attempts, () => true, { ...overrides, processId: 'bot-a' });
    const second = failingDeliverer(clock, attempts, () => true, { ...overrides, processId: 'bot-b' });

    for (let elapsed = 0; elapsed <= 5000; elapsed += 250) {
      await Promise.all([first.drainOnce(), second.drainOnce()]);
      clock.advance(250);
    }

    expect(attempts).toHaveLength(60);
    expect(new Set(attempts.map((attempt) => `${attempt.key}#${attempt.attempt}`)).size).toBe(60);
    expect(alertCalls).toBe(20);
    expect(await OutboxMessageModel.countDocuments({ status: 'dead', attempts: 3 })).toBe(20);
  }, 60_000);
});
