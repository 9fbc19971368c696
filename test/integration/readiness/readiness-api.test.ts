/**
 * 考核自查 over the API (issue 27) on the real database: an account's update gap today and at a past
 * 监测时间点 (a post reported later is not in the past report), an inquiry unanswered past its longest
 * deadline failing 留言回应, lines 未接入 for an account not connected to its platform, and who may see
 * which unit: the county's admin, a town's admin, a leader, an officer.
 */
import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import type {
  AccountReadinessReport,
  ReadinessLineView,
  ReadinessOverview,
  UnitReadinessReport,
} from '../../../src/shared/contracts';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

const shanghai = (text: string) => new Date(`${text}+08:00`);
const clock = new ManualClock(shanghai('2026-10-01T09:00'));
const tokens = new AccessTokens('readiness-api-test-secret-0123456789abcdef', 3600, clock);
const services = createServices({ clock, logger: createLogger('silent') });
let server: http.Server;
let emergencyUnitId: string;
let weiboId: string;
let douyinId: string;

async function postOn(accountId: string, date: string, original = true) {
  await services.cadence.recordPublication({
    draftId: String(new Types.ObjectId()),
    unitId: emergencyUnitId,
    accountId,
    publishedAt: shanghai(`${date}T16:00`),
    url: `https://weibo.com/${date}`,
    original,
  });
}

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  emergencyUnitId = await unitId('某县人民政府/县应急管理局');
  const open = async (name: string, platform: 'weibo' | 'douyin') =>
    String(
      (await openAccount(services, { unit: '县应急管理局', name, platform, leader: '王建华', admin: '刘洋' }))._id,
    );
  weiboId = await open('应急微博', 'weibo');
  douyinId = await open('应急抖音', 'douyin');
  // Posts as they were reported, each on its day: the weibo stops on 20 November, the douyin keeps going.
  for (const date of ['2026-11-10', '2026-11-14', '2026-11-18', '2026-11-20']) {
    clock.set(shanghai(`${date}T17:00`));
    await postOn(weiboId, date);
  }
  for (let day = 1; day <= 7; day += 1) {
    for (const date of [`2026-11-${String(day * 4).padStart(2, '0')}`, `2026-12-0${day}`]) {
      clock.set(shanghai(`${date}T17:00`));
      await postOn(douyinId, date);
    }
  }
  // An inquiry to the douyin received on 2 November, never answered: past the longest deadline by December.
  clock.set(shanghai('2026-11-02T10:00'));
  await services.inquiries.register(
    { personId: await personId('刘洋'), via: 'test' },
    { accountId: douyinId, text: '请问防汛物资在哪里领取？', citizenLabel: '抖音用户 老张' },
  );
  // On 7 December a late report: the weibo did post on 24 November.
  clock.set(shanghai('2026-12-07T10:00'));
  await postOn(weiboId, '2026-11-24');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 120_000);

afterAll(() => stopApi(server, services));

async function get<Body>(name: string, path: string) {
  const token = (await cliToken(tokens, clock, await personId(name))).token;
  const answer = await request(server).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
  return { status: answer.status, body: answer.body as Body & { error?: { code: string; message: string } } };
}

const line = (report: AccountReadinessReport, id: string) =>
  report.account.lines.find((candidate) => candidate.indicatorId === id) as ReadinessLineView;

describe('an account at today and at a past date', () => {
  test('when the weibo last posted on 24 November (reported late), then today its update gap is 13 days: 风险', async () => {
    const { status, body } = await get<AccountReadinessReport>('李静', `/readiness/accounts/${weiboId}`);
    expect(status).toBe(200);
    expect(body.date).toBe('2026-12-07');
    expect(line(body, 'update-gap')).toMatchObject({ status: 'risk', value: 13, group: 'veto' });
    expect(line(body, 'update-gap').clause).toContain('监测时间点前2周内无更新');
  });

  test('when the report is for 5 December, then the late report is not counted: 15 days, 不合格', async () => {
    const { body } = await get<AccountReadinessReport>('李静', `/readiness/accounts/${weiboId}?date=2026-12-05`);
    expect(body.date).toBe('2026-12-05');
    expect(line(body, 'update-gap')).toMatchObject({ status: 'fail', value: 15 });
    expect(body.account.status).toBe('fail');
    expect(body.account.firstToFix?.advice).toContain('已满14天未更新');
  });

  test('when the account is not connected to its platform, then the platform lines are 未接入', async () => {
    const { body } = await get<AccountReadinessReport>('李静', `/readiness/accounts/${weiboId}`);
    expect(line(body, 'published-serious-expression').status).toBe('not-connected');
    expect(line(body, 'unapproved-publication').status).toBe('not-connected');
    expect(line(body, 'answer-rate').status).toBe('not-connected');
  });

  test('when an inquiry registered on 2 November is still unanswered, then 留言回应 fails and links it', async () => {
    const { body } = await get<AccountReadinessReport>('李静', `/readiness/accounts/${douyinId}`);
    expect(line(body, 'update-gap').status).toBe('pass');
    expect(line(body, 'interaction-response')).toMatchObject({ status: 'fail', value: 2 });
    expect(line(body, 'interaction-response').evidence[0]).toMatchObject({ kind: 'inquiry' });
    expect(line(body, 'answer-rate')).toMatchObject({ status: 'fail', value: 0 });
  });

  test('when the report is for 1 November, then the inquiry received later is not there', async () => {
    const { body } = await get<AccountReadinessReport>('李静', `/readiness/accounts/${douyinId}?date=2026-11-01`);
    expect(line(body, 'interaction-response').status).toBe('not-connected');
  });

  test('when the date is in the future or malformed, then the answer says how to write it', async () => {
    expect((await get('李静', `/readiness/accounts/${weiboId}?date=2027-01-01`)).body.error?.code).toBe(
      'READINESS_DATE_FUTURE',
    );
    expect((await get('李静', `/readiness/accounts/${weiboId}?date=12-01`)).status).toBe(400);
  });
});

describe('who sees which unit', () => {
  test('when the county admin asks, then the emergency bureau is listed with both accounts, the worst first', async () => {
    const { status, body } = await get<ReadinessOverview>('李静', '/readiness');
    expect(status).toBe(200);
    const unit = body.units.find((candidate) => candidate.unit.id === emergencyUnitId);
    expect(unit?.accounts.map((account) => [account.account.name, account.status])).toEqual([
      ['应急抖音', 'fail'],
      ['应急微博', 'risk'],
    ]);
    expect(body.table.indicators.length).toBeGreaterThan(10);
    const report = await get<UnitReadinessReport>('李静', `/readiness/units/${emergencyUnitId}`);
    expect(report.body.unit.counts).toEqual({ pass: 0, risk: 1, fail: 1 });
  });

  test('when a town admin asks about the bureau, then it reads as unknown and is not in their list', async () => {
    const town = await personId('马骏');
    await makeAdmin(town, '某县人民政府/青山镇人民政府');
    const overview = await get<ReadinessOverview>('马骏', '/readiness');
    expect(overview.status).toBe(200);
    expect(overview.body.units.map((unit) => unit.unit.id)).not.toContain(emergencyUnitId);
    expect((await get('马骏', `/readiness/units/${emergencyUnitId}`)).status).toBe(404);
    expect((await get('马骏', `/readiness/accounts/${weiboId}`)).status).toBe(404);
  });

  test('when the bureau head (its main leader) asks, then he sees his unit', async () => {
    const { status, body } = await get<UnitReadinessReport>('王建华', `/readiness/units/${emergencyUnitId}`);
    expect(status).toBe(200);
    expect(body.unit.accounts).toHaveLength(2);
  });

  test('when an officer asks, then it is refused with why', async () => {
    const { status, body } = await get('刘洋', '/readiness');
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ code: 'READINESS_FOR_ADMINS_AND_LEADERS' });
  });
});
