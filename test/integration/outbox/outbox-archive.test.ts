import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxDelivery } from '../../../src/outbox/outbox-delivery';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { OutboxArchiveModel, OutboxSentKeyModel } from '../../../src/outbox/outbox-archive-model';
import { RevisionClaimModel } from '../../../src/shared/claimed-write';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import {
  capturingLogger,
  clearOutbox,
  countByKey,
  enqueueNumbered,
  noAlerts,
  outboxConfig,
  recordingSend,
  t0,
} from './outbox-test-support';
import type { RecordedSend } from './outbox-test-support';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(clearOutbox);

/** By default 20 per minute, archiving on every drain. */
function deliverer(
  clock: ManualClock,
  sends: RecordedSend[],
  logger = capturingLogger().logger,
  options: { perMinuteLimit?: number; archiveIntervalMs?: number } = {},
) {
  return new OutboxDelivery(
    {
      clock,
      config: outboxConfig({ perMinuteLimit: options.perMinuteLimit ?? 20 }),
      logger,
      processId: 'bot-1',
      send: recordingSend(clock, sends, 'bot-1'),
      alertAdmins: noAlerts,
    },
    { archiveIntervalMs: options.archiveIntervalMs ?? 0 },
  );
}

describe('keeping the live outbox small', () => {
  test('when sent messages are older than the rate limits window, then the next drain moves them to the archive with their claims gone', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    await enqueueNumbered(clock, 'archive', 5);
    const delivery = deliverer(clock, sends);
    await delivery.drainOnce();
    expect(await OutboxMessageModel.countDocuments({ status: 'sent' })).toBe(5);

    clock.advance(30_000);
    await delivery.drainOnce();
    expect(await OutboxMessageModel.countDocuments({})).toBe(5);

    clock.advance(60_000);
    await delivery.drainOnce();

    expect(await OutboxMessageModel.countDocuments({})).toBe(0);
    const archived = await OutboxArchiveModel.find({}).sort({ idempotencyKey: 1 }).lean();
    expect(archived.map((message) => [message.idempotencyKey, message.status, message.attempts])).toEqual(
      Array.from({ length: 5 }, (_, index) => [`archive:${index}`, 'sent', 1]),
    );
    expect(await RevisionClaimModel.countDocuments({ _id: /^OutboxMessage:/ })).toBe(0);
    expect(await OutboxSentKeyModel.countDocuments({})).toBe(5);
  });

  test('when there is no per-minute limit and messages go out fast, then they leave the live outbox after 100 sends, well before the archive interval', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    await enqueueNumbered(clock, 'fast', 150);
    // The default archive interval (10 s): only the 100 sends make this drain archive.
    const delivery = deliverer(clock, sends, undefined, { perMinuteLimit: 0, archiveIntervalMs: 10_000 });
    expect(await delivery.drainOnce()).toBe(150);
    expect(await OutboxMessageModel.countDocuments({ status: 'sent' })).toBe(150);

    clock.advance(1);
    await delivery.drainOnce();

    expect(await OutboxMessageModel.countDocuments({})).toBe(0);
    expect(await OutboxArchiveModel.countDocuments({ idempotencyKey: /^fast:/ })).toBe(150);
    expect(countByKey(sends).size).toBe(150);
  });

  test('when a key sent and archived is enqueued again, then it is not sent again and leaves the live outbox', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const { logger, lines } = capturingLogger();
    const [entry] = await enqueueNumbered(clock, 'once', 1);
    const delivery = deliverer(clock, sends, logger);
    await delivery.drainOnce();
    clock.advance(120_000);
    await delivery.drainOnce();
    expect(await OutboxArchiveModel.countDocuments({ idempotencyKey: entry.idempotencyKey })).toBe(1);

    await new Outbox({ clock }).enqueue([entry]);
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: entry.idempotencyKey })).toBe(1);
    const sentAgain = await delivery.drainOnce();

    expect(sentAgain).toBe(0);
    expect(countByKey(sends).get(entry.idempotencyKey)).toBe(1);
    expect(await OutboxMessageModel.countDocuments({})).toBe(0);
    expect(await RevisionClaimModel.countDocuments({ _id: /^OutboxMessage:/ })).toBe(0);
    expect(lines.some((line) => line.msg.includes('was enqueued again after it was sent; not sent again'))).toBe(true);
  });

  test('when a send fails and is retried, then the retry goes: the key is held by the same message', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    const [entry] = await enqueueNumbered(clock, 'retry', 1);
    let failures = 1;
    const record = recordingSend(clock, sends, 'bot-1');
    const delivery = new OutboxDelivery({
      clock,
      config: outboxConfig(),
      logger: capturingLogger().logger,
      processId: 'bot-1',
      send: async (message) => {
        if (failures-- > 0) throw new Error('chat not ready');
        await record(message);
      },
      alertAdmins: noAlerts,
    });
    await delivery.drainOnce();
    clock.advance(10_000);
    await delivery.drainOnce();

    expect(sends.map((send) => [send.key, send.attempt])).toEqual([[entry.idempotencyKey, 2]]);
  });

  test('when the nightly prune runs, then archived messages sent before the cut-off are deleted and the sent keys kept', async () => {
    const clock = new ManualClock(t0);
    const sends: RecordedSend[] = [];
    await enqueueNumbered(clock, 'old', 3);
    await deliverer(clock, sends).drainOnce();
    clock.advance(31 * 86_400_000);
    await enqueueNumbered(clock, 'new', 2);
    await deliverer(clock, sends).drainOnce();

    const pruned = await new Outbox({ clock }).pruneSent(new Date(clock.now().getTime() - 30 * 86_400_000));

    expect(pruned).toBe(3);
    expect(await OutboxArchiveModel.countDocuments({})).toBe(0);
    expect(await OutboxMessageModel.countDocuments({ status: 'sent' })).toBe(2);
    expect(await OutboxSentKeyModel.countDocuments({})).toBe(5);
  });
});
