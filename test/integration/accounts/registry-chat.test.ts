import { FileBox } from 'file-box';
import { ManualClock } from '../../../src/shared/clock';
import { AccountModel } from '../../../src/accounts/account-model';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { openAccount } from '../../support/registry-factories';
import { personId } from '../../support/people-factories';

const clock = new ManualClock('2026-11-01T01:00:00Z');
let chat: ChatHarness;
const ids: Record<string, string> = {};

beforeAll(connectTestDatabase, 60_000);

// Every test starts on 1 November from the same three accounts with open reviews, its own bot and
// no messages yet: none leans on what another test sent or stored.
beforeEach(async () => {
  clock.set('2026-11-01T01:00:00Z');
  await emptyTestDatabase();
  chat = await ChatHarness.start({ clock });
  for (const account of [
    { unit: '县应急管理局', name: '应急先锋', leader: '王建华', admin: '刘洋' },
    { unit: '县应急管理局', name: '应急微博', platform: 'weibo' as const, leader: '王建华', admin: '刘洋' },
    { unit: '县教育局', name: '教育之窗', leader: '吴国庆', admin: '冯涛' },
  ]) {
    ids[account.name] = String((await openAccount(chat.services, account))._id);
  }
  await chat.services.annualReviews.runDailyDuties('2026-11-01');
  for (const name of ['刘洋', '孙丽', '李静', '王建华']) await chat.bind(name);
  await chat.bind('JYJ004', '张伟');
}, 90_000);

afterEach(() => chat.stop());

afterAll(disconnectTestDatabase);

const reviewOf = (name: string) => AnnualReviewModel.findOne({ accountId: ids[name] }).lean();

/** 刘洋 sends the account's annual report as text. */
async function submitReport(name: string) {
  await chat.sayAndWait('刘洋', `年审 ${name}\n2026年度运营报告`, `已收到账号“${name}”`);
}

describe('drafts name their account', () => {
  test('when a unit has two accounts, then a draft must name one, and the leader sees which', async () => {
    await chat.sayAndWait(
      '刘洋',
      '投稿 防汛提示\n请注意防范强降雨。',
      '本单位有 2 个账号（应急先锋、应急微博），请写明发往哪个账号：投稿 @账号名 标题',
    );
    expect(await DraftModel.countDocuments({})).toBe(0);

    await chat.sayAndWait('刘洋', '投稿 @应急微博 防汛提示\n请注意防范强降雨。', '已收到投稿');
    const draft = await DraftModel.findOne({}).lean();
    expect(String(draft?.accountId)).toBe(ids['应急微博']);
    expect(draft?.versions[0].title).toBe('防汛提示');
    await chat.waitFor('孙丽', '账号：应急微博');
  });

  test('when a unit has one account, then a draft goes to it without naming it', async () => {
    await chat.sayAndWait('张伟', '投稿 开学安全提示\n请各校做好开学安全检查。', '已收到投稿');
    const draft = await DraftModel.findOne({ 'versions.title': '开学安全提示' }).lean();
    expect(String(draft?.accountId)).toBe(ids['教育之窗']);
  });
});

describe('the annual review in chat', () => {
  test('when the account admin sends the report as text, then the admins are asked to decide and a pass is recorded', async () => {
    clock.set('2026-11-03T02:00:00Z');
    await chat.sayAndWait(
      '刘洋',
      '年审 应急先锋\n2026年度共发布信息312条，原创率65%，留言回复率100%。',
      '已收到账号“应急先锋”（微信公众号）2026年度年审报告，已转管理员审核。',
    );
    await chat.waitFor('李静', '【年审报告】刘洋提交了账号“应急先锋”（微信公众号）2026年度年审报告');
    await chat.sayAndWait(
      '李静',
      '年审通过 应急先锋 材料齐全',
      '已记录：账号“应急先锋”（微信公众号）2026年度年审通过。',
    );
    await chat.waitFor('刘洋', '2026年度年审已通过');
    expect(await reviewOf('应急先锋')).toMatchObject({
      status: 'passed',
      reports: [{ text: '2026年度共发布信息312条，原创率65%，留言回复率100%。', late: false }],
      decision: { passed: true, reason: '材料齐全' },
    });
  });

  test('when the report follows "年审 账号名" as a file, then it is the report, not a draft', async () => {
    await chat.sayAndWait('刘洋', '年审 应急微博', '请在30分钟内发送账号“应急微博”（微博）的年审报告文件。');
    const before = await DraftModel.countDocuments({});
    // A scanned report; puppet-mock passes images and .pdf/.doc/.txt without a media type as files.
    const content = Buffer.from('2026年度运营报告（扫描件）');
    chat.sendFile('刘洋', FileBox.fromBase64(content.toString('base64'), '应急微博2026年度报告.jpg'));
    await chat.waitFor('刘洋', '已收到账号“应急微博”（微博）2026年度年审报告');
    expect(await DraftModel.countDocuments({})).toBe(before);
    const review = await reviewOf('应急微博');
    expect(review).toMatchObject({
      status: 'submitted',
      reports: [{ text: '', file: { name: '应急微博2026年度报告.jpg' } }],
    });

    // The same file again (or the message handled again after a crash) is the report already received.
    await chat.sayAndWait('刘洋', '年审 应急微博', '请在30分钟内发送');
    const after = chat.messagesOf('刘洋').length;
    chat.sendFile('刘洋', FileBox.fromBase64(content.toString('base64'), '应急微博2026年度报告.jpg'));
    await chat.waitFor('刘洋', '已收到账号“应急微博”（微博）2026年度年审报告', { after });
    expect((await reviewOf('应急微博'))?.reports).toHaveLength(1);
  });

  test('when the input is wrong, then the answer says why in Chinese and nothing changes', async () => {
    await chat.sayAndWait(
      '刘洋',
      '年审 应急头条\n报告',
      '找不到名为“应急头条”的账号，请核对账号名称（须与备案名称一致）',
    );
    await submitReport('应急微博');
    await chat.sayAndWait('王建华', '年审通过 应急微博', '只有管理员可以审核年审');
    expect(await reviewOf('应急微博')).toMatchObject({ status: 'submitted', decision: null });
    await chat.sayAndWait(
      '李静',
      '年审通过 教育之窗',
      '账号“教育之窗”：年审未提交报告，不是待审核状态（须先提交报告）',
    );
    expect(await reviewOf('教育之窗')).toMatchObject({ status: 'open', decision: null });
    await chat.sayAndWait('李静', '年审不通过 应急微博', '格式：年审不通过 应急微博 理由（不通过须写明理由）');
    await chat.sayAndWait('李静', '年审', '您所在单位没有运行中的账号，请写明账号名称：年审 账号名');
    expect(await reviewOf('应急微博')).toMatchObject({ status: 'submitted' });
  });
});

describe('a bare 年审 followed by a file', () => {
  test('when the unit has several accounts, then the bot asks which, holds the file, and stores it on the account named', async () => {
    await submitReport('应急先锋');
    await submitReport('应急微博');
    await chat.sayAndWait(
      '刘洋',
      '年审',
      '本单位有 2 个账号（应急先锋、应急微博），请写明是哪个账号的年审报告：年审 账号名',
    );
    const draftsBefore = await DraftModel.countDocuments({});
    const content = Buffer.from('应急微博2026年度运营报告（补充）');
    chat.sendFile('刘洋', FileBox.fromBase64(content.toString('base64'), '年度报告补充.jpg'));
    await chat.waitFor(
      '刘洋',
      '已收到文件“年度报告补充.jpg”。本单位有 2 个账号（应急先锋、应急微博），请回复“年审 账号名”说明这是哪个账号的年审报告',
    );
    expect(await DraftModel.countDocuments({})).toBe(draftsBefore);
    expect((await reviewOf('应急微博'))?.reports).toHaveLength(1);

    await chat.sayAndWait('刘洋', '年审 应急微博', '已收到账号“应急微博”（微博）2026年度年审报告');
    const review = await reviewOf('应急微博');
    expect(review?.reports).toHaveLength(2);
    expect(review?.reports[1]).toMatchObject({ text: '', file: { name: '年度报告补充.jpg' } });
    expect((await reviewOf('应急先锋'))?.reports).toHaveLength(1);
    // The held file was used once: the next "年审 应急微博" waits for a new file.
    await chat.sayAndWait('刘洋', '年审 应急微博', '请在30分钟内发送账号“应急微博”（微博）的年审报告文件。');
  });

  test('when the unit has one account, then a bare 年审 means it and the file is its report', async () => {
    await chat.sayAndWait('张伟', '年审', '请在30分钟内发送账号“教育之窗”（微信公众号）的年审报告文件。');
    const content = Buffer.from('教育之窗2026年度运营报告');
    chat.sendFile('张伟', FileBox.fromBase64(content.toString('base64'), '教育之窗年度报告.jpg'));
    await chat.waitFor('张伟', '已收到账号“教育之窗”（微信公众号）2026年度年审报告');
    expect(await reviewOf('教育之窗')).toMatchObject({
      status: 'submitted',
      reports: [{ file: { name: '教育之窗年度报告.jpg' } }],
    });
  });
});

describe('closing an account in chat', () => {
  test('when a closure request is withdrawn before approval, then the account runs on and takes drafts; only the requester or an admin may withdraw', async () => {
    await chat.sayAndWait('刘洋', '申请关停 应急微博 与公众号整合', '已记录：账号“应急微博”（微博）申请关停。');
    await chat.sayAndWait('王建华', '撤回关停 应急微博', '只有提出关停申请的人或管理员可以撤回关停申请');
    expect(await AccountModel.findById(ids['应急微博']).lean()).toMatchObject({ status: 'closing' });

    await chat.sayAndWait(
      '刘洋',
      '撤回关停 应急微博 暂不整合',
      '已撤回账号“应急微博”（微博）的关停申请，账号继续运行，可正常投稿。',
    );
    await chat.waitFor('李静', '账号“应急微博”（微博）的关停申请已撤回（暂不整合）');
    expect(await AccountModel.findById(ids['应急微博']).lean()).toMatchObject({ status: 'active', closure: [] });
    const withdrawn = await AuditEventModel.findOne({
      action: 'account.closure.withdrawn',
      'subject.id': ids['应急微博'],
    }).lean();
    expect(withdrawn).toMatchObject({
      reason: '暂不整合',
      details: { requestNote: '与公众号整合' },
    });
    expect(String(withdrawn?.actor.personId)).toBe(await personId('刘洋'));

    await chat.sayAndWait('刘洋', '投稿 @应急微博 寒潮预警\n请注意防寒。', '已收到投稿');
    await chat.sayAndWait('刘洋', '撤回关停 应急微博', '该账号没有待批准的关停申请，无需撤回');
  });

  test('when steps are skipped or taken by the wrong person, then they are refused; in order, the account closes and takes no more drafts or reports', async () => {
    await chat.sayAndWait('刘洋', '停更公告 应急微博 https://weibo.com/notice', '请先完成“申请关停”');
    await chat.sayAndWait('刘洋', '申请关停 应急微博 与公众号整合', '已记录：账号“应急微博”（微博）申请关停。');
    await chat.waitFor('李静', '账号“应急微博”（微博）：已申请关停');
    await chat.sayAndWait('刘洋', '批准关停 应急微博', '只有归口管理部门的管理员可以批准关停');
    await chat.sayAndWait('李静', '批准关停 应急微博', '账号已停止接收投稿');
    await chat.sayAndWait('刘洋', '撤回关停 应急微博', '关停已获归口管理部门批准，不能再撤回申请');
    await chat.sayAndWait(
      '刘洋',
      '投稿 @应急微博 新闻\n正文',
      '账号“应急微博”：该账号关停办理中（已批准关停），不能再投稿',
    );
    await chat.sayAndWait('刘洋', '停更公告 应急微博', '格式：停更公告 账号名 https://…（停更公告的链接）');
    await chat.sayAndWait(
      '刘洋',
      '停更公告 应急微博 https://weibo.com/notice',
      '请在平台完成注销后发送“已注销 账号名”',
    );
    await chat.sayAndWait('刘洋', '关停备案 应急微博', '请先完成“平台注销”');
    await chat.sayAndWait('刘洋', '已注销 应急微博', '请管理员办理关停备案');
    await chat.sayAndWait('刘洋', '关停备案 应急微博', '只有归口管理部门的管理员可以关停备案');
    await chat.sayAndWait('李静', '关停备案 应急微博 材料已归档', '关停流程已全部完成');
    const account = await AccountModel.findById(ids['应急微博']).lean();
    expect(account).toMatchObject({ status: 'closed', closedKey: ids['应急微博'] });
    expect(account?.closure.map((step) => step.byId.toString())).toHaveLength(5);
    expect(account?.closure[2]).toMatchObject({ url: 'https://weibo.com/notice' });

    await chat.sayAndWait('刘洋', '年审 应急微博\n补充材料', '账号“应急微博”已关停备案，无需年审');
    // The remaining account takes the unit's drafts without being named.
    await chat.sayAndWait('刘洋', '投稿 秋季防火\n请注意用火安全。', '已收到投稿');
    const draft = await DraftModel.findOne({ 'versions.title': '秋季防火' }).lean();
    expect(String(draft?.accountId)).toBe(ids['应急先锋']);
  });
});
