import { DraftModel } from '../../../src/drafts/draft-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { openAccount } from '../../support/registry-factories';

let chat: ChatHarness;
const accountIds: Record<string, string> = {};

// One unit with a 公众号 and a 微博: the same draft is held to the 公众号's limits only.
beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const account of [
    {
      unit: '县应急管理局',
      name: '应急先锋',
      platform: 'wechat-official-account' as const,
      leader: '王建华',
      admin: '刘洋',
    },
    { unit: '县应急管理局', name: '应急微博', platform: 'weibo' as const, leader: '王建华', admin: '刘洋' },
  ]) {
    accountIds[account.name] = String((await openAccount(chat.services, account))._id);
  }
  for (const name of ['刘洋', '孙丽']) await chat.bind(name);
}, 90_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';
/** 33 字: one over the 公众号's title limit. */
const title33 = '关于做好二〇二六年冬季森林防火和安全生产工作的紧急通知请各单位认真'.padEnd(33, '落');

describe('the 公众号 limits at submission (R10)', () => {
  test('when a draft for a 公众号 has a 33-字 title, then the officer reads the limit and the count, and nothing is stored', async () => {
    const title = title33;
    expect([...title]).toHaveLength(33);
    const reply = await chat.sayAndWait('刘洋', `投稿 @应急先锋 ${title}\n请各单位做好防火工作。`, '稿件未提交');
    expect(reply).toContain(
      `稿件未提交：公众号发布限制「${title}」，公众号标题最多32个字，现为33字，请缩短标题后再提交`,
    );
    expect(await DraftModel.countDocuments({ accountId: accountIds['应急先锋'] })).toBe(0);
  });

  test('when a 公众号 draft is revised with a 33-字 title, then the revision is refused with the limit and the draft keeps its version', async () => {
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 @应急先锋 冬季森林防火通知\n请各单位做好防火工作。',
      '已收到投稿',
    );
    const code = codeIn(receipt);
    const reply = await chat.sayAndWait('刘洋', `修改 ${code}\n${title33}\n请各单位做好防火工作。`, '修改未提交');
    expect(reply).toContain(`修改未提交：公众号发布限制「${title33}」`);
    expect(reply).toContain('公众号标题最多32个字，现为33字');
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.currentVersion).toBe(1);
    await chat.sayAndWait('刘洋', `撤回 ${code}`, '已撤回');
  });

  test('when the same draft goes to a 微博, then it is submitted and carries no 公众号 finding', async () => {
    const title = title33;
    const receipt = await chat.sayAndWait('刘洋', `投稿 @应急微博 ${title}\n请各单位做好防火工作。`, '已收到投稿');
    const draft = await DraftModel.findOne({ shortCode: codeIn(receipt) }).lean();
    expect(String(draft?.accountId)).toBe(accountIds['应急微博']);
    expect(draft?.versions[0].title).toBe(title);
    expect(draft?.versions[0].findings.filter((finding) => finding.category === '公众号发布限制')).toEqual([]);
  });

  test('when a 公众号 draft names an image in its text, then it is submitted and the approver sees the warning', async () => {
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 @应急先锋 冬季防火提示\n请注意用火安全。\n海报见 https://www.gov.cn/images/poster.jpg',
      '已收到投稿',
    );
    const code = codeIn(receipt);
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain(
      '· [注意] 公众号发布限制：https://www.gov.cn/images/poster.jpg（公众号文章只显示随稿发送',
    );
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(String(draft?.accountId)).toBe(accountIds['应急先锋']);
    expect(draft?.versions[0].findings).toEqual([
      expect.objectContaining({ rule: 'official-account-image-link', severity: 'warn', field: 'body' }),
    ]);
  });
});
