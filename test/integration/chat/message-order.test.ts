/**
 * Each conversation's messages are handled in the order they arrived — live, after a crash and around a
 * restart — while other conversations go on in parallel.
 */
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { InboundChatMessage } from '../../../bot/chat-command-handler';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '钱卫东', '李静']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

async function actor(name: string) {
  const [person] = await chat.services.people.findPersonByName(name);
  return { personId: person.id, via: 'test' };
}

/** A draft by 刘洋 approved at both steps of its route, ready to publish. */
async function approvedDraft(title: string): Promise<string> {
  const { code } = await chat.services.drafts.submitDraft(await actor('刘洋'), {
    title,
    body: `${title}：第一版正文。`,
  });
  for (const leader of ['孙丽', '赵海涛']) {
    await chat.services.drafts.decide(await actor(leader), {
      code,
      decision: 'approve',
      comment: '',
      versionNumber: null,
    });
  }
  return code;
}

/** The revision came first: the draft is back in review at version 2, never published. */
async function expectRevisedNotPublished(code: string): Promise<void> {
  const draft = await DraftModel.findOne({ shortCode: code }).lean();
  expect(draft).toMatchObject({ status: 'in_review', currentVersion: 2, publication: { url: '' } });
  const actions = (
    await AuditEventModel.find({ 'subject.id': String(draft?._id) })
      .sort({ _id: 1 })
      .lean()
  ).map((event) => event.action);
  expect(actions).toEqual(['draft.submitted', 'draft.approved', 'draft.approved', 'draft.revised']);
}

describe('one conversation in order, many in parallel', () => {
  test('when an officer sends bursts of 修改 then 已发布 while others chat, then every revision is handled first', async () => {
    const codes: string[] = [];
    for (let index = 1; index <= 4; index += 1) codes.push(await approvedDraft(`顺序测试${index}`));
    const before = chat.messagesOf('刘洋').length;

    for (const code of codes) {
      chat.say('刘洋', `修改 ${code}\n${code} 的第二版正文，数字已更正。`);
      chat.say('李静', '帮助');
      chat.say('刘洋', `已发布 ${code} https://mp.weixin.qq.com/s/${code}`);
      chat.say('钱卫东', '待办');
    }

    for (const code of codes) await chat.waitFor('刘洋', `已提交第2版 #${code}`, { after: before });
    await chat.settle();
    const refusals = chat
      .messagesOf('刘洋')
      .slice(before)
      .filter((text) => text.includes('未经审核同意不得发布'));
    expect(refusals).toHaveLength(codes.length);
    for (const code of codes) await expectRevisedNotPublished(code);
    // The others were answered too, each time.
    expect(chat.messagesOf('李静').filter((text) => text.includes('审发机器人可以')).length).toBeGreaterThanOrEqual(4);
  });

  test('when the bot died with a revision and a publication of one officer in flight, then after the restart they run in arrival order, and a new message waits behind them', async () => {
    const code = await approvedDraft('重启顺序测试');
    const officer = chat.contact('刘洋');
    const message = (id: string, text: string): InboundChatMessage => ({
      id,
      contactId: officer.id,
      contactName: '刘洋',
      roomId: '',
      text,
      receivedAt: new Date().toISOString(),
    });
    // Noted in arrival order; the names of the in-flight files must not decide the order they replay in.
    for (let index = 0; index < 3; index += 1) {
      chat.leaveInFlight(message(`order-${code}-revise-${index}`, `修改 ${code}\n第${index + 2}版正文。`));
    }
    chat.leaveInFlight(message(`order-${code}-publish`, `已发布 ${code} https://mp.weixin.qq.com/s/too-early`));
    const before = chat.messagesOf('刘洋').length;

    await chat.restart();
    chat.say('刘洋', `已发布 ${code} https://mp.weixin.qq.com/s/right-after-restart`);
    await chat.waitFor('刘洋', `已提交第4版 #${code}`, { after: before });
    await chat.settle();

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft).toMatchObject({ status: 'in_review', currentVersion: 4, publication: { url: '' } });
    expect(draft?.versions.map((version) => version.body)).toEqual([
      '重启顺序测试：第一版正文。',
      '第2版正文。',
      '第3版正文。',
      '第4版正文。',
    ]);
    const received = chat.messagesOf('刘洋').slice(before);
    expect(received.filter((text) => text.includes('未经审核同意不得发布'))).toHaveLength(2);
    expect(received.filter((text) => /已提交第[234]版/.test(text))).toHaveLength(3);
  });
});
