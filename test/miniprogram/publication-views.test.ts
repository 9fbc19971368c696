/**
 * Where admins see publishing and its verification (issue 25, item 7): the 发布核验 card of a draft,
 * the publication steps on its timeline, the dashboard's card of the last 30 days, and the 平台巡查 card
 * of a 微信公众号 account with 立即巡查.
 */
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { publicationFixtures } from './support/publication-fixtures';
import { queryAll, render, tap, textOf, textsOf } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});
afterEach(() => jest.restoreAllMocks());

const openDraft = () => render('pages/draft-detail/draft-detail', { query: { reference: 'K7Q2' } });
const [education, town] = fixtures.accountList.accounts;
const sweepPath = `/api/v1/accounts/${education.id}/sweep`;

describe('发布核验 on the draft detail', () => {
  test('when the draft was published and its article differs, then the card says so with the link, the approved hash and the difference word by word', async () => {
    fake.route('GET /api/v1/drafts/:reference', ok(publicationFixtures.publishedDraft));
    const page = await openDraft();

    const [card] = textsOf(page, '.check-head');
    expect(card).toBe('发布核验 已发布，核验不一致');
    expect(textOf(page)).toContain(
      '平台上的文章与审核通过的第2版有 1 处不同，已通知投稿人、审核领导和管理员。 公众号 清河教育 来源 经审发提交发布',
    );
    expect(textOf(page)).toContain('比对对象 审核通过的第 2 版 · 3fa9c2e1 核验时间 2026-11-25 10:04');
    expect(textsOf(page, '.heading')).toEqual(['审核通过的第 2 版 → 平台上的文章（1 处不同）']);
    expect(textsOf(page, '.removed')).toContain('20');
    expect(textsOf(page, '.added')).toContain('25');
    // The words are shown; the chat's lines would only repeat them.
    expect(textsOf(page, '.difference-line')).toEqual([]);

    await tap(page, '.article-link');
    expect(fake.mocks.setClipboardData).toHaveBeenLastCalledWith({ data: publicationFixtures.articleUrl });
  });

  test('when the article was verified, then the card is green and shows no difference', async () => {
    fake.route(
      'GET /api/v1/drafts/:reference',
      ok({ ...publicationFixtures.publishedDraft, publicationCheck: publicationFixtures.verified }),
    );
    const page = await openDraft();
    expect(textsOf(page, '.check-head')).toEqual(['发布核验 已发布，核验一致']);
    expect(queryAll(page, '.check-head .tag-approved')).toHaveLength(1);
    expect(textsOf(page, '.heading')).toEqual([]);
  });

  test('when the sweep found a post published by hand that differs, then its difference shows as the lines the chat sent', async () => {
    fake.route(
      'GET /api/v1/drafts/:reference',
      ok({ ...publicationFixtures.publishedDraft, publicationCheck: publicationFixtures.sweptMismatch }),
    );
    const page = await openDraft();
    expect(textOf(page)).toContain('来源 平台巡查发现（后台发布）');
    expect(textsOf(page, '.difference-line')).toEqual(['· 第2段 改：…决定于12月1日至12月【20】→【25】日开展消防安全']);
    expect(textsOf(page, '.heading')).toEqual([]);
  });

  test('when the draft is still in review, then there is no 发布核验 card', async () => {
    const page = await openDraft();
    expect(textsOf(page, '.check-head')).toEqual([]);
    expect(textOf(page)).not.toContain('发布核验');
  });

  test('when the timeline holds the publication, then each step reads in Chinese, the system channels named, a mismatch marked', async () => {
    fake.route('GET /api/v1/drafts/:reference/timeline', ok(publicationFixtures.publishedTimeline));
    const page = await openDraft();
    expect(textsOf(page, '.action').slice(-4)).toEqual(['提交公众号发布', '平台已发布', '登记发布', '发布核验不一致']);
    expect(textsOf(page, '.when').slice(-3)).toEqual([
      '2026-11-25 10:03 · 公众号平台通知',
      '2026-11-25 10:03 · 公众号平台',
      '2026-11-25 10:04 · 公众号平台通知',
    ]);
    const dots = queryAll(page, '.dot').map((dot) => dot.dom?.getAttribute('class') ?? '');
    expect(dots.at(-1)).toContain('dot-bad');
    expect(dots.at(-2)).toContain('dot-good');
  });
});

describe('the dashboard card of the last 30 days', () => {
  test('when an admin opens the dashboard, then the verified, differing and unapproved posts are counted and the unapproved listed', async () => {
    const page = await render('pages/dashboard/dashboard');
    const [card] = textsOf(page, '.publications');
    expect(card).toContain('发布核验（近 30 天） 18 核验一致 1 与审核版本不一致 2 未经审核发布 0 核验后被删改');
    expect(textsOf(page, '.unapproved')).toEqual([
      '未经审核 关于调整冬季作息时间的通知 清河教育 · 2026-11-26 20:40 · 点按复制链接',
      '未经审核 转发：全省道路交通安全提示 平安清河 · 2026-11-21 17:15 · 点按复制链接',
    ]);
    expect(card).toContain('已接入 3 个公众号，最近巡查 2026-11-27 08:30');
    expect(queryAll(page, '.publications .check-alert')).toHaveLength(2);

    await tap(page, '.unapproved');
    expect(fake.mocks.setClipboardData).toHaveBeenLastCalledWith({
      data: 'https://mp.weixin.qq.com/s/qinghe-jiaoyu-zuoxi',
    });
  });

  test('when no account in scope is connected, then the card says how counting starts', async () => {
    fake.route(
      'GET /api/v1/dashboard',
      ok({
        ...fixtures.dashboard,
        publications: {
          ...fixtures.dashboard.publications!,
          connectedAccounts: 0,
          verified: 0,
          mismatched: 0,
          unapproved: 0,
          latestUnapproved: [],
        },
      }),
    );
    const page = await render('pages/dashboard/dashboard');
    expect(textsOf(page, '.publications')[0]).toContain('还没有接入发布接口的公众号。');
  });

  test('when the viewer sees no accounts (an officer), then there is no card', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route('GET /api/v1/dashboard', ok({ ...fixtures.dashboard, registry: null, publications: null }));
    const page = await render('pages/dashboard/dashboard');
    expect(textsOf(page, '.publications')).toEqual([]);
  });
});

describe('平台巡查 on the account detail', () => {
  test('when a connected 微信公众号 account is opened, then the last sweep shows when it ran and what it found', async () => {
    const page = await render('pages/account-detail/account-detail', { query: { id: education.id } });
    expect(fake.requests.filter((request) => request.path === sweepPath).map((request) => request.method)).toEqual([
      'GET',
    ]);
    expect(textsOf(page, '.swept-at')).toEqual(['2026-11-27 08:30']);
    expect(textsOf(page, '.figure')).toEqual(['20 查看文章', '3 新发现', '1 未经审核', '0 不一致', '0 被删改']);
    expect(textOf(page)).toContain('未经审核发布 1 篇。');
  });

  test('when 立即巡查 is tapped, then the account is swept now and the card shows the answer, the unapproved told', async () => {
    fake.route('GET /api/v1/accounts/:id/sweep', ok(publicationFixtures.neverSwept));
    const page = await render('pages/account-detail/account-detail', { query: { id: education.id } });
    expect(textOf(page)).toContain('尚未巡查。');

    await tap(page, '.sweep-now');

    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: sweepPath, body: {} });
    expect(textsOf(page, '.swept-at')).toEqual(['2026-11-27 08:30']);
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '发现 1 篇未经审核发布' }));
  });

  test('when the sweep is refused, then the reason is toasted and the button is usable again', async () => {
    fake.route(
      'POST /api/v1/accounts/:id/sweep',
      failure(
        409,
        'ACCOUNT_NOT_CONNECTED',
        '该账号尚未连接公众号平台接口，无法核查平台上的文章：请先在账号详情中填写并测试连接',
      ),
    );
    const page = await render('pages/account-detail/account-detail', { query: { id: education.id } });
    await tap(page, '.sweep-now');
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: expect.stringContaining('请先在账号详情中填写并测试连接') }),
    );
    expect(textsOf(page, '.sweep-now')).toEqual(['立即巡查']);
  });

  test('when the last sweep cannot be read, then the card says why and 重试 reads it again', async () => {
    fake.route('GET /api/v1/accounts/:id/sweep', failure(500, 'INTERNAL', 'x'));
    const page = await render('pages/account-detail/account-detail', { query: { id: education.id } });
    expect(textOf(page)).toContain('平台巡查 立即巡查 服务器暂时出错，请稍后重试 重试');

    fake.route('GET /api/v1/accounts/:id/sweep', ok(publicationFixtures.swept));
    expect(queryAll(page, '.retry')).toHaveLength(1);
    await tap(page, '.retry');
    expect(textsOf(page, '.swept-at')).toEqual(['2026-11-27 08:30']);
  });

  test('when the account is on another platform, then there is no sweep card', async () => {
    const page = await render('pages/account-detail/account-detail', { query: { id: town.id } });
    expect(textsOf(page, '.sweep-now')).toEqual([]);
    expect(fake.requests.some((request) => request.path.endsWith('/sweep'))).toBe(false);
  });
});
