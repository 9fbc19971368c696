/**
 * 考核自查 (R10): the units ranked worst first with their counts and lowest score, a past 监测日期, a
 * unit's accounts and the way into one account's report; the report's lines, clauses, next steps and
 * records; an officer outside the scope told why; the dashboard's way in.
 */
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { readinessFixtures } from './support/readiness-fixtures';
import { inquiryFixtures } from './support/inquiry-fixtures';
import { fire, render, tap, textOf, textsOf } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
  fake.route('GET /api/v1/readiness', ok(readinessFixtures.overview));
  fake.route('GET /api/v1/readiness/accounts/:id', ok(readinessFixtures.weiboReport));
});

const requestsTo = (path: string) => fake.requests.filter((request) => request.path === path);
const weiboId = readinessFixtures.weiboReport.account.account.id;
const readinessForbidden = failure(403, 'READINESS_FOR_ADMINS_AND_LEADERS', '考核自查仅对管理员和分管领导开放');

describe('考核自查 ranking page', () => {
  test('when opened, then units show worst first with status, 不合格/风险/合格 counts and lowest score, for today', async () => {
    const page = await render('pages/readiness/readiness');

    expect(requestsTo('/api/v1/readiness')[0].query).toEqual({});
    expect(textOf(page)).toContain('监测日期：2026-11-27（今天） ▾');
    expect(textsOf(page, '.unit-head')).toEqual(['县应急管理局 不合格 收起 ▴', '县教育局 合格 账号 ▾']);
    expect(textsOf(page, '.unit-figures')).toEqual([
      '不合格 1 风险 1 合格 0 最低 52.5 分',
      '不合格 0 风险 0 合格 1 最低 96 分',
    ]);
    expect(textsOf(page, '.count-fail')).toEqual(['不合格 1']);
    expect(queryClasses(page, '.unit')).toEqual([
      expect.stringContaining('unit-fail'),
      expect.stringContaining('unit-pass'),
    ]);
  });

  test('when the worst unit is open, then each account shows its status, score and the first thing to fix', async () => {
    const page = await render('pages/readiness/readiness');

    expect(textsOf(page, '.account')).toEqual([
      '应急微博 不合格 52.5 分 微博 · 1 项未接入 首先整改：内容更新——已满14天未更新，单项否决：今天就发布一条，并安排固定的更新人 查看报告 ›',
      '应急抖音 风险 78 分 抖音 首先整改：备案——在账号台账中登记备案日期 查看报告 ›',
    ]);
  });

  test('when another unit is tapped, then its accounts show instead, and tapping it again folds it', async () => {
    const page = await render('pages/readiness/readiness');

    await tap(page, '.unit-head', 1);
    expect(textsOf(page, '.account-name')).toEqual(['清河教育']);
    expect(textsOf(page, '.first-to-fix')).toEqual(['各项指标均合格']);

    await tap(page, '.unit-head', 1);
    expect(textsOf(page, '.account')).toEqual([]);
  });

  test('when a past 监测日期 is picked, then the ranking reloads for that day and accounts open at it', async () => {
    const page = await render('pages/readiness/readiness');

    await fire(page, '.date-picker', 'change', { value: '2026-11-05' });
    expect(requestsTo('/api/v1/readiness')[1].query).toEqual({ date: '2026-11-05' });
    expect(textOf(page)).toContain('监测日期：2026-11-05 ▾ 回到今天');

    await tap(page, '.account', 0);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/readiness-account/readiness-account?id=${weiboId}&date=2026-11-05`,
    });

    await tap(page, '.back-to-today');
    expect(requestsTo('/api/v1/readiness')[2].query).toEqual({});
  });

  test('when an account is tapped for today, then its report opens without a date', async () => {
    const page = await render('pages/readiness/readiness');
    await tap(page, '.account', 1);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/readiness-account/readiness-account?id=${readinessFixtures.overview.units[0].accounts[1].account.id}`,
    });
  });

  test('when an officer who is neither admin nor leader opens it, then the refusal is read on the page', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route('GET /api/v1/readiness', readinessForbidden);
    const page = await render('pages/readiness/readiness');
    expect(textOf(page)).toContain('考核自查仅对管理员和分管领导开放 重试');
    expect(textsOf(page, '.unit')).toEqual([]);
  });

  test('when the scope has no running account, then the empty state says so', async () => {
    fake.route('GET /api/v1/readiness', ok({ ...readinessFixtures.overview, units: [] }));
    const page = await render('pages/readiness/readiness');
    expect(textOf(page)).toContain('监测日期没有运行中的账号');
  });

  test('when loading fails, then 重试 loads again', async () => {
    fake.route('GET /api/v1/readiness', failure(400, 'READINESS_DATE_FUTURE', '监测日期不能晚于今天'));
    const page = await render('pages/readiness/readiness');
    expect(textOf(page)).toContain('监测日期不能晚于今天 重试');

    fake.route('GET /api/v1/readiness', ok(readinessFixtures.overview));
    await tap(page, '.retry');
    expect(textsOf(page, '.unit-name')).toEqual(['县应急管理局', '县教育局']);
  });

  test('when the dashboard is open, then its 考核自查 card leads here', async () => {
    const page = await render('pages/dashboard/dashboard');
    await tap(page, '.readiness-link');
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({ url: '/pages/readiness/readiness' });
  });
});

describe('one account’s 考核自查 report', () => {
  const open = (query: Record<string, string> = { id: weiboId }) =>
    render('pages/readiness-account/readiness-account', { query });

  test('when opened, then its status, score, first thing to fix and the lines not connected are shown', async () => {
    const page = await open();

    expect(requestsTo(`/api/v1/readiness/accounts/${weiboId}`)[0].query).toEqual({});
    expect(textsOf(page, '.summary')[0]).toBe(
      '应急微博 不合格 县应急管理局 · 微博 52.5 分 监测日期 2026-11-27 ' +
        '首先整改：内容更新——已满14天未更新，单项否决：今天就发布一条，并安排固定的更新人 ' +
        '1 项未接入平台或没有记录，不计为合格，请接入后再看。 全国政务新媒体检查指标（默认），60 分及格',
    );
  });

  test('when the lines are read, then each says its group, value, status, next step and clause', async () => {
    const page = await open();

    expect(textsOf(page, '.indicator-head')).toEqual([
      '内容更新 单项否决 不合格',
      '留言回应 单项否决 风险',
      '备案 扣分项 风险',
      '答复率 扣分项 未接入',
      '年审 扣分项 合格',
    ]);
    expect(textsOf(page, '.indicator')[0]).toBe(
      '内容更新 单项否决 不合格 15 天（上次更新：2026年11月12日） ' +
        '下一步 已满14天未更新，单项否决：今天就发布一条，并安排固定的更新人 ' +
        '出处 《政府网站与政务新媒体检查指标》单项否决：监测时间点前2周内无更新 《冬季防火安全提示》 2026-11-12 ›',
    );
    expect(textsOf(page, '.advice')).toHaveLength(4);
    expect(textsOf(page, '.indicator')[4]).toContain('2026年度年审已通过 出处');
  });

  test('when the records are listed, then others are named with their date, and the rest counted', async () => {
    const page = await open();
    expect(textsOf(page, '.evidence-row')).toEqual([
      '《冬季防火安全提示》 2026-11-12 ›',
      '留言 Q7K2（超期 2 天） 2026-11-18 ›',
      '账号登记：开设于2026年3月1日 2026-03-01',
      '2026年度年审',
    ]);
    expect(textOf(page)).toContain('另有 2 条记录未列出');
  });

  test('when a draft or an inquiry record is tapped, then its detail opens; an account record opens nothing', async () => {
    const page = await open();

    await tap(page, '.evidence-row', 0);
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({
      url: `/pages/draft-detail/draft-detail?reference=${readinessFixtures.draftId}`,
    });
    await tap(page, '.evidence-row', 1);
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({
      url: `/pages/inquiry-detail/inquiry-detail?id=${inquiryFixtures.detail.id}`,
    });
    await tap(page, '.evidence-row', 2);
    expect(fake.mocks.navigateTo).toHaveBeenCalledTimes(2);
  });

  test('when opened for a past 监测日期, then the report is asked for that day', async () => {
    await open({ id: weiboId, date: '2026-11-05' });
    expect(requestsTo(`/api/v1/readiness/accounts/${weiboId}`)[0].query).toEqual({ date: '2026-11-05' });
  });

  test('when an account passes every line, then it says so and no next step is shown', async () => {
    fake.route('GET /api/v1/readiness/accounts/:id', ok(readinessFixtures.educationReport));
    const page = await open({ id: readinessFixtures.educationReport.account.account.id });
    expect(textsOf(page, '.first-to-fix')).toEqual(['各项指标均合格']);
    expect(textsOf(page, '.advice')).toEqual([]);
  });

  test('when the account is outside the viewer’s scope, then the server’s reason shows, and 重试 asks again', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route('GET /api/v1/readiness/accounts/:id', readinessForbidden);
    const page = await open();
    expect(textOf(page)).toContain('考核自查仅对管理员和分管领导开放 重试');

    await tap(page, '.retry');
    expect(requestsTo(`/api/v1/readiness/accounts/${weiboId}`)).toHaveLength(2);
  });

  test('when no account is named, then the page says so without asking', async () => {
    const page = await open({});
    expect(textOf(page)).toContain('缺少账号编号');
    expect(fake.requests.filter((request) => request.path.startsWith('/api/v1/readiness'))).toEqual([]);
  });
});

function queryClasses(page: Awaited<ReturnType<typeof render>>, selector: string): string[] {
  return page.querySelectorAll(selector).map((element) => element.dom?.className ?? '');
}
