import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, provider } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { BindCodeModel } from '../../../src/people/bind-code-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '李静']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

async function submit(title: string): Promise<string> {
  const receipt = await chat.sayAndWait('刘洋', `投稿 ${title}\n正文`, '已收到投稿');
  return codeIn(receipt);
}

describe('who may approve', () => {
  test('when a contact with the leader’s display name replies, then it is refused: identity is the binding, not the name', async () => {
    const code = await submit('冒名测试');
    chat.contact('孙丽 ');
    const reply = await chat.sayAndWait('孙丽 ', `同意 ${code}`, '尚未绑定身份');
    expect(reply).toContain('绑定 123456');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(0);
  });

  test('when a bound person who is not the approver replies, then it is refused', async () => {
    const code = await submit('非审核人测试');
    await chat.sayAndWait('李静', `同意 ${code}`, '您不是该稿件当前步骤的指定审核人');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('in_review');
  });

  test('when a leader submits a draft, then it goes to someone else and they cannot approve it themselves', async () => {
    await chat.bind('钱卫东');
    const receipt = await chat.sayAndWait('孙丽', '投稿 领导本人投稿\n正文', '已收到投稿');
    const code = codeIn(receipt);
    await chat.sayAndWait('孙丽', `同意 ${code}`, '不能审核自己提交的稿件');
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    const submitter = String(draft?.submitterId);
    expect(draft?.steps.flatMap((step) => step.approverIds.map(String))).not.toContain(submitter);
    expect(draft?.pendingApproverIds.length).toBeGreaterThan(0);
  });

  test('when a message only contains 同意 inside a sentence, then the bot reminds the format and records nothing', async () => {
    const code = await submit('句中同意测试');
    await chat.sayAndWait('孙丽', `我同意${code}这篇的大方向，但还要再看看`, '如需审核，请回复');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(0);
  });
});

describe('binding', () => {
  test('when a wrong or expired code is sent, then the person is told what to do and nothing is bound', async () => {
    chat.contact('新同事');
    await chat.sayAndWait('新同事', '绑定 000000', '绑定码');
    const { code } = await chat.services.people.createBindCode('蒋明', {});
    await BindCodeModel.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const reply = await chat.sayAndWait('新同事', `绑定 ${code}`, '过期');
    expect(reply).toMatch(/管理员/);
    expect(
      await IdentityBindingModel.countDocuments({
        provider,
        externalId: chat.contact('新同事').id,
      }),
    ).toBe(0);
  });

  test('when a code is used a second time, then it is refused', async () => {
    const { code } = await chat.services.people.createBindCode('蒋明', {});
    chat.contact('蒋明');
    await chat.sayAndWait('蒋明', `绑定 ${code}`, '绑定成功');
    chat.contact('别人');
    await chat.sayAndWait('别人', `绑定 ${code}`, '已被使用');
  });
});

describe('the mini-program and unbinding', () => {
  test('when a bound person sends 小程序绑定 privately, then they get a 6-digit code that binds the mini-program once', async () => {
    const reply = await chat.sayAndWait('赵海涛', '小程序绑定', '小程序绑定码');
    const code = /(\d{6})/.exec(reply)?.[1] ?? '';
    expect(reply).toContain('分钟内打开审发小程序');
    const person = await chat.services.people.bindMiniProgram({ code, provider: 'wechat', externalId: 'openid-zhao' });
    expect(person.name).toBe('赵海涛');
    expect(await IdentityBindingModel.countDocuments({ kind: 'mini-program', externalId: 'openid-zhao' })).toBe(1);
    await expect(
      chat.services.people.bindMiniProgram({ code, provider: 'wechat', externalId: 'openid-other' }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^BIND_CODE_/) });
  });

  test('when 小程序绑定 is sent in a group, then no code is posted there', async () => {
    const room = chat.room('小程序绑定群', ['赵海涛']);
    const before = await BindCodeModel.countDocuments({ kind: 'mini-program' });
    chat.say('赵海涛', '@审发\u2005小程序绑定', room, [chat.botUser]);
    const reply = await chat.waitFor('room:小程序绑定群', '请私聊机器人');
    expect(reply).not.toMatch(/\d{6}/);
    expect(await BindCodeModel.countDocuments({ kind: 'mini-program' })).toBe(before);
  });

  test('when a person sends 解绑, then they are told in Chinese, the binding is gone and the chat no longer acts for them', async () => {
    const contact = await chat.bind('郑美玲');
    await chat.sayAndWait('郑美玲', '解绑', '已解绑：本微信不再代表郑美玲使用审发');
    expect(await IdentityBindingModel.countDocuments({ kind: 'chat', externalId: contact.id })).toBe(0);
    const event = await AuditEventModel.findOne({
      action: 'identity.unbound',
      'details.externalId': contact.id,
    }).lean();
    expect(event?.details).toMatchObject({ by: 'self', kind: 'chat' });
    await chat.sayAndWait('郑美玲', '待办', '尚未绑定身份');
  });
});

describe('guessing bind codes', () => {
  test('when a contact sends five wrong codes, then even the right one is refused for an hour', async () => {
    chat.contact('猜码者');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await chat.sayAndWait('猜码者', `绑定 00000${attempt}`, '绑定码');
    }
    const { code } = await chat.services.people.createBindCode('ZFB003', {});
    await chat.sayAndWait('猜码者', `绑定 ${code}`, '错误次数过多');
    expect(await IdentityBindingModel.countDocuments({ externalId: chat.contact('猜码者').id })).toBe(0);
  });
});

describe('odd input', () => {
  test.each([
    ['an empty message', '', '没有识别到指令'],
    ['emoji only', '😀😀👍', '没有识别到指令'],
    ['punctuation only', '？？！！。。……', '没有识别到指令'],
    ['an unknown command', '明天开会吗', '没有识别到指令'],
    ['a query operator', '{"$gt":""}', '没有识别到指令'],
    ['a code that does not exist', '同意 ZZZZ', '找不到编号为 #ZZZZ 的稿件'],
    ['a malformed code', '查看 K7', '格式：查看 K7Q2'],
    ['100 KB of text', `投稿 超长\n${'字'.repeat(100_000)}`, '消息过长'],
  ])(
    'when %s arrives, then the sender gets a helpful Chinese reply and nothing is written',
    async (_case, text, expected) => {
      const drafts = await DraftModel.countDocuments();
      await chat.sayAndWait('刘洋', text, expected);
      expect(await DraftModel.countDocuments()).toBe(drafts);
    },
  );

  test('when a classified marker is in a draft, then it is not submitted and the officer is told why', async () => {
    const drafts = await DraftModel.countDocuments();
    await chat.sayAndWait('刘洋', '投稿 会议纪要\n本文件属机密级，内部传阅。', '稿件未提交');
    expect(await DraftModel.countDocuments()).toBe(drafts);
  });

  test('when a draft holds NUL and escape characters, then the draft and the approval request hold none, and tabs and line breaks stay', async () => {
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 防汛\u0000值守\u001b通知\r\n各单位：\u0007请落实\t值班。\r\n第二段\u0085完',
      '已收到投稿',
    );
    const code = codeIn(receipt);
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain('防汛值守通知');
    // Unicode Cc (C0, DEL, C1) but for tab and line feed.
    expect(request).not.toMatch(/[^\P{Cc}\t\n]/u);
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.versions[0]).toMatchObject({ title: '防汛值守通知', body: '各单位：请落实\t值班。\n第二段完' });
  });

  test('when an unbound stranger writes anything, then they get the binding instruction only', async () => {
    chat.contact('陌生人');
    await chat.sayAndWait('陌生人', '投稿 标题\n正文', '尚未绑定身份');
    await chat.sayAndWait('陌生人', '帮助', '审发机器人可以');
  });
});

describe('the audit digest in chat', () => {
  test('when an admin asks for 审计摘要, then a signed digest comes back; anyone else is refused', async () => {
    const digest = await chat.sayAndWait('李静', '审计摘要', '【审计摘要】');
    expect(digest).toMatch(/记录总数：\d+/);
    expect(digest).toMatch(/链首哈希：[0-9a-f]{64}/);
    await chat.sayAndWait('刘洋', '审计摘要', '只有管理员可以生成审计摘要');
  });
});

describe('group chats', () => {
  test('when nobody @-mentions the bot, then it stays silent; when mentioned, the bound approver can decide there', async () => {
    const code = await submit('群聊审核');
    const room = chat.room('应急局信息工作群', ['刘洋', '孙丽', '赵海涛']);
    chat.say('孙丽', `同意 ${code}`, room);
    await chat.settle();
    expect(chat.messagesOf('room:应急局信息工作群')).toEqual([]);
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(0);

    chat.say('孙丽', `@审发\u2005同意 ${code}`, room, [chat.botUser]);
    await chat.waitFor('孙丽', new RegExp(`已记录：孙丽.* 同意 #${code}`));
  });

  test('when a stranger in the group @-mentions the bot to approve, then the group is told they are not bound', async () => {
    const code = await submit('群聊冒名');
    const room = chat.room('混合群', ['刘洋', '路人甲']);
    chat.say('路人甲', `@审发\u2005同意 ${code}`, room, [chat.botUser]);
    await chat.waitFor('room:混合群', '尚未绑定身份');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(0);
  });
});
