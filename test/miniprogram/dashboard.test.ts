import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, pinClock, signIn } from './support/fixtures';
import { render, settle, tap, textOf, textsOf } from './support/render';
import { serveFixtures } from './support/serve-fixtures';
import { inquiryFixtures } from './support/inquiry-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
  serveFixtures(fake);
});

const chartRows = (page: Awaited<ReturnType<typeof render>>, index: number) =>
  JSON.parse(page.dom?.querySelectorAll('wx-canvas')[index].getAttribute('data-chart') ?? '{}').rows;

describe('dashboard page', () => {
  test('when an admin opens it, then status counts and turnaround are charted and the longest waits listed', async () => {
    signIn(fake.storage, fixtures.admin);
    const page = await render('pages/dashboard/dashboard');

    expect(textOf(page)).toContain('稿件状态（共 59 篇）');
    expect(
      chartRows(page, 0).map((row: { label: string; valueText: string }) => `${row.label} ${row.valueText}`),
    ).toEqual(['审核中 7 篇', '已同意 3 篇', '已发布 42 篇', '已驳回 5 篇', '已撤回 2 篇']);
    expect(chartRows(page, 1)[1]).toEqual({
      label: '县教育局',
      value: 260,
      extendedValue: 1430,
      valueText: '4.3时/23.8时',
    });
    expect(textsOf(page, '.waiting')[0]).toBe(
      '#K7Q2 关于开展2026年冬季消防安全检查的通知 已等待 3 天 （自 2026-11-24 09:30） 县教育局 · 待 孙丽、钱卫东',
    );
    expect(textsOf(page, '.menu-entry')).toEqual([
      '全部稿件',
      '留言',
      '人员',
      '单位',
      '审核路线',
      '账号台账',
      '年审',
      '导出记录',
    ]);
  });

  test('when the registry does not report yet, then the risk slot says so rather than "none at risk"', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', ok({ ...fixtures.dashboard, accountsAtRisk: null }));
    const page = await render('pages/dashboard/dashboard');
    expect(textOf(page)).toContain('账号台账与更新频率检查接入后，这里显示有停更、年审或备案风险的账号。');
  });

  test('when accounts are at risk, then they are charted by reason and listed with what is wrong', async () => {
    signIn(fake.storage);
    const page = await render('pages/dashboard/dashboard');
    expect(
      chartRows(page, 2).map((row: { label: string; valueText: string }) => `${row.label} ${row.valueText}`),
    ).toEqual(['更新频率 2 个', '年度审核 1 个', '认证 1 个', '互动功能 1 个']);
    expect(textsOf(page, '.risk')[0]).toBe(
      '微信公众号 · 清河教育 台账 › 县教育局 更新频率 已 12 天未更新，满 14 天将被单项否决 年度审核 年度报告未提交，截止 11 月 30 日',
    );
    expect(textsOf(page, '.risk')[1]).toBe(
      '抖音 · 健康清河 台账 › 县卫生健康局 认证 平台认证 12 月 2 日到期，仅剩 5 天 更新频率 已 15 天没有原创内容',
    );
  });

  test('when an admin taps an account at risk, then its registry entry opens', async () => {
    signIn(fake.storage);
    const page = await render('pages/dashboard/dashboard');
    await tap(page, '.risk', 1);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/account-detail/account-detail?id=${fixtures.accountsAtRisk[1].account.id}`,
    });
  });

  test('when a leader sees accounts at risk, then they are listed without a link to the admin-only registry', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/dashboard/dashboard');
    expect(textsOf(page, '.risk')[2]).toBe('微博 · 城关镇发布 城关镇人民政府 互动功能 互动留言功能未开启');
    await tap(page, '.risk');
    expect(fake.mocks.navigateTo).not.toHaveBeenCalled();
  });

  test("when an admin opens it, then the registry and this year's annual review are counted, alarming figures in red", async () => {
    signIn(fake.storage);
    const page = await render('pages/dashboard/dashboard');
    const figures = (selector: string) => textsOf(page, selector);
    expect(figures('.figure')).toEqual([
      '12 运行中',
      '1 申请中',
      '1 关停中',
      '1 逾期未备案',
      '1 互动关闭',
      '2 认证将到期',
      '4 未提交',
      '3 待审核',
      '5 通过',
      '0 不通过',
      '0 待关停',
    ]);
    expect(figures('.figure-alert')).toEqual(['1 逾期未备案', '1 互动关闭', '2 认证将到期', '4 未提交']);
    expect(textOf(page)).toContain('2026 年度年审');
  });

  test('when the server sends no registry figures (not an admin), then the registry card is not shown', async () => {
    signIn(fake.storage, fixtures.leader);
    fake.route('GET /api/v1/dashboard', ok({ ...fixtures.dashboard, registry: null }));
    const page = await render('pages/dashboard/dashboard');
    expect(textsOf(page, '.figure')).toEqual([]);
    expect(textOf(page)).not.toContain('年度年审');
  });

  test('when a leader opens it, then only the drafts and 留言 shortcuts are offered', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/dashboard/dashboard');
    expect(textsOf(page, '.menu-entry')).toEqual(['稿件', '留言']);
  });

  test("when opened, then this month's 留言 figures show, an on-time rate under 100 % and overdue ones in red", async () => {
    signIn(fake.storage, fixtures.leader);
    pinClock();
    const page = await render('pages/dashboard/dashboard');

    expect(fake.requests.find((request) => request.path === '/api/v1/inquiries/figures')?.query).toEqual({
      month: '2026-11',
      groupBy: 'account',
    });
    expect(textsOf(page, '.rate')).toEqual(['23 留言数', '85.7% 答复率', '84.2% 按期答复率', '1 逾期未答复']);
    expect(textsOf(page, '.rate-alert')).toEqual(['84.2% 按期答复率', '1 逾期未答复']);
    expect(textOf(page)).toContain('留言（2026年11月） 全部留言 ›');
    expect(textOf(page)).toContain('有效留言 21 条，已答复 18 条，其中按期 16 条；答复用时中位数 9.5 个工作小时');

    await tap(page, '.rate', 3);
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/inquiries/inquiries?overdue=true' });
    await tap(page, '.rate', 0);
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/inquiries/inquiries?month=2026-11' });
  });

  test('when the 留言 figures cannot be read, then only their card shows the error, with 重试', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/inquiries/figures', failure(503, 'DATABASE_UNAVAILABLE', '数据库暂不可用'));
    const page = await render('pages/dashboard/dashboard');
    expect(textOf(page)).toContain('留言 全部留言 › 服务器暂时出错，请稍后重试 重试');
    expect(textOf(page)).toContain('稿件状态（共 59 篇）');

    fake.route('GET /api/v1/inquiries/figures', ok(inquiryFixtures.figures));
    await tap(page, '.retry');
    expect(textsOf(page, '.rate')).toHaveLength(4);
  });

  test('when a waiting draft is tapped, then its detail opens', async () => {
    signIn(fake.storage);
    const page = await render('pages/dashboard/dashboard');
    await tap(page, '.waiting', 1);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({ url: '/pages/draft-detail/draft-detail?reference=M3XD' });
  });

  test('when nothing is waiting and nothing was approved, then the cards say so', async () => {
    signIn(fake.storage);
    fake.route(
      'GET /api/v1/dashboard',
      ok({ ...fixtures.dashboard, waitingLongest: [], turnaround: { windowDays: 30, units: [] }, accountsAtRisk: [] }),
    );
    const page = await render('pages/dashboard/dashboard');
    expect(textOf(page)).toContain('近期没有审核完成的稿件');
    expect(textOf(page)).toContain('没有等待审核的稿件');
    expect(textOf(page)).toContain('没有风险账号');
  });

  test('when loading fails, then the error is shown and 重试 loads again', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', failure(503, 'DATABASE_UNAVAILABLE', '数据库暂不可用'));
    const page = await render('pages/dashboard/dashboard');
    expect(textOf(page)).toContain('服务器暂时出错，请稍后重试');

    fake.route('GET /api/v1/dashboard', ok(fixtures.dashboard));
    await tap(page, '.retry');
    expect(textOf(page)).toContain('稿件状态（共 59 篇）');
  });

  test('when pulled down, then it reloads and stops the refresh indicator', async () => {
    signIn(fake.storage);
    const page = await render('pages/dashboard/dashboard');
    fake.route(
      'GET /api/v1/dashboard',
      ok({ ...fixtures.dashboard, countsByStatus: { ...fixtures.dashboard.countsByStatus, in_review: 8 } }),
    );
    await page.instance.onPullDownRefresh();
    await settle();
    expect(textOf(page)).toContain('稿件状态（共 60 篇）');
    expect(fake.mocks.stopPullDownRefresh).toHaveBeenCalled();
  });
});
