import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { render, tap, textOf, textsOf } from './support/render';
import { serveFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
  serveFixtures(fake);
});

const openK7Q2 = () => render('pages/draft-detail/draft-detail', { query: { reference: 'K7Q2' } });

describe('draft detail page', () => {
  test('when opened, then the current version, its findings, the steps and every decision with its hash show', async () => {
    signIn(fake.storage);
    const page = await openK7Q2();

    expect(fake.requests.map((request) => request.path).sort()).toEqual([
      '/api/v1/drafts/K7Q2',
      '/api/v1/drafts/K7Q2/timeline',
    ]);
    expect(textOf(page)).toContain('#K7Q2 正在审核中 单位 县教育局 投稿人 刘洋');
    expect(textOf(page)).toContain('内容 · 第 2 版 关于开展2026年冬季消防安全检查的通知');
    expect(textOf(page)).toContain('附件 消防安全自查表.xlsx 47 KB · 9e8d9e8d');
    expect(textsOf(page, '.finding')).toEqual(['提醒 表述 · 正文 “县教育局” 首次出现请使用全称“清河县教育局”']);
    expect(textsOf(page, '.step')).toEqual([
      '第 1 步 · 或签（一人同意） 已同意 审核人 周敏 同意 钱卫东（代 周敏） 同意，注意核实日期 2026-11-24 11:10 · 审核的是第 2 版 · 3fa9c2e1',
      '第 2 步 · 会签（全部同意） 审核中 审核人 孙丽、钱卫东 备审人 李静',
    ]);
    expect(textsOf(page, '.version-number')).toEqual(['第 2 版', '第 1 版']);
  });

  test('when the timeline loads, then every audit event is on it, newest last', async () => {
    signIn(fake.storage);
    const page = await openK7Q2();
    expect(textsOf(page, '.action')).toEqual(['投稿', '驳回', '修改', '同意']);
    expect(textsOf(page, '.reason')[0]).toBe('正文含个人手机号，请改为办公电话；标题请写明年份');
  });

  test('when 与上一版比较 is tapped, then the diff of versions 1 → 2 is fetched and shown, and tapping again hides it', async () => {
    signIn(fake.storage);
    const page = await openK7Q2();

    await tap(page, '.compare .button-plain');

    expect(fake.requests.at(-1)).toMatchObject({ path: '/api/v1/drafts/K7Q2/diff', query: { from: '1', to: '2' } });
    expect(textsOf(page, '.added')).toContain('0310-1234567');
    expect(textsOf(page, '.compare')).toEqual(['收起改动']);

    await tap(page, '.compare .button-plain');
    expect(textsOf(page, '.added')).toEqual([]);
  });

  test('when the diff cannot be loaded, then its place shows the error with 重试', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts/:reference/diff', failure(422, 'VERSION_NOT_FOUND', '没有这个版本'));
    const page = await openK7Q2();
    await tap(page, '.compare .button-plain');
    expect(textOf(page)).toContain('没有这个版本 重试');
  });

  test('when an admin taps 校验审计链 and the chain is intact, then it says so with the count and head', async () => {
    signIn(fake.storage, fixtures.admin);
    const page = await openK7Q2();

    await tap(page, '.verify');

    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/audit/verify', body: {} });
    expect(textsOf(page, '.verify-result')).toEqual([
      '✓ 审计记录完整 已校验 1532 条记录，最新一条 #1532（7c41e0aa），核对签名摘要 26 份。校验时间 2026-11-27 10:01。',
    ]);
  });

  test('when the chain is broken, then the answer says where and what to do', async () => {
    signIn(fake.storage, fixtures.admin);
    fake.route('POST /api/v1/audit/verify', ok(fixtures.verifyBroken));
    const page = await openK7Q2();
    await tap(page, '.verify');
    expect(textsOf(page, '.verify-broken')[0]).toContain(
      '哈希链在第 #1207 条断开（event 1207: hash does not match its content）',
    );
  });

  test('when verification fails to run, then a toast says why and the button is usable again', async () => {
    signIn(fake.storage, fixtures.admin);
    fake.route('POST /api/v1/audit/verify', failure(429, 'RATE_LIMITED', '校验太频繁，请一分钟后再试'));
    const page = await openK7Q2();
    await tap(page, '.verify');
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '校验太频繁，请一分钟后再试' }));
    expect(textsOf(page, '.verify')).toEqual(['校验审计链']);
  });

  test('when a leader or officer opens it, then there is no verify button (the API allows it to admins only)', async () => {
    signIn(fake.storage, fixtures.officer);
    const page = await openK7Q2();
    expect(textsOf(page, '.verify')).toEqual([]);
  });

  test("when the draft is outside the viewer's scope, then the 404 message shows with 重试", async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts/:reference', failure(404, 'DRAFT_NOT_FOUND', '没有找到稿件 #K7Q2'));
    const page = await openK7Q2();
    expect(textOf(page)).toBe('没有找到稿件 #K7Q2 重试');

    fake.route('GET /api/v1/drafts/:reference', ok(fixtures.draftDetail));
    await tap(page, '.retry');
    expect(textOf(page)).toContain('内容 · 第 2 版');
  });

  test('when only the timeline fails, then the rest shows and the timeline offers 重试', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts/:reference/timeline', failure(500, 'INTERNAL', 'x'));
    const page = await openK7Q2();
    expect(textOf(page)).toContain('内容 · 第 2 版');
    expect(textOf(page)).toContain('审计记录 校验审计链 服务器暂时出错，请稍后重试 重试');

    fake.route('GET /api/v1/drafts/:reference/timeline', ok(fixtures.draftTimeline));
    await tap(page, '.retry');
    expect(textsOf(page, '.action')).toHaveLength(4);
  });

  test('when a published draft is opened, then its link can be copied', async () => {
    signIn(fake.storage);
    const published = {
      ...fixtures.draftDetail,
      status: 'published' as const,
      statusText: '已发布',
      publication: { url: 'https://mp.weixin.qq.com/s/abc', publishedAt: '2026-11-25T02:00:00.000Z' },
    };
    fake.route('GET /api/v1/drafts/:reference', ok(published));
    const page = await openK7Q2();
    await tap(page, '.line', 4);
    expect(fake.mocks.setClipboardData).toHaveBeenCalledWith(
      expect.objectContaining({ data: 'https://mp.weixin.qq.com/s/abc' }),
    );
  });
});
