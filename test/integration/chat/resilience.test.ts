import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, provider, standIn, storedDraft } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { OutboxArchiveModel } from '../../../src/outbox/outbox-archive-model';
import { WecomChat } from '../../../bot/wecom/wecom-chat';

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
    // Sent messages move to the archive once no rate limit counts them any more.
    const stored = [
      ...(await OutboxMessageModel.find({ idempotencyKey: { $in: keys } }).lean()),
      ...(await OutboxArchiveModel.find({ idempotencyKey: { $in: keys } }).lean()),
    ];
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

  test('when the bot process died while handling submissions, then after the restart each is handled once', async () => {
    await chat.bind('孙丽');
    const officer = chat.contact('刘洋');
    const submission = (id: string, title: string) => ({
      id,
      contactId: officer.id,
      contactName: '刘洋',
      roomId: '',
      text: `投稿 ${title}\n汛期值班安排如下。`,
      receivedAt: new Date().toISOString(),
    });
    // One died after the draft was stored and people were told, before it could note the handling done.
    const [person] = await chat.services.people.findPersonByName('刘洋');
    await chat.services.drafts.submitDraft(
      { personId: person.id, via: 'test' },
      { title: '中断后重做的投稿', body: '汛期值班安排如下。', submissionKey: `${provider}:cut-after-draft` },
    );
    await chat.waitFor('孙丽', '《中断后重做的投稿》');
    chat.leaveInFlight(submission('cut-after-draft', '中断后重做的投稿'));
    // The other died as soon as its message came in.
    chat.leaveInFlight(submission('cut-at-start', '刚收到就中断的投稿'));

    await chat.restart();
    await chat.waitFor('孙丽', '《刚收到就中断的投稿》');
    await chat.settle();

    for (const title of ['中断后重做的投稿', '刚收到就中断的投稿']) {
      expect(await DraftModel.countDocuments({ 'versions.title': title })).toBe(1);
      const requests = chat
        .messagesOf('孙丽')
        .filter((text) => text.startsWith('【待审核】') && text.includes(`《${title}》`));
      expect(requests).toHaveLength(1);
      const receipts = chat
        .messagesOf('刘洋')
        .filter((text) => text.startsWith('已收到投稿') && text.includes(`《${title}》`));
      expect(receipts).toHaveLength(1);
    }
  });

  test('when the step-1 approver, standing in for step 2, answers the step-1 request again after a restart, then it is refused as handled and step 2 still waits', async () => {
    // Issue 21: over WeCom the answer is a second click on the step-1 card, which the restarted bot
    // has never seen; over puppet-mock it is a reply quoting the step-1 request.
    for (const name of ['孙丽', '赵海涛']) {
      const bound = await chat.services.people.findPersonByChatIdentity(provider, chat.contact(name).id);
      if (!bound) await chat.bind(name);
    }
    const delegation = await standIn(chat, '赵海涛', '孙丽');
    const code =
      /#([A-Z2-9]{4})/.exec(await chat.sayAndWait('刘洋', '投稿 重启后再点卡片\n正文', '已收到投稿'))?.[1] ?? '';
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    const card = chat instanceof WecomChat ? chat.cardFor('孙丽', code) : null;
    const answerStepOne = async () => {
      if (chat instanceof WecomChat && card) await chat.clickCard('孙丽', card, '同意');
      else chat.say('孙丽', `「审发：${request}」\n- - - - - - - - - - - - - - -\n同意`);
    };
    let before = chat.messagesOf('孙丽').length;
    await answerStepOne();
    await chat.waitFor('孙丽', new RegExp(`已记录：孙丽.* 同意 #${code}.* 第1/2步`), { after: before });
    await chat.waitFor('赵海涛', `【待审核】#${code}`);

    await chat.restart();
    // A second click within the same second would be WeCom's retry of the first (same event time).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stored = await storedDraft(code);
    const othersBefore = [chat.messagesOf('刘洋').length, chat.messagesOf('赵海涛').length];
    before = chat.messagesOf('孙丽').length;
    await answerStepOne();
    const refusal = await chat.waitFor('孙丽', '已处理', { after: before });
    expect(refusal).toBe(`稿件 #${code} 第1步已处理，本次操作未生效。发送“查看 ${code}”可看审核进度。`);
    await chat.settle();

    const { draft, events } = await storedDraft(code);
    expect(draft).toMatchObject({ status: 'in_review', currentStepIndex: 1, revision: stored.draft?.revision });
    expect(draft?.steps[1].decisions).toHaveLength(0);
    expect(events).toBe(stored.events);
    expect(chat.messagesOf('孙丽').slice(before)).toEqual([refusal]);
    expect([chat.messagesOf('刘洋').length, chat.messagesOf('赵海涛').length]).toEqual(othersBefore);
    if (chat instanceof WecomChat) {
      expect(chat.fake.cardUpdates.at(-1)).toMatchObject({ userids: [chat.contact('孙丽').id], replaceName: '已处理' });
    }
    await delegation.end();
  });
});
