import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { fire, render, settle, tap, textOf, textsOf, typeInto } from './support/render';
import { serveFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
  serveFixtures(fake);
});

const draftRequests = () => fake.requests.filter((request) => request.path === '/api/v1/drafts');

describe('drafts page', () => {
  test('when an admin opens it, then the first page of drafts is listed with status, unit and pending step', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');

    expect(textsOf(page, '.draft')).toHaveLength(4);
    expect(textsOf(page, '.draft')[0]).toBe(
      '#K7Q2 审核中 第 2 版 关于开展2026年冬季消防安全检查的通知 县教育局 刘洋 第 2/2 步，待 孙丽、钱卫东 最后变更 2026-11-25 11:00',
    );
    expect(draftRequests()[0].query).toEqual({ limit: '20' });
    expect(textOf(page)).toContain('加载更多');
  });

  test('when the list nears its bottom, then the next page is fetched with the cursor and appended, once', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');

    page.instance.onReachBottom();
    page.instance.onReachBottom();
    await settle();

    expect(draftRequests()).toHaveLength(2);
    expect(draftRequests()[1].query).toEqual({ limit: '20', cursor: 'cursor-page-2' });
    expect(textsOf(page, '.draft-code')).toEqual(['#K7Q2', '#R8TW', '#P2LA', '#D004', '#H6NB', '#Z9QE']);
    expect(textOf(page)).toContain('没有更多了');

    page.instance.onReachBottom();
    await settle();
    expect(draftRequests()).toHaveLength(2);
  });

  test('when loading more fails, then the footer offers a retry that fetches the same cursor', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    fake.route('GET /api/v1/drafts', failure(500, 'INTERNAL', 'x'));
    page.instance.onReachBottom();
    await settle();
    expect(textOf(page)).toContain('加载失败，点此重试');
    expect(textsOf(page, '.draft')).toHaveLength(4);

    fake.route('GET /api/v1/drafts', ok(fixtures.draftsSecondPage));
    await tap(page, '.footer-error');
    expect(draftRequests()[2].query.cursor).toBe('cursor-page-2');
    expect(textsOf(page, '.draft')).toHaveLength(6);
  });

  test('when a status chip is tapped, then the list reloads from the first page with that status', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    fake.route('GET /api/v1/drafts', ok({ items: [fixtures.draftsFirstPage.items[1]], nextCursor: null }));

    await tap(page, '.chip', 4);

    expect(draftRequests()[1].query).toEqual({ status: 'rejected', limit: '20' });
    expect(textsOf(page, '.draft-code')).toEqual(['#R8TW']);
    expect(textsOf(page, '.chip-on')).toEqual(['已驳回', '全部时间']);
  });

  test('when 30 天内 is tapped, then drafts changed since 30 days ago (Shanghai date) are asked for', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    await tap(page, '.period', 2);
    const expected = new Date(Date.now() + 8 * 3600 * 1000 - 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(draftRequests()[1].query).toEqual({ from: expected, limit: '20' });
    expect(textsOf(page, '.chip-on')).toEqual(['全部', '30 天内']);
  });

  test('when a title is searched and a unit picked, then both filters are sent', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    await fire(page, '.search-input', 'confirm', { value: ' 消防 ' });
    await fire(page, '.unit-picker', 'change', { value: 3 });

    expect(draftRequests()[2].query).toEqual({ q: '消防', unitId: fixtures.unitList.items[2].id, limit: '20' });
    expect(textOf(page)).toContain('单位：县教育局 ▾');
  });

  test('when a leader opens it, then there is no unit picker (units are an admin route)', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/drafts/drafts');
    expect(page.querySelector('.unit-picker')).toBeUndefined();
    expect(fake.requests.some((request) => request.path === '/api/v1/units')).toBe(false);
    expect(textsOf(page, '.draft')).toHaveLength(4);
  });

  test('when nothing matches, then the empty state says so', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts', ok({ items: [], nextCursor: null }));
    const page = await render('pages/drafts/drafts');
    expect(textOf(page)).toContain('没有符合条件的稿件');
  });

  test('when an officer opens it, then it is their home: 我的稿件, no unit filter, and 退出登录', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route('GET /api/v1/drafts', ok({ items: [], nextCursor: null }));
    const setTitle = jest.fn();
    Object.assign(wx, { setNavigationBarTitle: setTitle });
    const page = await render('pages/drafts/drafts');

    expect(setTitle).toHaveBeenCalledWith({ title: '我的稿件' });
    expect(textOf(page)).toContain('您还没有投稿');
    expect(textOf(page)).toContain('退出登录');
    expect(page.querySelector('.unit-picker')).toBeUndefined();
    expect(fake.requests.some((request) => request.path === '/api/v1/units')).toBe(false);
  });

  test('when loading fails, then the error is shown, and 重试 loads again', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts', failure(403, 'FORBIDDEN', '您没有查看稿件的权限'));
    const page = await render('pages/drafts/drafts');
    expect(textOf(page)).toContain('您没有查看稿件的权限');

    fake.route('GET /api/v1/drafts', ok(fixtures.draftsFirstPage));
    await tap(page, '.retry');
    expect(textsOf(page, '.draft')).toHaveLength(4);
  });

  test('when a filter changes while a page is loading, then the older answer is dropped', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    let release: () => void = () => undefined;
    fake.route(
      'GET /api/v1/drafts',
      () =>
        new Promise((resolve) => {
          release = () => resolve(ok(fixtures.draftsFirstPage));
        }),
    );
    await tap(page, '.chip', 1);
    fake.route('GET /api/v1/drafts', ok({ items: [fixtures.draftsFirstPage.items[2]], nextCursor: null }));
    await tap(page, '.chip', 2);
    release();
    await settle();
    expect(textsOf(page, '.draft-code')).toEqual(['#P2LA']);
  });

  test('when pulled down, then the first page reloads and the indicator stops', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    await page.instance.onPullDownRefresh();
    expect(draftRequests()).toHaveLength(2);
    expect(fake.mocks.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('when a draft is tapped, then its detail opens', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    await tap(page, '.draft', 1);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({ url: '/pages/draft-detail/draft-detail?reference=R8TW' });
  });

  test('when the search box is typed into, then nothing is sent until the search is confirmed', async () => {
    signIn(fake.storage);
    const page = await render('pages/drafts/drafts');
    await typeInto(page, '.search-input', '消防');
    expect(draftRequests()).toHaveLength(1);
  });
});
