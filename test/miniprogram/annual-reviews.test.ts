/** The annual review board: counts and groups of the current cycle, what each account lacks, decisions. */
import type { AnnualReviewView } from '../../src/shared/contracts';
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { queryAll, render, tap, textOf, textsOf } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});
afterEach(() => jest.restoreAllMocks());

const [open, submitted, failed, passed] = fixtures.annualReviews.reviews;
const board = () => render('pages/annual-reviews/annual-reviews');
const decisions = () => fake.requests.filter((request) => request.path.endsWith('/decision'));

describe('annual review board', () => {
  test('when an admin opens it, then the cycle is counted by state and each group lists what is missing', async () => {
    const page = await board();
    expect(textsOf(page, '.tile')).toEqual(['0 待关停', '1 已提交', '1 未提交', '1 不通过', '1 通过']);
    expect(textsOf(page, '.group')).toEqual([
      '已提交 1 个 城关镇发布 城关镇人民政府 2026-11-20 11:00 刘洋提交，待审核 通过 不通过',
      '未提交 1 个 清河教育 县教育局 未提交年度报告',
      '不通过 1 个 健康清河 县卫生健康局 未通过（缺少留言办理情况），须重新提交报告',
      '通过 1 个 城关镇视频号 城关镇人民政府 李静 2026-11-04 10:00 审核通过',
    ]);
    expect(textOf(page)).toContain('2026 年度 · 共 4 个账号');
  });

  test('when December lists accounts 待关停, then they come first with the date and what they still lack', async () => {
    const toClose = (review: AnnualReviewView): AnnualReviewView => ({
      ...review,
      toClose: true,
      toCloseSince: '2026-12-01T01:00:00.000Z',
    });
    fake.route(
      'GET /api/v1/annual-reviews',
      ok({ reviews: [toClose(open), toClose(failed), passed], nextCursor: null }),
    );
    const page = await board();
    expect(textsOf(page, '.tile')).toEqual(['2 待关停', '0 已提交', '0 未提交', '0 不通过', '1 通过']);
    expect(textsOf(page, '.group-to-close .missing')).toEqual([
      '自 2026-12-01 列为待关停；未提交年度报告',
      '自 2026-12-01 列为待关停；未通过（缺少留言办理情况），须重新提交报告',
    ]);
  });

  test('when a tile is tapped, then only that group shows; tapped again, all show', async () => {
    const page = await board();
    await tap(page, '.tile', 3);
    expect(textsOf(page, '.review-name')).toEqual(['健康清河']);
    await tap(page, '.tile', 3);
    expect(textsOf(page, '.review-name')).toEqual(['城关镇发布', '清河教育', '健康清河', '城关镇视频号']);
  });

  test('when a submitted report is passed, then the decision is sent and the account moves to 通过', async () => {
    fake.route(
      'POST /api/v1/annual-reviews/:id/decision',
      ok({
        ...submitted,
        status: 'passed',
        statusText: '已通过',
        decision: { passed: true, by: { id: fixtures.admin.id, name: '李静' }, at: fixtures.now, reason: '' },
      }),
    );
    const page = await board();
    fake.answerModal(true, '');
    await tap(page, '.pass');
    expect(decisions()).toEqual([
      expect.objectContaining({
        path: `/api/v1/annual-reviews/${submitted.id}/decision`,
        body: { passed: true, reason: '' },
      }),
    ]);
    expect(textsOf(page, '.tile')).toEqual(['0 待关停', '0 已提交', '1 未提交', '1 不通过', '2 通过']);
    expect(fake.mocks.navigateTo).not.toHaveBeenCalled();
  });

  test('when a report is failed, then a reason is required and a refusal from the API is shown', async () => {
    fake.route(
      'POST /api/v1/annual-reviews/:id/decision',
      failure(409, 'REVIEW_NOT_SUBMITTED', '账号“城关镇发布”：年审已通过，不是待审核状态'),
    );
    const page = await board();
    fake.answerModal(true, '');
    await tap(page, '.fail');
    expect(decisions()).toHaveLength(0);
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请填写不通过的理由' }));

    fake.answerModal(true, '缺少留言办理情况');
    await tap(page, '.fail');
    expect(decisions()[0].body).toEqual({ passed: false, reason: '缺少留言办理情况' });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '账号“城关镇发布”：年审已通过，不是待审核状态' }),
    );
    expect(textsOf(page, '.tile')[1]).toBe('1 已提交');
  });

  test('when an account is tapped, then its registry entry opens', async () => {
    const page = await board();
    await tap(page, '.review', 2);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/account-detail/account-detail?id=${failed.account.id}`,
    });
  });

  test('when the cycle has not opened, then it says when it will', async () => {
    fake.route('GET /api/v1/annual-reviews', ok({ reviews: [], nextCursor: null }));
    const page = await board();
    expect(textOf(page)).toBe('本年度年审尚未开启（每年 11 月 1 日为运行中的账号开启）');
  });

  test('when the board cannot be read, then the reason is shown with 重试; a leader is told it is for admins', async () => {
    fake.route('GET /api/v1/annual-reviews', failure(503, 'DATABASE_UNAVAILABLE', 'x'));
    const page = await board();
    expect(textOf(page)).toBe('服务器暂时出错，请稍后重试 重试');
    fake.route('GET /api/v1/annual-reviews', ok(fixtures.annualReviews));
    await tap(page, '.retry');
    expect(queryAll(page, '.review')).toHaveLength(4);

    signIn(fake.storage, fixtures.leader);
    const requests = fake.requests.length;
    const forLeader = await board();
    expect(textOf(forLeader)).toBe('仅管理员可见：账号台账与年审由归口管理部门的管理员办理。');
    expect(fake.requests).toHaveLength(requests);
  });
});
