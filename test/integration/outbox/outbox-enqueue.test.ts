import { Types } from 'mongoose';
import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { ManualClock } from '../../../src/shared/clock';
import { ValidationError } from '../../../src/shared/errors';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { clearOutbox } from './outbox-test-support';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const outbox = new Outbox({ clock });

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await clearOutbox();
});

describe('enqueueing outbox messages', () => {
  test('when one key is enqueued twice, then one message is stored, pending, with its recipient and time', async () => {
    const personId = new Types.ObjectId();
    const entry = { idempotencyKey: 'draft:K7Q2:request:1', recipient: { personId }, text: '请审核稿件 #K7Q2' };

    await outbox.enqueue([entry]);
    await outbox.enqueue([{ ...entry, text: '第二次入队' }]);

    const stored = await OutboxMessageModel.find({ idempotencyKey: entry.idempotencyKey }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      text: '请审核稿件 #K7Q2',
      status: 'pending',
      kind: 'notice',
      attempts: 0,
      revision: 0,
      recipientKey: `person:${String(personId)}`,
      notBefore: clock.now(),
      createdAt: clock.now(),
    });
    expect(String(stored[0].recipient.personId)).toBe(String(personId));
  });

  test('when a batch repeats some keys, then the new ones are stored and the known ones skipped', async () => {
    const roomId = 'room-42';
    await outbox.enqueue([{ idempotencyKey: 'a', recipient: { roomId }, text: '一' }]);
    await outbox.enqueue([
      { idempotencyKey: 'a', recipient: { roomId }, text: '一（重复）' },
      { idempotencyKey: 'b', recipient: { roomId }, text: '二' },
      { idempotencyKey: 'b', recipient: { roomId }, text: '二（同批重复）' },
      { idempotencyKey: 'c', recipient: { personId: String(new Types.ObjectId()) }, text: '三' },
      { idempotencyKey: 'd', recipient: { contactId: 'wxid_unbound' }, text: '请先绑定' },
    ]);

    const stored = await OutboxMessageModel.find({}).sort({ idempotencyKey: 1 }).lean();
    expect(stored.map((message) => [message.idempotencyKey, message.text])).toEqual([
      ['a', '一'],
      ['b', '二'],
      ['c', '三'],
      ['d', '请先绑定'],
    ]);
    expect(stored.map((message) => message.recipientKey.split(':')[0])).toEqual(['room', 'room', 'person', 'contact']);
  });

  test('when a reminder is scheduled, then it keeps its time', async () => {
    const notBefore = new Date('2026-11-27T00:30:00Z');
    await outbox.enqueue([
      { idempotencyKey: 'reminder:1', recipient: { personId: new Types.ObjectId() }, text: '提醒', notBefore },
    ]);
    expect(await OutboxMessageModel.findOne({ idempotencyKey: 'reminder:1' }).lean()).toMatchObject({ notBefore });
  });

  test('when an entry has no recipient or no text, then nothing of the batch is stored', async () => {
    const good = { idempotencyKey: 'good', recipient: { roomId: 'r' }, text: '好' };
    await expect(
      outbox.enqueue([good, { idempotencyKey: 'x', recipient: {}, text: '无收件人' }]),
    ).rejects.toMatchObject({ code: 'OUTBOX_RECIPIENT_MISSING' });
    await expect(outbox.enqueue([good, { idempotencyKey: 'y', recipient: { roomId: 'r' }, text: '' }])).rejects.toThrow(
      ValidationError,
    );
    await expect(
      outbox.enqueue([{ idempotencyKey: 'z', recipient: { personId: 'not-an-id' }, text: '文' }]),
    ).rejects.toMatchObject({ code: 'OUTBOX_RECIPIENT_INVALID', status: 400 });
    expect(await OutboxMessageModel.countDocuments()).toBe(0);
  });

  test('when 500 messages are enqueued in one call, then all are stored', async () => {
    const entries = Array.from({ length: 500 }, (_, index) => ({
      idempotencyKey: `bulk:${index}`,
      recipient: { roomId: `room-${index % 7}` },
      text: `批量${index}`,
    }));
    await outbox.enqueue(entries);
    await outbox.enqueue(entries);
    expect(await OutboxMessageModel.countDocuments()).toBe(500);
  });
});
