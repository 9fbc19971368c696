import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '钱卫东', '王建华', '李静']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

describe('the review flow in chat', () => {
  test('when a draft goes through a two-step route, then both leaders decide by reply and cc is informed', async () => {
    const receipt = await chat.sayAndWait('刘洋', '投稿 关于开展防汛演练的通知\n各乡镇：定于12月1日开展防汛演练。联系人身份证号110101199003074514。', '已收到投稿');
    const code = codeIn(receipt);
    expect(receipt).toContain('已送审核 第1/2步');

    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain('投稿：刘洋（科员）（县应急管理局）');
    expect(request).toContain('关于开展防汛演练的通知');
    expect(request).toMatch(/身份证/);

    const echo = await chat.sayAndWait('孙丽', `同意 ${code} 内容属实`, `已记录：孙丽`);
    expect(echo).toContain(`同意 #${code} 《关于开展防汛演练的通知》 第1/2步`);
    await chat.waitFor('刘洋', '等待下一步审核');

    await chat.waitFor('赵海涛', `【待审核】#${code}`);
    await chat.sayAndWait('赵海涛', '同意', '已记录：赵海涛');
    await chat.waitFor('刘洋', '稿件已审核通过，可以发布');
    await chat.waitFor('李静', `【抄送】#${code}`);

    await chat.sayAndWait('刘洋', `已发布 ${code} https://mp.weixin.qq.com/s/drill`, '已登记发布');
    await chat.waitFor('王建华', 'https://mp.weixin.qq.com/s/drill');

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft).toMatchObject({ status: 'published', publication: { url: 'https://mp.weixin.qq.com/s/drill' } });
    const actions = (await AuditEventModel.find({ 'subject.id': String(draft?._id) }).sort({ _id: 1 }).lean()).map(
      (event) => [event.action, event.reason],
    );
    expect(actions).toEqual([
      ['draft.submitted', ''],
      ['draft.approved', '内容属实'],
      ['draft.approved', ''],
      ['draft.published', ''],
    ]);
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});
