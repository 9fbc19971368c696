import fs from 'node:fs';
import type http from 'node:http';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { PersonModel } from '../../../src/people/person-model';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import type {
  AccountCadenceListBody,
  AnnualReviewListBody,
  AnnualReviewView,
  Dashboard,
  ErrorBody,
} from '../../../src/shared/contracts';
import { startApi, cliToken } from '../../support/api-harness';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { personId, sampleOrganizationFile, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

const clock = new ManualClock('2026-11-01T01:00:00Z');
const logger = createLogger('silent');
const tokens = new AccessTokens('annual-review-api-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;

beforeAll(connectTestDatabase, 60_000);

// Every test starts on 1 November from the same three accounts and their open reviews, on fresh
// services (no memory of an earlier test), whatever ran before it.
beforeEach(async () => {
  clock.set('2026-11-01T01:00:00Z');
  await emptyTestDatabase();
  services = createServices({ clock, logger });
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
  await openAccount(services, { unit: '县应急管理局', name: '应急先锋', leader: '王建华', admin: '刘洋' });
  await openAccount(services, { unit: '县教育局', name: '教育之窗', leader: '吴国庆', admin: '冯涛' });
  await openAccount(services, {
    unit: '县教育局',
    name: '教育微博',
    platform: 'weibo',
    leader: '吴国庆',
    admin: '冯涛',
    filed: false,
    openedOn: '2026-10-01',
  });
  await services.annualReviews.runDailyDuties('2026-11-01');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterEach(async () => {
  server.close();
  await services.audit.settle();
});

afterAll(disconnectTestDatabase);

const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await personId(name))).token}`;

/** The id of the current review of the account named `name`, as the board lists it. */
async function reviewOf(name: string): Promise<string> {
  const board = await request(server)
    .get('/api/v1/annual-reviews')
    .set('Authorization', await bearer('李静'))
    .expect(200);
  const review = (board.body as AnnualReviewListBody).reviews.find((entry) => entry.account.name === name);
  if (!review) throw new Error(`no review of ${name} on the board`);
  return review.id;
}

/** The county admin (李静) sends the review `reviewId` a report or a decision, answered with `status`. */
async function adminSends(reviewId: string, call: 'report' | 'decision', body: object, status = 200) {
  return request(server)
    .post(`/api/v1/annual-reviews/${reviewId}/${call}`)
    .set('Authorization', await bearer('李静'))
    .send(body)
    .expect(status);
}

/** The admin passes the review `reviewId` on a report, as the managing office does. */
async function passReview(reviewId: string): Promise<void> {
  await adminSends(reviewId, 'report', { text: '年度报告' });
  await adminSends(reviewId, 'decision', { passed: true, reason: '' });
}

describe('the annual review over the API', () => {
  test('when an admin opens the board, then the current cycle lists each account with what is missing', async () => {
    const response = await request(server)
      .get('/api/v1/annual-reviews')
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const board = response.body as AnnualReviewListBody;
    expect(board.reviews.map((review) => [review.account.name, review.status, review.statusText])).toEqual([
      ['应急先锋', 'open', '未提交报告'],
      ['教育之窗', 'open', '未提交报告'],
      ['教育微博', 'open', '未提交报告'],
    ]);
  });

  test('when a decision comes before any report, then it is refused and the review stays open', async () => {
    const reviewId = await reviewOf('教育之窗');
    const response = await adminSends(reviewId, 'decision', { passed: true }, 409);
    expect((response.body as ErrorBody).error).toEqual({
      code: 'REVIEW_NOT_SUBMITTED',
      message: '账号“教育之窗”：年审未提交报告，不是待审核状态（须先提交报告）',
    });
    expect(await AnnualReviewModel.findById(reviewId).lean()).toMatchObject({ status: 'open', decision: null });
  });

  test('when a report fails and a new one is submitted, then it can pass; a failure needs a reason', async () => {
    const reviewId = await reviewOf('教育之窗');
    await adminSends(reviewId, 'report', { text: '年度报告' });
    const noReason = await adminSends(reviewId, 'decision', { passed: false }, 400);
    expect((noReason.body as ErrorBody).error.message).toBe('请求体 reason：不通过须写明理由');
    const failed = await adminSends(reviewId, 'decision', { passed: false, reason: '缺少留言办理情况' });
    expect(failed.body as AnnualReviewView).toMatchObject({
      status: 'failed',
      decision: { passed: false, reason: '缺少留言办理情况' },
    });
    await adminSends(reviewId, 'report', { text: '年度报告（补充留言办理情况）' });
    const passed = await adminSends(reviewId, 'decision', { passed: true, reason: '' });
    const view = passed.body as AnnualReviewView;
    expect(view).toMatchObject({ status: 'passed', toClose: false });
    expect(view.reports.map((report) => report.text)).toEqual(['年度报告', '年度报告（补充留言办理情况）']);
  });

  test("when an account's reviews are asked for, then every year of that account is listed, and nothing else", async () => {
    const reviewId = await reviewOf('教育之窗');
    await passReview(reviewId);
    const response = await request(server)
      .get('/api/v1/annual-reviews')
      .query({ accountId: (await AnnualReviewModel.findById(reviewId).lean())?.accountId.toString() })
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const reviews = (response.body as AnnualReviewListBody).reviews;
    expect(reviews.map((review) => [review.account.name, review.year, review.status])).toEqual([
      ['教育之窗', 2026, 'passed'],
    ]);
    const bad = await request(server)
      .get('/api/v1/annual-reviews?accountId=x')
      .set('Authorization', await bearer('李静'))
      .expect(400);
    expect((bad.body as ErrorBody).error.message).toContain('查询参数 accountId：应为 24 位十六进制 ID');
  });

  test('when the registry page asks for publishing figures, then every running account in scope has them', async () => {
    const response = await request(server)
      .get('/api/v1/cadence')
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const figures = (response.body as AccountCadenceListBody).accounts;
    expect(figures.map((view) => view.name).sort()).toEqual(['应急先锋', '教育之窗', '教育微博'].sort());
    expect(figures[0]).toMatchObject({
      lastPostDate: null,
      daysSincePost: expect.any(Number),
      risk: expect.any(String),
    });
    await request(server)
      .get('/api/v1/cadence')
      .set('Authorization', await bearer('刘洋'))
      .expect(404);
  });

  test("when someone outside the review's scope asks, then it is not found, as it is for a non-admin", async () => {
    const reviewId = await reviewOf('教育之窗');
    const emergency = await unitId('某县人民政府/县应急管理局');
    const other = await PersonModel.create({
      name: '应急局管理员',
      roles: ['admin'],
      unitIds: [emergency],
      adminOfUnitId: emergency,
    });
    const token = `Bearer ${(await cliToken(tokens, clock, String(other._id))).token}`;
    await request(server).get(`/api/v1/annual-reviews/${reviewId}`).set('Authorization', token).expect(404);
    await request(server)
      .get('/api/v1/annual-reviews')
      .set('Authorization', await bearer('刘洋'))
      .expect(404);
    const bad = await request(server).get('/api/v1/annual-reviews?status=done').set('Authorization', token).expect(400);
    expect((bad.body as ErrorBody).error.message).toContain('status 须为 open、submitted、passed、failed 之一');
  });

  test('when the dashboard asks for the counts of a scope, then accounts and reviews are counted by state', async () => {
    await passReview(await reviewOf('教育之窗'));
    clock.set('2026-11-20T02:00:00Z');
    const admin = await services.people.findAdmin(await personId('李静'));
    expect(admin).not.toBeNull();
    const counts = await services.annualReviews.dashboardCounts(admin ?? { scopeUnitIds: [] });
    expect(counts).toEqual({
      accounts: {
        byStatus: { applying: 0, rejected: 0, active: 3, closing: 0, closed: 0 },
        filingOverdue: 1,
        certificationExpiring: 0,
        interactionOff: 0,
      },
      annualReview: { year: 2026, open: 2, submitted: 0, passed: 1, failed: 0, toClose: 0 },
    });
  });

  test('when an admin opens the dashboard, then registry and annual-review risks join the cadence ones, per account', async () => {
    await passReview(await reviewOf('教育之窗'));
    clock.set('2026-11-24T02:00:00Z');
    const response = await request(server)
      .get('/api/v1/dashboard')
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const risks = (response.body as Dashboard).accountsAtRisk ?? [];
    const weibo = risks.find((entry) => entry.account.name === '教育微博');
    expect(weibo).toMatchObject({ account: { platform: '微博' }, unit: { name: '县教育局' } });
    expect(weibo?.reasons.map((reason) => [reason.kind, reason.severity, reason.message])).toEqual(
      expect.arrayContaining([
        ['registry', 'warn', expect.stringContaining('逾期未备案')],
        ['annual-review', 'warn', '2026年度年审报告未提交，7 天后列为待关停'],
      ]),
    );
    const passed = risks.find((entry) => entry.account.name === '教育之窗');
    expect(passed?.reasons.some((reason) => reason.kind === 'annual-review') ?? false).toBe(false);
    expect(new Set(risks.map((entry) => entry.account.id)).size).toBe(risks.length);
    expect((response.body as Dashboard).registry).toMatchObject({
      accounts: { byStatus: { active: 3 }, filingOverdue: 1 },
      annualReview: { year: 2026, open: 2, passed: 1, toClose: 0 },
    });
  });

  test('when an officer opens the dashboard, then no registry figures or account risks are shown', async () => {
    const response = await request(server)
      .get('/api/v1/dashboard')
      .set('Authorization', await bearer('刘洋'))
      .expect(200);
    expect(response.body).toMatchObject({ registry: null, accountsAtRisk: [] });
  });
});
