/** The 留言 list (R8): rows, the status / 逾期 / month filters, cursor pages, and the way into a detail. */
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { inquiryFixtures } from './support/inquiry-fixtures';
import { fire, render, settle, tap, textOf, textsOf } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});

const listRequests = () => fake.requests.filter((request) => request.path === '/api/v1/inquiries');

describe('留言 list page', () => {
  test('when opened, then each inquiry shows its code, status, kind, excerpt, account, deadline and 已逾期', async () => {
    const page = await render('pages/inquiries/inquiries');

    expect(listRequests()[0].query).toEqual({ limit: '20' });
    expect(textsOf(page, '.inquiry')).toEqual([
      '#Q7K2 办理中 咨询 已逾期 孩子明年上小学，户口在城关镇，住在滨河小区，请问学区怎么划分？电话138****5678 清河教育 县教育局 答复期限 2026-11-25 2026-11-18 09:20 受理',
      '#R4MN 办理中 投诉 城关镇东街的路灯坏了两个星期了，晚上很黑，老人孩子出门不安全… 城关镇发布 城关镇人民政府 答复期限 2026-12-07 2026-11-26 15:45 受理',
      '#A9TX 已答复 建议 建议在公众号上公布各校课后服务的收费标准 清河教育 县教育局 答复期限 2026-11-17 2026-11-10 10:00 受理 2026-11-12 14:30 答复（平台客服消息）',
    ]);
    expect(textsOf(page, '.due-overdue')).toEqual(['答复期限 2026-11-25']);
    expect(textOf(page)).toContain('加载更多');
  });

  test('when a status chip is tapped, then the list reloads from the first page with that status', async () => {
    const page = await render('pages/inquiries/inquiries');
    fake.route('GET /api/v1/inquiries', ok({ items: [inquiryFixtures.listFirstPage.items[2]], nextCursor: null }));

    await tap(page, '.status-chip', 2);

    expect(listRequests()[1].query).toEqual({ status: 'answered', limit: '20' });
    expect(textsOf(page, '.inquiry-code')).toEqual(['#A9TX']);
    expect(textsOf(page, '.chip-on')).toEqual(['已答复']);
  });

  test('when 已逾期 and a month are chosen, then both are sent, and 全部月份 drops the month again', async () => {
    const page = await render('pages/inquiries/inquiries');

    await tap(page, '.overdue-chip');
    await fire(page, '.month-picker', 'change', { value: '2026-10' });

    expect(listRequests()[2].query).toEqual({ overdue: 'true', month: '2026-10', limit: '20' });
    expect(textOf(page)).toContain('✓ 已逾期 受理月份：2026年10月 ▾ 全部月份');

    await tap(page, '.all-months');
    await tap(page, '.overdue-chip');
    expect(listRequests()[4].query).toEqual({ limit: '20' });
    expect(textOf(page)).toContain('受理月份：全部月份 ▾');
  });

  test('when the dashboard opens it for the overdue ones, then the first request asks only for those', async () => {
    const page = await render('pages/inquiries/inquiries', { query: { overdue: 'true' } });
    expect(listRequests()[0].query).toEqual({ overdue: 'true', limit: '20' });
    expect(textsOf(page, '.chip-alert')).toEqual(['✓ 已逾期']);
  });

  test('when the list nears its bottom, then the next page is fetched with the cursor and appended, once', async () => {
    const page = await render('pages/inquiries/inquiries');

    page.instance.onReachBottom();
    page.instance.onReachBottom();
    await settle();

    expect(listRequests()).toHaveLength(2);
    expect(listRequests()[1].query).toEqual({ limit: '20', cursor: 'inquiry-cursor-2' });
    expect(textsOf(page, '.inquiry-code')).toEqual(['#Q7K2', '#R4MN', '#A9TX', '#Z2WD']);
    expect(textsOf(page, '.inquiry')[3]).toContain('#Z2WD 无效 其他 加微信领红包');
    expect(textOf(page)).toContain('没有更多了');
  });

  test('when an inquiry is tapped, then its detail opens by id', async () => {
    const page = await render('pages/inquiries/inquiries');
    await tap(page, '.inquiry', 1);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/inquiry-detail/inquiry-detail?id=${inquiryFixtures.listFirstPage.items[1].id}`,
    });
  });

  test('when nothing matches, then the empty state says so', async () => {
    fake.route('GET /api/v1/inquiries', ok({ items: [], nextCursor: null }));
    const page = await render('pages/inquiries/inquiries');
    expect(textOf(page)).toContain('没有符合条件的留言');
  });

  test('when loading fails, then the server message shows, and 重试 loads again', async () => {
    fake.route('GET /api/v1/inquiries', failure(400, 'VALIDATION_FAILED', '月份应形如 2026-11'));
    const page = await render('pages/inquiries/inquiries');
    expect(textOf(page)).toContain('月份应形如 2026-11 重试');

    fake.route('GET /api/v1/inquiries', ok(inquiryFixtures.listFirstPage));
    await tap(page, '.retry');
    expect(textsOf(page, '.inquiry')).toHaveLength(3);
  });

  test('when an officer opens the drafts page (their home), then it leads to their units’ 留言', async () => {
    signIn(fake.storage, fixtures.officer);
    const page = await render('pages/drafts/drafts');
    await tap(page, '.inquiries-link');
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({ url: '/pages/inquiries/inquiries' });
  });
});
