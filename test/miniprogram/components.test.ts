/** Each component alone: rendering from its properties, its events, and its empty state. */
import { installFakeWx } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { render, tap, textOf, textsOf } from './support/render';
import { toDiffView, toFindingRows, toTimelineRows } from '../../miniprogram/app/lib/draft-detail-view';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
});

describe('state-view', () => {
  test('when loading, empty or failed, then it says so, and 重试 fires retry', async () => {
    const view = await render('components/state-view/state-view', { properties: { status: 'loading' } });
    expect(textOf(view)).toBe('正在加载…');

    view.setData({ status: 'empty', emptyText: '没有符合条件的稿件' });
    expect(textOf(view)).toBe('没有符合条件的稿件');

    const retried = jest.fn();
    view.instance.triggerEvent = retried;
    view.setData({ status: 'error', message: '网络连接失败，请检查网络后重试' });
    expect(textOf(view)).toBe('网络连接失败，请检查网络后重试 重试');
    await tap(view, '.retry');
    expect(retried).toHaveBeenCalledWith('retry');
  });
});

describe('bar-chart', () => {
  const spec = {
    color: '#1a5fb4',
    rows: [
      { label: '审核中', value: 7, valueText: '7 篇' },
      { label: '已发布', value: 42, valueText: '42 篇' },
    ],
  };

  test('when given rows, then the canvas carries the spec, a height for every row and a spoken summary', async () => {
    const chart = await render('components/bar-chart/bar-chart', { properties: { spec, title: '稿件状态' } });
    const canvas = chart.dom?.querySelector('wx-canvas');
    expect(JSON.parse(canvas?.getAttribute('data-chart') ?? '{}')).toEqual(spec);
    expect(canvas?.getAttribute('style')).toContain('height: 72px');
    expect(chart.instance.data.summary).toBe('审核中 7 篇，已发布 42 篇');
    expect(textOf(chart)).toBe('稿件状态');
  });

  test('when there are no rows, then it shows the empty text instead of a canvas', async () => {
    const chart = await render('components/bar-chart/bar-chart', {
      properties: { spec: { color: '#000', rows: [] }, emptyText: '近期没有审核完成的稿件' },
    });
    expect(chart.dom?.querySelector('wx-canvas')).toBeNull();
    expect(textOf(chart)).toBe('近期没有审核完成的稿件');
  });
});

describe('finding-list', () => {
  test('when a version has findings, then each shows severity, where, the masked excerpt and the advice', async () => {
    const list = await render('components/finding-list/finding-list', {
      properties: { findings: toFindingRows(fixtures.draftDetail.versions[0].findings) },
    });
    expect(textOf(list)).toBe('必须修改 个人信息 · 正文 “电话 138****5678” 手机号码须脱敏或改为办公电话');
  });

  test('when a version has none, then it says the pre-check found nothing', async () => {
    const list = await render('components/finding-list/finding-list', { properties: { findings: [] } });
    expect(textOf(list)).toBe('预审未发现问题');
  });
});

describe('version-diff', () => {
  test('when text changed, then added and removed runs are marked and long unchanged runs are cut', async () => {
    const diff = await render('components/version-diff/version-diff', {
      properties: { diff: toDiffView(fixtures.draftDiff) },
    });
    expect(textsOf(diff, '.added')).toEqual(['新增', '2026年', '20', '专项', '并报送自查表。', '0310-1234567']);
    expect(textsOf(diff, '.removed')).toEqual(['删除', '15', '，', '138****5678']);
    expect(textOf(diff)).toContain('第 1 版（a1b2c3d4）→ 第 2 版（3fa9c2e1）');
    expect(textsOf(diff, '.same')[2]).toBe('…育局决定于12月1日至12月');
  });

  test('when only the body changed, then the title says 标题未改动', async () => {
    const unchangedTitle = { ...fixtures.draftDiff, title: [{ kind: 'same' as const, text: '通知' }] };
    const diff = await render('components/version-diff/version-diff', {
      properties: { diff: toDiffView(unchangedTitle) },
    });
    expect(textOf(diff)).toContain('标题未改动');
  });
});

describe('audit-timeline', () => {
  test('when events are given, then each shows what, who, for whom, when, through what, why and the short hash', async () => {
    const timeline = await render('components/audit-timeline/audit-timeline', {
      properties: { events: toTimelineRows(fixtures.draftTimeline.events) },
    });
    const events = textsOf(timeline, '.event');
    expect(events).toHaveLength(4);
    expect(events[3]).toBe(
      '同意 钱卫东 代 周敏 2026-11-24 11:10 · 工作群（政务微信） 同意，注意核实日期 #1219 · 第 2 版 · 3fa9c2e1',
    );
    expect(timeline.querySelectorAll('.dot-bad')).toHaveLength(1);
    expect(timeline.querySelectorAll('.dot-good')).toHaveLength(1);
  });

  test('when there are no events, then it says so', async () => {
    const timeline = await render('components/audit-timeline/audit-timeline', { properties: { events: [] } });
    expect(textOf(timeline)).toBe('还没有审计记录');
  });
});

describe('list-footer', () => {
  test('when more pages exist or loading failed, then a tap asks for the next page', async () => {
    const footer = await render('components/list-footer/list-footer', { properties: { state: 'more' } });
    const loadMore = jest.fn();
    footer.instance.triggerEvent = loadMore;
    expect(textOf(footer)).toBe('加载更多');
    await tap(footer, '.footer-more');
    footer.setData({ state: 'error' });
    expect(textOf(footer)).toBe('加载失败，点此重试');
    await tap(footer, '.footer-error');
    expect(loadMore).toHaveBeenCalledTimes(2);
    footer.setData({ state: 'end' });
    expect(textOf(footer)).toBe('没有更多了');
  });
});

describe('session-bar', () => {
  test('when the admin confirms 退出登录, then the session is gone, the refresh token revoked and login opens', async () => {
    signIn(fake.storage, fixtures.admin);
    fake.route('POST /api/v1/auth/logout', { status: 204, body: '' });
    const bar = await render('components/session-bar/session-bar');
    expect(textOf(bar)).toBe('李静 管理员 退出登录');

    await tap(bar, '.logout');

    expect(fake.storage.has('shenfa.session')).toBe(false);
    expect(fake.requests[0]).toMatchObject({
      path: '/api/v1/auth/logout',
      body: { refreshToken: fixtures.login.refreshToken },
    });
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' });
  });

  test('when the admin cancels, then nothing changes', async () => {
    signIn(fake.storage, fixtures.admin);
    fake.answerModal(false);
    const bar = await render('components/session-bar/session-bar');
    await tap(bar, '.logout');
    expect(fake.storage.has('shenfa.session')).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });
});
