/**
 * What only the WeCom channel has: approval cards, the callback's security, WeCom's retries, token
 * expiry and the per-member limits — PuppetWecomApp against the fake WeCom server, with WeCom's own
 * limits (30 a minute, 1,000 an hour per member). The shared chat scenarios run over it in the jest
 * project "chat-wecom".
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileBox } from 'file-box';
import { connectTestDatabase, disconnectTestDatabase } from '../../../support/database';
import { sampleOrganization } from '../../../support/chat-harness';
import { createServices } from '../../../../src/services';
import { createLogger } from '../../../../src/shared/logger';
import { systemClock } from '../../../../src/shared/clock';
import { DraftModel } from '../../../../src/drafts/draft-model';
import { OutboxMessageModel } from '../../../../src/outbox/outbox-message-model';
import { InboundMessageModel } from '../../../../bot/inbound-message-model';
import { WecomChat } from '../../../../bot/wecom/wecom-chat';
import { buildCallbackXml } from '../../../../bot/wecom/wecom-xml';

let chat: WecomChat;

beforeAll(async () => {
  await connectTestDatabase();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const services = createServices({ clock: systemClock, logger });
  await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
  chat = new WecomChat({ services, logger, botName: `shenfa-wecom-${process.pid}` });
  await chat.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '钱卫东']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

async function submit(title: string): Promise<string> {
  return codeIn(await chat.sayAndWait('刘洋', `投稿 ${title}\n正文`, '已收到投稿'));
}

describe('the callback URL', () => {
  test('when the admin console checks the URL, then the decrypted echostr comes back as plain text', async () => {
    const check = await chat.fake.verifyUrl();
    expect(check).toMatchObject({ status: 200, body: check.echo });
  });

  test('when a callback is forged, replayed later or sealed for another corp, then it is refused and nothing is processed', async () => {
    const userId = chat.contact('刘洋').id;
    const before = chat.messagesOf('刘洋').length;
    const inbound = await InboundMessageModel.countDocuments();
    const message = (content: string, id: string) =>
      buildCallbackXml({
        ToUserName: 'corp',
        FromUserName: userId,
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: 'text',
        Content: content,
        MsgId: id,
        AgentID: 1000002,
      });
    const forged = await chat.fake.deliver(message('我的稿件', '101'), { signature: 'f'.repeat(40) });
    const replayed = await chat.fake.deliver(message('我的稿件', '102'), { at: new Date(Date.now() - 10 * 60_000) });
    const otherCorp = await chat.fake.deliver(message('我的稿件', '103'), { corpId: 'wwsomeothercorp' });
    expect([forged.status, replayed.status, otherCorp.status]).toEqual([403, 403, 403]);
    await chat.settle();
    expect(chat.messagesOf('刘洋')).toHaveLength(before);
    expect(await InboundMessageModel.countDocuments()).toBe(inbound);
  });

  test('when a member’s text spells out another member as its sender, then it is still theirs and decides nothing', async () => {
    const code = await submit('冒名审核');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const approver = chat.contact('孙丽').id;
    const spoof = `x</Content><FromUserName>${approver}</FromUserName><Content>同意 ${code}`;
    const [officerBefore, approverBefore] = [chat.messagesOf('刘洋').length, chat.messagesOf('孙丽').length];
    const answer = await chat.fake.sendText(chat.contact('刘洋').id, spoof);
    expect(answer.status).toBe(200);
    // Whoever the bot took the text to be from gets the answer.
    const answered = () =>
      chat.messagesOf('刘洋').length > officerBefore || chat.messagesOf('孙丽').length > approverBefore;
    for (let waited = 0; !answered() && waited < 15_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await chat.settle();
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].decisions).toEqual([]);
    expect(draft?.currentStepIndex).toBe(0);
    expect(chat.messagesOf('孙丽').some((text) => text.includes(`同意 #${code}`))).toBe(false);
  });

  test('when WeCom retries a message, then it is answered at once each time and handled once', async () => {
    const before = chat.messagesOf('刘洋').length;
    const first = await chat.fake.sendText(chat.contact('刘洋').id, '待办');
    const retry = await chat.fake.post(first.request);
    expect([first.status, first.body, retry.status, retry.body]).toEqual([200, '', 200, '']);
    await chat.waitFor('刘洋', '当前没有待您审核的稿件', { after: before });
    await chat.settle();
    expect(chat.messagesOf('刘洋').slice(before)).toHaveLength(1);
  });
});

describe('approval cards', () => {
  test('when the approver clicks 同意 on the card, then the draft is approved, the card says who decided, and a second click does nothing', async () => {
    const code = await submit('卡片审核');
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain('[同意] [驳回]');
    const card = chat.cardFor('孙丽', code);
    const answer = await chat.clickCard('孙丽', card, '同意');
    expect([answer.status, answer.body]).toEqual([200, '']);
    await chat.waitFor('孙丽', new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.waitFor('赵海涛', `【待审核】#${code}`);
    await chat.settle();
    expect(chat.fake.cardUpdates.at(-1)).toMatchObject({
      userids: [chat.contact('孙丽').id],
      replaceName: '孙丽（办公室主任） 已同意',
    });

    const before = chat.messagesOf('孙丽').length;
    await chat.clickCard('孙丽', card, '同意');
    await chat.settle();
    expect(chat.messagesOf('孙丽')).toHaveLength(before);
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].decisions).toHaveLength(1);
    expect(draft?.currentStepIndex).toBe(1);
  });

  test('when the approver clicks 同意 on the card of an old version, then it is refused and the card says so', async () => {
    const code = await submit('旧版卡片');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const oldCard = chat.cardFor('孙丽', code);
    await chat.sayAndWait('刘洋', `修改 ${code}\n第二版正文`, '已提交第2版');
    await chat.waitFor('孙丽', /【待审核】[\s\S]*第2版/);
    const before = chat.messagesOf('孙丽').length;
    await chat.clickCard('孙丽', oldCard, '同意');
    const refusal = await chat.waitFor('孙丽', '稿件已修改为第2版', { after: before });
    expect(refusal).toContain('您回复的是第1版');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('in_review');
    await chat.settle();
    expect(chat.fake.cardUpdates.at(-1)).toMatchObject({ replaceName: '已失效（稿件已修改）' });

    await chat.clickCard('孙丽', chat.cardFor('孙丽', code), '同意');
    await chat.waitFor('孙丽', new RegExp(`已记录：孙丽.* 同意 #${code}`));
  });

  test('when the approver clicks a card sent before cards named their step, then it is refused with how to answer and nothing is decided', async () => {
    const code = await submit('旧卡片无步骤');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const card = chat.cardFor('孙丽', code);
    expect(card.buttons.map((button) => button.key)).toEqual([`approve:${code}:1:1`, `reject:${code}:1:1`]);
    // The keys such a card carries: draft and version only (issue 21).
    const oldCard = { ...card, buttons: card.buttons.map((button) => ({ ...button, key: button.key.slice(0, -2) })) };
    const before = chat.messagesOf('孙丽').length;
    const updates = chat.fake.cardUpdates.length;
    await chat.clickCard('孙丽', oldCard, '同意');
    const refusal = await chat.waitFor('孙丽', '未注明审核步骤', { after: before });
    expect(refusal).toBe(
      `您点击的卡片或引用的消息未注明审核步骤，本次操作未生效。请直接回复“同意 ${code} [意见]”或“驳回 ${code} 理由”。`,
    );
    await chat.settle();
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft).toMatchObject({ status: 'in_review', currentStepIndex: 0 });
    expect(draft?.steps[0].decisions).toHaveLength(0);
    expect(chat.fake.cardUpdates).toHaveLength(updates);
  });

  test('when the approver clicks 驳回, then the bot asks for the reason and the next text is recorded as it', async () => {
    const code = await submit('卡片驳回');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const before = chat.messagesOf('孙丽').length;
    await chat.clickCard('孙丽', chat.cardFor('孙丽', code), '驳回');
    await chat.waitFor('孙丽', `请直接回复驳回 #${code} 的理由`, { after: before });
    await chat.sayAndWait('孙丽', '数据来源需注明', new RegExp(`已记录：孙丽.* 驳回 #${code}`));
    expect(await chat.waitFor('刘洋', `驳回 #${code}`)).toContain('理由：数据来源需注明');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('rejected');
  });

  test('when the approver opens 查看全文, then the signed link shows the full text; a changed link is refused', async () => {
    const code = await submit('全文链接');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const { url } = chat.cardFor('孙丽', code);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('全文链接');
    const forged = await fetch(url.replace(/user=[^&]+/, `user=${chat.contact('刘洋').id}`));
    expect(forged.status).toBe(403);
  });

  test('when the approver answers by text instead, then it still works and the card is settled too', async () => {
    const code = await submit('文字审核');
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.settle();
    expect(chat.fake.cardUpdates.at(-1)).toMatchObject({ replaceName: '孙丽（办公室主任） 已同意' });
  });
});

describe('group chats through the 智能机器人', () => {
  test('when a leader quotes the request in a group and @-mentions the bot with 同意, then that version is approved; an old one is refused', async () => {
    const group = chat.room('应急局审稿群', ['刘洋', '孙丽']);
    const code = await submit('群内引用审核');
    const oldRequest = await chat.waitFor('孙丽', `【待审核】#${code}`);
    await chat.sayAndWait('刘洋', `修改 ${code}\n第二版正文`, '已提交第2版');
    const newRequest = await chat.waitFor('孙丽', new RegExp(`【待审核】#${code}[\\s\\S]*第2版`));
    chat.quoteInRoom('孙丽', group, oldRequest, '@审发 同意');
    await chat.waitFor('room:应急局审稿群', '您回复的是第1版');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(0);
    chat.quoteInRoom('孙丽', group, newRequest, '@审发 同意');
    await chat.waitFor('孙丽', new RegExp(`已记录：孙丽.* 同意 #${code}`));
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].decisions.map((decision) => decision.versionNumber)).toEqual([2]);
  });
});

describe('binding by the organization file', () => {
  const importWith = (wecomUserIds: Record<string, string>) => {
    const file = JSON.parse(fs.readFileSync(sampleOrganization, 'utf8')) as { people: { name: string }[] };
    for (const person of file.people) {
      const userId = wecomUserIds[person.name];
      if (userId) Object.assign(person, { wecomUserId: userId });
    }
    return chat.services.people.importOrganization(JSON.stringify(file), 'json', {});
  };

  test('when the file gives a person’s WeCom UserID, then they can use the bot at once, without a bind code', async () => {
    await importWith({ 王建华: 'wangjianhua' });
    chat.member('王建华', 'wangjianhua');
    expect(await chat.sayAndWait('王建华', '待办', /待审核|没有待您审核/)).not.toContain('尚未绑定');
  });

  test('when the file gives a UserID bound to someone else, then the import is refused and nothing changes', async () => {
    const [before] = await chat.services.people.findPersonByName('李静');
    await expect(importWith({ 李静: chat.contact('刘洋').id })).rejects.toMatchObject({
      code: 'IDENTITY_ALREADY_BOUND',
    });
    const [after] = await chat.services.people.findPersonByName('李静');
    expect(after).toEqual(before);
    await chat.sayAndWait('刘洋', '我的稿件', '我的稿件（最近10篇）');
  });
});

describe('sending', () => {
  test('when the access token expires, then a new one is fetched and the message still arrives', async () => {
    const fetched = chat.fake.tokenRequests;
    chat.fake.expireTokens();
    await chat.sayAndWait('刘洋', '我的稿件', '我的稿件（最近10篇）');
    expect(chat.fake.tokenRequests).toBe(fetched + 1);
  });

  test('when a file is submitted and routed, then it is fetched from WeCom and sent on to the approver', async () => {
    const before = chat.messagesOf('孙丽').length;
    chat.sendFile('刘洋', FileBox.fromBuffer(Buffer.from('防汛预案全文，共十二页。'), '防汛预案.docx'));
    await chat.waitFor('刘洋', '已收到投稿');
    await chat.waitFor('孙丽', '[文件] 防汛预案.docx', { after: before });
    const draft = await DraftModel.findOne({ 'versions.title': '防汛预案' }).lean();
    expect(path.basename(draft?.versions[0].attachments[0].name ?? '')).toBe('防汛预案.docx');
  });

  test('when more messages are due to one member than WeCom takes in a minute, then the rest are held back, not lost', async () => {
    const [officer] = await chat.services.people.findPersonByName('钱卫东');
    const start = chat.fake.delivered.filter((delivery) => delivery.touser === chat.contact('钱卫东').id).length;
    const keys = Array.from({ length: 35 }, (_, index) => `wecom-limit:${index}`);
    await chat.services.outbox.enqueue(
      keys.map((key, index) => ({
        idempotencyKey: key,
        recipient: { personId: officer.id },
        text: `限流测试 ${index}`,
      })),
    );
    await chat.waitFor('钱卫东', `限流测试 ${29 - start}`, { timeoutMs: 20_000 });
    await chat.settle(800);
    const delivered = chat.fake.delivered.filter((delivery) => delivery.touser === chat.contact('钱卫东').id);
    expect(delivered).toHaveLength(30);
    expect(chat.fake.dropped).toEqual([]);
    const held = await OutboxMessageModel.find({ idempotencyKey: { $in: keys }, status: { $ne: 'sent' } }).lean();
    expect(held).toHaveLength(5 + start);
    for (const message of held) {
      expect(message).toMatchObject({ status: 'pending', attempts: 0 });
      expect(message.notBefore.getTime()).toBeGreaterThan(Date.now());
      expect(message.lastError).toContain('每分钟最多 30 条');
    }
  });
});
