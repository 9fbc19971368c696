/**
 * Who is told what about a draft: the submitter learns who has it, `查看` shows the whole route, and
 * people told about a draft before get one short line when it changes.
 */
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '王建华', '李静']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';
const marks = () => new Map([...chat.received.keys()].map((name) => [name, chat.messagesOf(name).length]));
const since = (mark: Map<string, number>, name: string) => chat.messagesOf(name).slice(mark.get(name) ?? 0);

/** A draft by 刘洋 through both steps (孙丽, then 赵海涛); cc 王建华 and 李静 have been told. */
async function approvedDraft(title: string): Promise<string> {
  const code = codeIn(await chat.sayAndWait('刘洋', `投稿 ${title}\n${title}的正文。`, '已收到投稿'));
  await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
  await chat.sayAndWait('赵海涛', `同意 ${code}`, new RegExp(`已记录：赵海涛.* 同意 #${code}`));
  await chat.waitFor('李静', `【抄送】#${code}`);
  await chat.settle();
  return code;
}

describe('the submitter knows who has the draft', () => {
  test('when a draft is submitted and passes a step, then the receipts name the reviewer and step, with the code once', async () => {
    const receipt = await chat.sayAndWait('刘洋', '投稿 关于秋季防火的通知\n各乡镇做好秋季防火。', '已收到投稿');
    const code = codeIn(receipt);
    expect(receipt).toBe(`已收到投稿 #${code} 《关于秋季防火的通知》，已送 孙丽（办公室主任）审核，第1/2步。`);
    await chat.sayAndWait('孙丽', `同意 ${code} 可以`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.waitFor('刘洋', `等待下一步审核：已送 赵海涛（副局长）审核，第2/2步。`);
  });

  test('when the submitter views a rejected then revised draft, then the whole route shows who decided what', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 路线查看\n第一版正文。', '已收到投稿'));
    await chat.sayAndWait('孙丽', `驳回 ${code} 请补充时间`, `驳回 #${code}`);
    await chat.sayAndWait('刘洋', `修改 ${code}\n第二版正文，定于周五。`, '已提交第2版');
    await chat.sayAndWait('孙丽', `同意 ${code} 已补充`, new RegExp(`已记录：孙丽.* 同意 #${code}`));

    const view = await chat.sayAndWait('刘洋', `查看 ${code}`, `#${code} 《路线查看》（第2版`);
    expect(view).toContain('审核路线：');
    expect(view).toMatch(/第1步 孙丽（办公室主任），备审 钱卫东[^\n]*：已通过/);
    expect(view).toMatch(/· 第1版 孙丽（办公室主任） 驳回：请补充时间（\d\d\/\d\d \d\d:\d\d）/);
    expect(view).toMatch(/· 第2版 孙丽（办公室主任） 同意：已补充（/);
    expect(view).toMatch(/第2步 赵海涛（副局长），备审 王建华[^\n]*：审核中/);
    expect(view).toMatch(/抄送：王建华（局长）、李静/);
  });
});

describe('people told about a draft hear when it changes', () => {
  test('when an approved draft is revised, then cc and the later-step approver get one short line; step 1 is asked again', async () => {
    const code = await approvedDraft('修改通知测试');
    const before = marks();
    await chat.sayAndWait('刘洋', `修改 ${code}\n修改通知测试的第二版正文。`, '已提交第2版');
    await chat.waitFor('孙丽', '第2版（您上次看到第1版）', { after: before.get('孙丽') });
    await chat.settle();

    for (const cc of ['王建华', '李静']) {
      expect(since(before, cc)).toEqual([
        `【抄送】#${code} 《修改通知测试》 已修改为第2版，重新审核中，原审核通过的版本不得发布。`,
      ]);
    }
    expect(since(before, '赵海涛')).toEqual([
      `【稿件动态】#${code} 《修改通知测试》 已修改为第2版，重新审核中；轮到您审核时会再发给您。`,
    ]);
    expect(since(before, '孙丽')).toHaveLength(1);
  });

  test('when a draft is revoked, withdrawn, or published, then each person told before gets one line', async () => {
    const code = await approvedDraft('撤销通知测试');
    let before = marks();
    await chat.sayAndWait('赵海涛', `撤销 ${code} 数据再核实`, '已记录：撤销同意');
    await chat.settle();
    for (const name of ['王建华', '李静', '孙丽']) {
      expect(since(before, name)).toEqual([expect.stringMatching(/撤销了同意，重新审核中，通过前不得发布。$/)]);
    }

    before = marks();
    await chat.sayAndWait('刘洋', `撤回 ${code}`, `已撤回 #${code}`);
    await chat.settle();
    for (const name of ['王建华', '李静', '孙丽']) {
      expect(since(before, name)).toEqual([expect.stringMatching(new RegExp(`#${code} .*已由投稿人撤回。$`))]);
    }
    // 赵海涛 still had the item pending: he is told it was withdrawn, once.
    expect(since(before, '赵海涛')).toHaveLength(1);

    const published = await approvedDraft('发布通知测试');
    before = marks();
    await chat.sayAndWait('刘洋', `已发布 ${published} https://mp.weixin.qq.com/s/notice`, '已登记发布');
    await chat.settle();
    for (const name of ['王建华', '李静', '孙丽', '赵海涛']) {
      expect(since(before, name)).toEqual([expect.stringContaining(`已发布：https://mp.weixin.qq.com/s/notice`)]);
    }
    expect((await DraftModel.findOne({ shortCode: published }).lean())?.status).toBe('published');
  });
});
