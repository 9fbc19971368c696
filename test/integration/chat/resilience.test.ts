import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  await chat.bind('刘洋');
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

describe('restarts', () => {
  test('when the bot restarts in the middle of draining the outbox, then every message arrives exactly once', async () => {
    const [officer] = await chat.services.people.findPersonByName('刘洋');
    const before = chat.messagesOf('刘洋').length;
    const keys = Array.from({ length: 40 }, (_, index) => `restart-test:${index}`);
    await chat.services.outbox.enqueue(
      keys.map((key, index) => ({
        idempotencyKey: key,
        recipient: { personId: officer.id },
        text: `重启测试消息 ${index}`,
      })),
    );
    await chat.waitFor('刘洋', '重启测试消息', { after: before });
    await chat.restart();
    const receivedBeforeRestart = chat.messagesOf('刘洋').length - before;
    expect(receivedBeforeRestart).toBeLessThan(40);
    // Enqueueing the same keys again after the restart changes nothing: the keys are the identity.
    await chat.services.outbox.enqueue(
      keys.map((key, index) => ({
        idempotencyKey: key,
        recipient: { personId: officer.id },
        text: `重启测试消息 ${index}`,
      })),
    );
    await chat.waitFor('刘洋', '重启测试消息 39', { after: before, timeoutMs: 30_000 });
    await chat.settle();

    const received = chat.messagesOf('刘洋').slice(before);
    for (let index = 0; index < 40; index += 1) {
      expect(received.filter((text) => text === `重启测试消息 ${index}`)).toHaveLength(1);
    }
    const stored = await OutboxMessageModel.find({ idempotencyKey: { $in: keys } }).lean();
    expect(stored).toHaveLength(40);
    expect(stored.every((message) => message.status === 'sent')).toBe(true);
  });

  test('when the puppet delivers the same chat message twice (as reconnects do), then it is answered once', async () => {
    const before = chat.messagesOf('刘洋').length;
    let messageId = '';
    chat.bot.once('message', (message) => {
      messageId = message.id;
    });
    await chat.sayAndWait('刘洋', '我的稿件', '您还没有投过稿');
    chat.bot.puppet.emit('message', { messageId });
    await chat.settle();
    expect(chat.messagesOf('刘洋').slice(before)).toHaveLength(1);
  });
});
