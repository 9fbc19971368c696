import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';
const quote = (request: string, reply: string) => `「审发：${request}」\n- - - - - - - - - - - - - - -\n${reply}`;

describe('a question is never a decision, by any path', () => {
  test('when the only approver asks in every form, then nothing is recorded and each answer names what is pending', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 问句测试\n正文', '已收到投稿'));
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    const room = chat.room('问句测试群', ['刘洋', '孙丽']);

    for (const question of [
      '同意？',
      '同意?',
      '同意吗',
      `同意\n${code}，吗？`,
      `${code} 同意吗`,
      quote(request, '同意吗？'),
    ]) {
      const answer = await chat.sayAndWait('孙丽', question, '这是一个问句');
      expect(answer).toContain('如需审核，请回复');
      expect(answer).toContain(`#${code}`);
    }
    chat.say('孙丽', '@审发\u2005同意？', room, [chat.botUser]);
    await chat.waitFor('room:问句测试群', '这是一个问句');

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.status).toBe('in_review');
    expect(draft?.steps[0].decisions).toEqual([]);
    expect(await AuditEventModel.countDocuments({ 'subject.id': String(draft?._id), action: 'draft.approved' })).toBe(
      0,
    );

    // The same person, the same pending item: a plain 同意 does act.
    await chat.sayAndWait('孙丽', '同意', new RegExp(`已记录：孙丽.* 同意 #${code}`));
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toHaveLength(1);
  });
});

describe('a rejection may ask the officer something', () => {
  test('when the approver rejects with a reason that is a question, then the draft is rejected and the submitter reads the question', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 驳回问句测试\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `【待审核】#${code}`);

    await chat.sayAndWait('孙丽', `驳回？`, '这是一个问句');
    await chat.sayAndWait('孙丽', `驳回 ${code} 对吗？`, '这是一个问句');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('in_review');

    await chat.sayAndWait('孙丽', `驳回 ${code} 数据来源是否核实？`, new RegExp(`已记录：孙丽.* 驳回 #${code}`));
    const told = await chat.waitFor('刘洋', new RegExp(`驳回 #${code}.*理由：数据来源是否核实？`));
    expect(told).toContain(`修改 ${code}`);
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.status).toBe('rejected');
    expect(draft?.steps[0].decisions).toMatchObject([{ decision: 'reject', comment: '数据来源是否核实？' }]);
  });
});
