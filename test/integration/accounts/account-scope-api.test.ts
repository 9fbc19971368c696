/**
 * The account registry over the API for a branch admin (issue 21, findings 9 and 10): an account outside
 * their scope answers 404 with nothing of it, even when they are named as its staff (its staff steps are
 * theirs in chat), and the people an application or a re-filing names must be within their scope; an
 * unknown id and an id outside read alike, never with the person's name.
 */
import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { AccessTokens } from '../../../src/api/access-tokens';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { AccountModel } from '../../../src/accounts/account-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { AccountView } from '../../../src/shared/contracts';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId, unitId } from '../../support/people-factories';
import { countyAdmin, openAccount } from '../../support/registry-factories';

const clock = new ManualClock('2026-11-02T02:00:00Z');
const tokens = new AccessTokens('account-scope-test-secret-0123456789abcdef', 3600, clock);
const services = createServices({ clock, logger: createLogger('silent') });
let server: http.Server;

/** The sample has two people named 张伟: the education bureau's officer (JYJ004) becomes its admin here. */
const educationAdmin = () => personId('张伟', 'JYJ004');

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  await makeAdmin(await educationAdmin(), '某县人民政府/县教育局');
  await makeAdmin(await personId('林小燕'), '某县人民政府/青山镇人民政府');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(() => stopApi(server, services));

const bearer = async (id: string) => `Bearer ${(await cliToken(tokens, clock, id)).token}`;
const unknownId = new Types.ObjectId().toString();

async function post(callerId: string, path: string, body: object) {
  const answer = await request(server)
    .post(`/api/v1${path}`)
    .set('Authorization', await bearer(callerId))
    .send(body);
  return { status: answer.status, code: (answer.body as { error?: { code: string } }).error?.code, body: answer.body };
}

/** An account of the emergency bureau whose backend admin is the education bureau's admin. */
async function emergencyAccountKeptByEducationAdmin(name: string, platform: 'weibo' | 'douyin') {
  const account = await openAccount(services, {
    unit: '县应急管理局',
    name,
    platform,
    leader: '王建华',
    admin: '刘洋',
  });
  await services.accounts.refile(await countyAdmin(), String(account._id), {
    role: 'admin',
    personId: await educationAdmin(),
    note: '借调',
  });
  return String(account._id);
}

const stateOf = async (accountId: string) => ({
  account: await AccountModel.findById(accountId, { status: 1, closure: 1, revision: 1 }).lean(),
  events: await AuditEventModel.countDocuments({ 'subject.id': accountId }),
});

describe('closure of an account outside the caller’s scope', () => {
  test('when an admin named as the backend admin of another unit’s account asks for its closure over the API, then 404 with nothing of the account, as for an admin with no role on it, and nothing changes', async () => {
    const accountId = await emergencyAccountKeptByEducationAdmin('应急微博', 'weibo');
    const before = await stateOf(accountId);

    const asStaff = await post(await educationAdmin(), `/accounts/${accountId}/closure`, { step: 'requested' });
    const withoutRole = await post(await personId('林小燕'), `/accounts/${accountId}/closure`, { step: 'requested' });
    const unknown = await post(await educationAdmin(), `/accounts/${unknownId}/closure`, { step: 'requested' });

    expect([asStaff.status, asStaff.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect(asStaff.body).toEqual(unknown.body);
    expect(withoutRole.body).toEqual(unknown.body);
    expect(JSON.stringify(asStaff.body)).not.toContain('应急微博');
    expect(await stateOf(accountId)).toEqual(before);

    // The managing office of the account still acts on it.
    const requested = await post((await countyAdmin()).personId, `/accounts/${accountId}/closure`, {
      step: 'requested',
      note: '合并',
    });
    expect([requested.status, (requested.body as AccountView).status]).toEqual([200, 'closing']);
  });

  test('when that admin requested the closure as the account’s staff (in chat), then withdrawing it over the API answers 404 and the request stands; the managing office withdraws it', async () => {
    const accountId = await emergencyAccountKeptByEducationAdmin('应急抖音', 'douyin');
    // A staff step, as `申请关停 应急抖音` in chat takes it.
    await services.accounts.advanceClosure({ personId: await educationAdmin(), via: 'chat' }, accountId, {
      step: 'requested',
      note: '拟合并',
    });
    const before = await stateOf(accountId);

    const asStaff = await post(await educationAdmin(), `/accounts/${accountId}/closure/withdrawal`, {});

    expect([asStaff.status, asStaff.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect(JSON.stringify(asStaff.body)).not.toContain('应急抖音');
    expect(await stateOf(accountId)).toEqual(before);
    const withdrawn = await post((await countyAdmin()).personId, `/accounts/${accountId}/closure/withdrawal`, {});
    expect([withdrawn.status, (withdrawn.body as AccountView).status]).toEqual([200, 'active']);
  });
});

describe('people named on an account', () => {
  const application = async (overrides: Record<string, string>) => ({
    unitId: await unitId('某县人民政府/县教育局'),
    platform: 'wechat-official-account',
    name: '教育之窗',
    purpose: '发布教育政务信息',
    scope: '县教育局职能范围',
    leaderInChargeId: await personId('吴国庆'),
    backendAdminId: await personId('冯涛'),
    backendAdminPhone: '13800138000',
    openedOn: '2026-11-02',
    ...overrides,
  });

  test('when a branch admin names someone of another unit as leader or backend admin of an application, then 400 as for an unknown id, without the name, and nothing is stored', async () => {
    const accounts = await AccountModel.countDocuments();
    const events = await AuditEventModel.countDocuments();
    for (const [field, outside] of [
      ['leaderInChargeId', '王建华'],
      ['backendAdminId', '刘洋'],
    ] as const) {
      const named = await post(
        await educationAdmin(),
        '/accounts',
        await application({ [field]: await personId(outside) }),
      );
      const unknown = await post(await educationAdmin(), '/accounts', await application({ [field]: unknownId }));

      expect([field, named.status, named.code]).toEqual([field, 400, 'PERSON_NOT_IN_SCOPE']);
      expect(named.body).toEqual(unknown.body);
      expect(JSON.stringify(named.body)).not.toContain(outside);
    }
    expect([await AccountModel.countDocuments(), await AuditEventModel.countDocuments()]).toEqual([accounts, events]);

    const opened = await post(await educationAdmin(), '/accounts', await application({}));
    expect([opened.status, (opened.body as AccountView).leaderInCharge.name]).toEqual([201, '吴国庆']);
  });

  test('when a branch admin re-files the leader of their account as someone of another unit, then 400 as for an unknown id, without the name, and the leader stays', async () => {
    const account = await AccountModel.findOne({ name: '教育之窗' }).lean();
    const accountId = String(account?._id);
    await services.accounts.decideOpening(await countyAdmin(), accountId, {
      decision: 'approve',
      reason: '',
      documentNumber: '县政办〔2026〕3号',
    });
    const before = await stateOf(accountId);

    const refiling = (id: string) => ({ role: 'leader', personId: id, note: '分工调整' });
    const named = await post(
      await educationAdmin(),
      `/accounts/${accountId}/re-filings`,
      refiling(await personId('王建华')),
    );
    const unknown = await post(await educationAdmin(), `/accounts/${accountId}/re-filings`, refiling(unknownId));

    expect([named.status, named.code]).toEqual([400, 'PERSON_NOT_IN_SCOPE']);
    expect(named.body).toEqual(unknown.body);
    expect(JSON.stringify(named.body)).not.toContain('王建华');
    expect(await stateOf(accountId)).toEqual(before);
    expect(String((await AccountModel.findById(accountId).lean())?.leaderInChargeId)).toBe(await personId('吴国庆'));

    const changed = await post(
      await educationAdmin(),
      `/accounts/${accountId}/re-filings`,
      refiling(await personId('郑美玲')),
    );
    expect([changed.status, (changed.body as AccountView).leaderInCharge.name]).toEqual([200, '郑美玲']);
  });
});
