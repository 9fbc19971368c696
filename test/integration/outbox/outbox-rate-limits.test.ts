import { Types } from 'mongoose';
import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxDelivery } from '../../../src/outbox/outbox-delivery';
import type { OutboxDeliveryDependencies } from '../../../src/outbox/outbox-delivery';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { ManualClock } from '../../../src/shared/clock';
import type { OutboxConfig } from '../../../src/shared/config';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { at, capturingLogger, enqueueNumbered, noAlerts, outboxConfig, recordingSend, t0 } from './outbox-test-support';
import { clearOutbox } from './outbox-test-support';
import type { RecordedSend } from './outbox-test-support';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await clearOutbox();
});

const since = (send: RecordedSend) => send.at.getTime() - t0.getTime();

function pacedDeliverer(
  clock: ManualClock,
  sends: RecordedSend[],
  config: Partial<OutboxConfig>,
  overrides: Partial<OutboxDeliveryDependencies> = {},
) {
  return new OutboxDelivery({
    clock,
    config: outboxConfig(config),
    logger: capturingLogger().logger,
    processId: 'bot-1',
    send: recordingSend(clock, sends, 'bot-1'),
    alertAdmins: noAlerts,
    ...overrides,
  });
}

/** Drains every `stepMs` of manual time until `count` sends were made (or `limitMs` passed). */
async function drainUntil(
  clock: ManualClock,
  delivery: OutboxDelivery,
  sends: RecordedSend[],
  count: number,
  stepMs: number,
  limitMs = 600_000,
) {
  for (let elapsed = 0; sends.length < count && elapsed <= limitMs; elapsed += stepMs) {
    await delivery.drainOnce();
    clock.advance(stepMs);
  }
}

/** The most sends in any 60 s window (t - 60 s, t]. */
function busiestMinute(sends: RecordedSend[]): number {
  const times = sends.map((send) => send.at.getTime());
  return Math.max(...times.map((end) => times.filter((time) => time > end - 60_000 && time <= end).length));
}

describe('rate limits', () => {
  test('when one chat has several messages, then they go out in order, the interval plus jitter apart, while other chats are not held up', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const person = new Types.ObjectId();
    const other = new Types.ObjectId();
    await enqueueNumbered(clock, 'busy', 4, [person]);
    await enqueueNumbered(clock, 'quiet', 1, [other]);
    await new Outbox({ clock }).enqueue([{ idempotencyKey: 'room', recipient: { roomId: 'room-1' }, text: '群通知' }]);
    // random 0.5 draws a jitter of 400 ms: each message to the same chat waits 1,900 ms after the last.
    const delivery = pacedDeliverer(clock, sends, { perContactIntervalMs: 1500, jitterMs: 800 }, { random: () => 0.5 });

    await drainUntil(clock, delivery, sends, 6, 100);

    expect(
      sends.filter((send) => send.recipient.personId === String(person)).map((send) => [send.key, since(send)]),
    ).toEqual([
      ['busy:0', 0],
      ['busy:1', 1900],
      ['busy:2', 3800],
      ['busy:3', 5700],
    ]);
    expect(sends.filter((send) => send.key === 'quiet:0' || send.key === 'room').map(since)).toEqual([0, 0]);
  });

  test('when the jitter is random, then every gap in one chat lies between the interval and the interval plus the jitter', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    await enqueueNumbered(clock, 'random', 8, [new Types.ObjectId()]);
    const delivery = pacedDeliverer(clock, sends, { perContactIntervalMs: 1500, jitterMs: 800 });

    await drainUntil(clock, delivery, sends, 8, 50);

    const gaps = sends.slice(1).map((send, index) => send.at.getTime() - sends[index].at.getTime());
    expect(gaps).toHaveLength(7);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(1500);
      expect(gap).toBeLessThanOrEqual(1500 + 800 + 50);
    }
    const stored = await OutboxMessageModel.find({}, { sendJitterMs: 1 }).lean();
    expect(stored.every((message) => message.sendJitterMs >= 0 && message.sendJitterMs <= 800)).toBe(true);
  });

  test('when more messages are due than the minute allows, then no 60 s window holds more than the limit', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const people = Array.from({ length: 12 }, () => new Types.ObjectId());
    await enqueueNumbered(clock, 'burst', 12, people);
    const delivery = pacedDeliverer(clock, sends, { perMinuteLimit: 5 });

    await drainUntil(clock, delivery, sends, 12, 7000);

    expect(sends).toHaveLength(12);
    expect(busiestMinute(sends)).toBe(5);
    expect(sends.map(since)).toEqual([0, 0, 0, 0, 0, 63_000, 63_000, 63_000, 63_000, 63_000, 126_000, 126_000]);
  });

  test('when a deliverer restarts, then the sends of the old one still count against both limits', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const person = new Types.ObjectId();
    const config = { perMinuteLimit: 3, perContactIntervalMs: 5000 };
    await enqueueNumbered(clock, 'before', 3, [person, new Types.ObjectId(), new Types.ObjectId()]);
    expect(await pacedDeliverer(clock, sends, config).drainOnce()).toBe(3);

    await enqueueNumbered(clock, 'after', 1, [person]);
    await enqueueNumbered(clock, 'after-other', 1, [new Types.ObjectId()]);
    const restarted = pacedDeliverer(clock, sends, config);
    clock.set(at(4000));
    expect(await restarted.drainOnce()).toBe(0);
    clock.set(at(59_999));
    expect(await restarted.drainOnce()).toBe(0);
    clock.set(at(60_000));
    expect(await restarted.drainOnce()).toBe(2);
    expect(sends.map((send) => [send.key, since(send)])).toEqual([
      ['before:0', 0],
      ['before:1', 0],
      ['before:2', 0],
      ['after:0', 60_000],
      ['after-other:0', 60_000],
    ]);
  });

  test('when a message is held up only by its chat interval, then a restarted deliverer sends it once the interval passed', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const person = new Types.ObjectId();
    const config = { perContactIntervalMs: 1500 };
    await enqueueNumbered(clock, 'chat', 2, [person]);
    expect(await pacedDeliverer(clock, sends, config).drainOnce()).toBe(1);

    const restarted = pacedDeliverer(clock, sends, config);
    clock.set(at(1499));
    expect(await restarted.drainOnce()).toBe(0);
    clock.set(at(1500));
    expect(await restarted.drainOnce()).toBe(1);
    expect(sends.map(since)).toEqual([0, 1500]);
  });
});
