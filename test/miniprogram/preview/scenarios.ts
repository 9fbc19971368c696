/**
 * What `npm run mp:preview` shows: every page with fixture data, plus the states a reviewer should see
 * (binding, empty, error, a verified and a broken trail). Each names a text that must be on the page.
 */
import { failure, ok } from '../support/fake-wx';
import type { FakeWx } from '../support/fake-wx';
import { fixtures, pinClock, signIn } from '../support/fixtures';
import { fire, tap, typeInto } from '../support/render';
import type { Rendered } from '../support/render';
import { serveFixtures } from '../support/serve-fixtures';
import { publicationFixtures } from '../support/publication-fixtures';
import { connectionFixtures } from '../support/connection-fixtures';
import { inquiryFixtures } from '../support/inquiry-fixtures';
import { readinessFixtures } from '../support/readiness-fixtures';

export interface PreviewScenario {
  name: string;
  page: string;
  query?: Record<string, string>;
  /** Sets up the session and the API answers; every route answers its fixture unless changed here. */
  arrange?: (fake: FakeWx) => void;
  /** Taps to reach the state shown. */
  act?: (page: Rendered) => Promise<void>;
  expectText: string;
}

const asAdmin = (fake: FakeWx) => signIn(fake.storage, fixtures.admin);

const inquiryPage = { page: 'pages/inquiry-detail/inquiry-detail', query: { id: inquiryFixtures.detail.id } };

/** 考核自查 as the county admin sees it: the emergency bureau failing, its 应急微博's report. */
const asAdminOnReadiness = asAdminWithReadiness();
const readinessAccountPage = {
  page: 'pages/readiness-account/readiness-account',
  query: { id: readinessFixtures.weiboReport.account.account.id },
};

/** The education bureau's 微信公众号 in the registry. */
const educationAccountPage = {
  page: 'pages/account-detail/account-detail',
  query: { id: fixtures.accountList.accounts[0].id },
};

/** Signed in as the admin, with these routes answering otherwise than their fixtures. */
const asAdminWith =
  (answers: Record<string, unknown>) =>
  (fake: FakeWx): void => {
    asAdmin(fake);
    for (const [route, body] of Object.entries(answers)) fake.route(route, ok(body));
  };

function asAdminWithReadiness() {
  return (fake: FakeWx): void => {
    asAdmin(fake);
    fake.route('GET /api/v1/readiness', ok(readinessFixtures.overview));
    fake.route('GET /api/v1/readiness/accounts/:id', ok(readinessFixtures.weiboReport));
  };
}

export const scenarios: PreviewScenario[] = [
  { name: 'login', page: 'pages/login/login', expectText: '微信一键登录' },
  {
    name: 'login-bind',
    page: 'pages/login/login',
    arrange: (fake) =>
      fake.route(
        'POST /api/v1/auth/wechat',
        failure(403, 'MINI_PROGRAM_NOT_BOUND', '此微信尚未绑定审发账号，请按以下步骤绑定。'),
      ),
    act: (page) => tap(page, '.button-primary'),
    expectText: '绑定并登录',
  },
  { name: 'dashboard', page: 'pages/dashboard/dashboard', arrange: asAdmin, expectText: '仅剩 5 天' },
  {
    name: 'dashboard-no-risks',
    page: 'pages/dashboard/dashboard',
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('GET /api/v1/dashboard', ok({ ...fixtures.dashboard, accountsAtRisk: [] }));
    },
    expectText: '没有风险账号',
  },
  {
    name: 'dashboard-loading',
    page: 'pages/dashboard/dashboard',
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('GET /api/v1/dashboard', () => new Promise(() => undefined));
    },
    expectText: '正在加载…',
  },
  { name: 'drafts', page: 'pages/drafts/drafts', arrange: asAdmin, expectText: '#K7Q2' },
  {
    name: 'drafts-officer-empty',
    page: 'pages/drafts/drafts',
    arrange: (fake) => {
      signIn(fake.storage, fixtures.officer);
      fake.route('GET /api/v1/drafts', ok({ items: [], nextCursor: null }));
    },
    expectText: '您还没有投稿',
  },
  {
    name: 'drafts-error',
    page: 'pages/drafts/drafts',
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('GET /api/v1/drafts', failure(500, 'INTERNAL', 'x'));
    },
    expectText: '服务器暂时出错，请稍后重试',
  },
  {
    name: 'draft-detail',
    page: 'pages/draft-detail/draft-detail',
    query: { reference: 'K7Q2' },
    arrange: asAdmin,
    act: async (page) => {
      await tap(page, '.button-plain');
      await tap(page, '.verify');
    },
    expectText: '审计记录完整',
  },
  {
    name: 'draft-detail-broken-trail',
    page: 'pages/draft-detail/draft-detail',
    query: { reference: 'K7Q2' },
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('POST /api/v1/audit/verify', ok(fixtures.verifyBroken));
    },
    act: (page) => tap(page, '.verify'),
    expectText: '审计记录被改动或缺失',
  },
  {
    name: 'draft-detail-publication-mismatch',
    page: 'pages/draft-detail/draft-detail',
    query: { reference: 'K7Q2' },
    arrange: asAdminWith({
      'GET /api/v1/drafts/:reference': publicationFixtures.publishedDraft,
      'GET /api/v1/drafts/:reference/timeline': publicationFixtures.publishedTimeline,
    }),
    expectText: '审核通过的第 2 版 → 平台上的文章（1 处不同）',
  },
  {
    name: 'draft-detail-publication-swept',
    page: 'pages/draft-detail/draft-detail',
    query: { reference: 'K7Q2' },
    arrange: asAdminWith({
      'GET /api/v1/drafts/:reference': {
        ...publicationFixtures.publishedDraft,
        publicationCheck: publicationFixtures.sweptMismatch,
      },
    }),
    expectText: '平台巡查发现（后台发布）',
  },
  { name: 'people', page: 'pages/people/people', arrange: asAdmin, expectText: '发绑定码' },
  { name: 'units', page: 'pages/units/units', arrange: asAdmin, expectText: '城关镇人民政府' },
  {
    name: 'routes',
    page: 'pages/routes/routes',
    arrange: asAdmin,
    act: (page) => tap(page, '.open-form'),
    expectText: '请假代审',
  },
  { name: 'accounts', page: 'pages/accounts/accounts', arrange: asAdmin, expectText: '已满 14 天未更新（单项否决）' },
  {
    name: 'accounts-leader',
    page: 'pages/accounts/accounts',
    arrange: (fake) => signIn(fake.storage, fixtures.leader),
    expectText: '仅管理员可见',
  },
  {
    name: 'account-detail',
    ...educationAccountPage,
    arrange: asAdmin,
    expectText: '钱卫东 → 孙丽',
  },
  {
    name: 'account-sweep-never',
    ...educationAccountPage,
    arrange: asAdminWith({ 'GET /api/v1/accounts/:id/sweep': publicationFixtures.neverSwept }),
    expectText: '尚未巡查',
  },
  {
    name: 'account-connection-form',
    ...educationAccountPage,
    arrange: asAdmin,
    act: (page) => tap(page, '.open-connection-form'),
    expectText: '已填写，留空则不变',
  },
  {
    name: 'account-connection-failed',
    ...educationAccountPage,
    arrange: asAdminWith({ 'GET /api/v1/accounts/:id/connection': connectionFixtures.failed }),
    expectText: 'IP白名单',
  },
  {
    name: 'account-detail-closing',
    page: 'pages/account-detail/account-detail',
    query: { id: fixtures.accountList.accounts[4].id },
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('GET /api/v1/annual-reviews', ok({ reviews: [fixtures.annualReviews.reviews[3]], nextCursor: null }));
    },
    expectText: '发布停更公告（下一步）',
  },
  {
    name: 'account-detail-closure-requested',
    page: 'pages/account-detail/account-detail',
    query: { id: fixtures.accountList.accounts[4].id },
    arrange: (fake) => {
      asAdmin(fake);
      const closing = fixtures.accountList.accounts[4];
      fake.route(
        'GET /api/v1/accounts/:id',
        ok({ ...closing, closure: [closing.closure[0]], nextClosureStep: 'approved', interactionEnabled: false }),
      );
    },
    expectText: '撤回关停申请',
  },
  {
    name: 'account-detail-applying',
    page: 'pages/account-detail/account-detail',
    query: { id: fixtures.accountList.accounts[3].id },
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('GET /api/v1/annual-reviews', ok({ reviews: [], nextCursor: null }));
    },
    expectText: '批准开办',
  },
  { name: 'annual-reviews', page: 'pages/annual-reviews/annual-reviews', arrange: asAdmin, expectText: '待审核' },
  {
    name: 'annual-reviews-december',
    page: 'pages/annual-reviews/annual-reviews',
    arrange: (fake) => {
      asAdmin(fake);
      const [open, submitted, failed, passed] = fixtures.annualReviews.reviews;
      const since = { toClose: true, toCloseSince: '2026-12-01T01:00:00.000Z' };
      fake.route(
        'GET /api/v1/annual-reviews',
        ok({ reviews: [{ ...open, ...since }, submitted, { ...failed, ...since }, passed], nextCursor: null }),
      );
    },
    expectText: '列为待关停',
  },
  { name: 'exports', page: 'pages/exports/exports', arrange: asAdmin, expectText: '导出留言台账' },
  { name: 'inquiries', page: 'pages/inquiries/inquiries', arrange: asAdmin, expectText: '已逾期' },
  {
    name: 'inquiry-registration',
    page: 'pages/inquiries/inquiries',
    arrange: asAdmin,
    act: async (page) => {
      await tap(page, '.open-registration');
      await fire(page, '.account-picker', 'change', { value: 1 });
      await fire(page, '.kind-picker', 'change', { value: 2 });
    },
    expectText: '城关镇发布（微博 · 城关镇人民政府）',
  },
  {
    name: 'inquiry-registration-officer',
    page: 'pages/inquiries/inquiries',
    arrange: (fake) => signIn(fake.storage, fixtures.officer),
    act: async (page) => {
      await tap(page, '.open-registration');
      await tap(page, '.save-registration');
    },
    expectText: '请填写留言所属账号的名称（与备案名称一致）',
  },
  {
    name: 'inquiry-registration-refused',
    page: 'pages/inquiries/inquiries',
    arrange: (fake) => {
      asAdmin(fake);
      fake.route(
        'POST /api/v1/inquiries',
        failure(403, 'INQUIRY_NOT_YOURS', '不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内'),
      );
    },
    act: async (page) => {
      await tap(page, '.open-registration');
      await fire(page, '.account-picker', 'change', { value: 0 });
      await typeInto(page, '.text-input', '请问学区怎么划分？');
      await tap(page, '.save-registration');
    },
    expectText: '也不在您的管理范围内',
  },
  {
    name: 'inquiry-detail',
    ...inquiryPage,
    arrange: asAdminWith({ 'GET /api/v1/inquiries/:id': inquiryFixtures.extended }),
    expectText: '理由：学区划分须与招生办核实',
  },
  {
    name: 'inquiry-detail-refused',
    ...inquiryPage,
    arrange: (fake) => {
      asAdmin(fake);
      fake.route('POST /api/v1/inquiries/:id/answer', failure(409, 'INQUIRY_ENDED', '留言 #Q7K2 已答复，不能再操作'));
    },
    act: async (page) => {
      await typeInto(page, '.answer-input', '滨河小区属城关镇第二小学学区，详见县教育局官网公告。');
      await tap(page, '.answer');
    },
    expectText: '不能再操作',
  },
  {
    name: 'inquiry-detail-answered-masked',
    ...inquiryPage,
    arrange: asAdminWith({
      'GET /api/v1/inquiries/:id': {
        ...inquiryFixtures.answeredDetail,
        mayAct: false,
        messages: [inquiryFixtures.detailMasked.messages[0], ...inquiryFixtures.answeredDetail.messages.slice(1)],
      },
    }),
    expectText: '个人信息已遮蔽',
  },
  { name: 'readiness', page: 'pages/readiness/readiness', arrange: asAdminOnReadiness, expectText: '最低 52.5 分' },
  {
    name: 'readiness-officer-refused',
    page: 'pages/readiness/readiness',
    arrange: (fake) => {
      signIn(fake.storage, fixtures.officer);
      fake.route(
        'GET /api/v1/readiness',
        failure(403, 'READINESS_FOR_ADMINS_AND_LEADERS', '考核自查仅对管理员和分管领导开放'),
      );
    },
    expectText: '考核自查仅对管理员和分管领导开放',
  },
  { name: 'readiness-account', ...readinessAccountPage, arrange: asAdminOnReadiness, expectText: '已满14天未更新' },
];

export function arrangeScenario(fake: FakeWx, scenario: PreviewScenario): void {
  pinClock();
  serveFixtures(fake);
  scenario.arrange?.(fake);
}
