import fs from 'node:fs';
import type http from 'node:http';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { registryReminderJob } from '../../../src/jobs/registry-reminder-job';
import { AccountModel } from '../../../src/accounts/account-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { PersonModel } from '../../../src/people/person-model';
import type { AccountListBody, AccountView, ErrorBody } from '../../../src/shared/contracts';
import { startApi, cliToken } from '../../support/api-harness';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { personId, sampleOrganizationFile, unitId } from '../../support/people-factories';
import { openAccount, outboxKeys, outboxTexts } from '../../support/registry-factories';

const clock = new ManualClock('2026-11-02T02:00:00Z');
const logger = createLogger('silent');
const tokens = new AccessTokens('registry-api-test-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;

beforeAll(connectTestDatabase, 60_000);

// Every test starts on 2 November from the organisation alone, on fresh services, and opens the
// accounts it needs: none leans on another test's account.
beforeEach(async () => {
  clock.set('2026-11-02T02:00:00Z');
  await emptyTestDatabase();
  services = createServices({ clock, logger });
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterEach(async () => {
  server.close();
  await services.audit.settle();
});

afterAll(disconnectTestDatabase);

const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await personId(name))).token}`;
const api = () => request(server);

async function application(overrides: Record<string, unknown> = {}) {
  return {
    unitId: await unitId('某县人民政府/县应急管理局'),
    platform: 'wechat-official-account',
    name: '应急先锋',
    purpose: '发布应急管理政务信息、预警和科普',
    scope: '县应急管理局职能范围',
    leaderInChargeId: await personId('王建华'),
    backendAdminId: await personId('刘洋'),
    backendAdminPhone: '13800138000',
    openedOn: '2026-11-02',
    ...overrides,
  };
}

/** The registry's 09:00 run of one day. */
async function runRemindersOn(date: string) {
  const at = new Date(`${date}T01:00:00Z`);
  clock.set(at);
  const scheduler = new JobScheduler({ clock, logger, processId: 'registry-test', timeZone: 'Asia/Shanghai' });
  await scheduler.runOnce(registryReminderJob({ accounts: services.accounts, timeZone: 'Asia/Shanghai', logger }), at);
}

/** 应急先锋 applied for and approved over the API, as the first test does it (and filed, when asked); its id. */
async function runningAccount(options: { filed?: boolean } = {}): Promise<string> {
  const admin = await bearer('李静');
  const created = await api()
    .post('/api/v1/accounts')
    .set('Authorization', admin)
    .send(await application())
    .expect(201);
  const id = (created.body as AccountView).id;
  await api()
    .post(`/api/v1/accounts/${id}/opening-decision`)
    .set('Authorization', admin)
    .send({ decision: 'approve', documentNumber: '县政办〔2026〕12号' })
    .expect(200);
  if (options.filed) {
    await api()
      .post(`/api/v1/accounts/${id}/filing`)
      .set('Authorization', admin)
      .send({ note: '备案材料' })
      .expect(200);
  }
  return id;
}

describe('the account registry over the API', () => {
  test('when an admin files an application and approves it, then the account runs with a filing deadline of 3 days', async () => {
    const created = await api()
      .post('/api/v1/accounts')
      .set('Authorization', await bearer('李静'))
      .send(await application())
      .expect(201);
    const applied = created.body as AccountView;
    expect(applied).toMatchObject({ status: 'applying', statusText: '开办申请待审批', platformText: '微信公众号' });
    const accountId = applied.id;

    const approved = await api()
      .post(`/api/v1/accounts/${accountId}/opening-decision`)
      .set('Authorization', await bearer('李静'))
      .send({ decision: 'approve', documentNumber: '县政办〔2026〕12号' })
      .expect(200);
    expect(approved.body as AccountView).toMatchObject({
      status: 'active',
      openingApproval: { decision: 'approved', by: { name: '李静' }, documentNumber: '县政办〔2026〕12号' },
      // Opened 2 November → filed by the end of 5 November (Asia/Shanghai).
      filingDueAt: '2026-11-05T16:00:00.000Z',
      filedAt: null,
    });
    expect(await outboxTexts(`account:${accountId}:opening-decision`)).toContain(
      '账号“应急先锋”（微信公众号）的开办申请已批准。请在 2026-11-05 前完成备案。',
    );
  });

  test('when the unit applies for a second account on the same platform, then 409 names the existing one and nothing is stored', async () => {
    await runningAccount();
    const response = await api()
      .post('/api/v1/accounts')
      .set('Authorization', await bearer('李静'))
      .send(await application({ name: '应急管理二号' }))
      .expect(409);
    expect((response.body as ErrorBody).error).toEqual({
      code: 'ACCOUNT_PLATFORM_TAKEN',
      message: '本单位在微信公众号已有账号“应急先锋”（运行中），同一单位同一平台只能开设一个账号',
    });
    expect(await AccountModel.countDocuments({ name: '应急管理二号' })).toBe(0);
  });

  test('when the filing deadline passes unfiled, then the unit admin and the leader are warned once; a filed account is not', async () => {
    const accountId = await runningAccount();
    const filed = await openAccount(services, {
      unit: '县应急管理局',
      name: '应急微博',
      platform: 'weibo',
      leader: '王建华',
      admin: '刘洋',
      openedOn: '2026-11-02',
    });
    await runRemindersOn('2026-11-05');
    expect(await outboxKeys(`filing-overdue:${accountId}`)).toEqual([]);
    await runRemindersOn('2026-11-06');
    await runRemindersOn('2026-11-07');
    const keys = await outboxKeys(`filing-overdue:${accountId}`);
    expect(keys).toEqual(
      [await personId('王建华'), await personId('李静')]
        .map((id) => `filing-overdue:${accountId}:2026-11-05:${id}`)
        .sort(),
    );
    expect((await outboxTexts(`filing-overdue:${accountId}`))[0]).toContain('未在期限（2026-11-05）内完成备案');
    expect(await outboxKeys(`filing-overdue:${String(filed._id)}`)).toEqual([]);

    const filing = await api()
      .post(`/api/v1/accounts/${accountId}/filing`)
      .set('Authorization', await bearer('李静'))
      .send({ note: '补交备案材料' })
      .expect(200);
    expect(filing.body as AccountView).toMatchObject({
      filingOverdue: false,
      filings: [{ kind: 'opening', note: '补交备案材料' }],
    });
  });

  test('when the leader changes, then the re-filing keeps who changed it, when, and from whom to whom', async () => {
    const accountId = await runningAccount({ filed: true });
    clock.set('2026-11-09T02:00:00Z');
    const response = await api()
      .post(`/api/v1/accounts/${accountId}/re-filings`)
      .set('Authorization', await bearer('李静'))
      .send({ role: 'leader', personId: await personId('赵海涛'), note: '分工调整' })
      .expect(200);
    const account = response.body as AccountView;
    expect(account.leaderInCharge.name).toBe('赵海涛');
    expect(account.filings.at(-1)).toEqual({
      kind: 'leader-change',
      filedAt: '2026-11-09T02:00:00.000Z',
      filedBy: { id: await personId('李静'), name: '李静' },
      note: '分工调整',
      from: { id: await personId('王建华'), name: '王建华' },
      to: { id: await personId('赵海涛'), name: '赵海涛' },
    });
    const event = await AuditEventModel.findOne({ action: 'account.leader-change', 'subject.id': accountId }).lean();
    expect(event).toMatchObject({ reason: '分工调整', actor: { via: 'api' } });
    expect(await outboxTexts(`account:${accountId}:refiled`)).toContain(
      '账号“应急先锋”（微信公众号）的分管领导已变更备案：王建华 → 赵海涛。',
    );

    const unchanged = await api()
      .post(`/api/v1/accounts/${accountId}/re-filings`)
      .set('Authorization', await bearer('李静'))
      .send({ role: 'leader', personId: await personId('赵海涛'), note: '重复' })
      .expect(400);
    expect((unchanged.body as ErrorBody).error.message).toBe('赵海涛已是该账号的分管领导，无需变更');
  });

  test('when the interaction function is turned off, then the leader, the account admin and the managing office are warned', async () => {
    const accountId = await runningAccount({ filed: true });
    const response = await api()
      .put(`/api/v1/accounts/${accountId}/interaction`)
      .set('Authorization', await bearer('李静'))
      .send({ enabled: false, note: '留言区遭恶意刷屏' })
      .expect(200);
    expect((response.body as AccountView).interactionEnabled).toBe(false);
    const warnings = await outboxTexts(`account:${accountId}:interaction-off`);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('单项否决');
    expect(await AuditEventModel.countDocuments({ action: 'account.interaction-off', 'subject.id': accountId })).toBe(
      1,
    );
  });

  test('when the certification expires on 1 February, then reminders go out 90, 30 and 7 days before, each once', async () => {
    const accountId = await runningAccount({ filed: true });
    await api()
      .put(`/api/v1/accounts/${accountId}/certification`)
      .set('Authorization', await bearer('李静'))
      .send({ certified: true, expiresOn: '2027-02-01' })
      .expect(200);
    for (const day of [
      '2026-11-03',
      '2026-11-04',
      '2027-01-02',
      '2027-01-03',
      '2027-01-25',
      '2027-01-31',
      '2027-02-01',
    ]) {
      await runRemindersOn(day);
    }
    const days = (await outboxKeys(`certification-expiry:${accountId}`)).map((key) => key.split(':')[2]);
    expect([...new Set(days)]).toEqual(['2026-11-03', '2027-01-02', '2027-01-25']);
    expect(days).toHaveLength(6);
    expect((await outboxTexts(`certification-expiry:${accountId}:2027-01-25`))[0]).toContain(
      '将于 2027-02-01 到期（约7天后）',
    );
  });

  test('when a closure request is withdrawn before approval, then the account is active again; after approval the withdrawal is refused', async () => {
    const admin = await bearer('李静');
    const account = await openAccount(services, {
      unit: '县应急管理局',
      name: '应急抖音',
      platform: 'douyin',
      leader: '王建华',
      admin: '刘洋',
    });
    const id = String(account._id);
    // The account's backend admin asked in chat; the county admin withdraws it for them.
    await services.accounts.advanceClosure({ personId: await personId('刘洋'), via: 'chat' }, id, {
      step: 'requested',
      note: '拟合并',
    });
    const withdrawn = await api()
      .post(`/api/v1/accounts/${id}/closure/withdrawal`)
      .set('Authorization', admin)
      .send({ note: '不再合并' })
      .expect(200);
    expect(withdrawn.body as AccountView).toMatchObject({ status: 'active', closure: [], nextClosureStep: null });
    const event = await AuditEventModel.findOne({ action: 'account.closure.withdrawn', 'subject.id': id }).lean();
    expect(event).toMatchObject({ reason: '不再合并', actor: { via: 'api' }, details: { requestNote: '拟合并' } });
    expect(String(event?.actor.personId)).toBe(await personId('李静'));
    expect((await outboxTexts(`account:${id}:closure-withdrawn:`))[0]).toContain('关停申请已撤回（不再合并）');

    const nothingPending = await api()
      .post(`/api/v1/accounts/${id}/closure/withdrawal`)
      .set('Authorization', admin)
      .send({})
      .expect(409);
    expect((nothingPending.body as ErrorBody).error).toMatchObject({
      code: 'CLOSURE_NOT_WITHDRAWABLE',
      message: '账号“应急抖音”（抖音）：该账号没有待批准的关停申请，无需撤回',
    });

    for (const step of ['requested', 'approved']) {
      await api().post(`/api/v1/accounts/${id}/closure`).set('Authorization', admin).send({ step }).expect(200);
    }
    // The request made again is told again (one notice per request).
    const requestNotices = await outboxKeys(`account:${id}:closure:requested:`);
    expect(new Set(requestNotices.map((key) => key.split(':')[4])).size).toBe(2);
    const afterApproval = await api()
      .post(`/api/v1/accounts/${id}/closure/withdrawal`)
      .set('Authorization', admin)
      .send({})
      .expect(409);
    expect((afterApproval.body as ErrorBody).error.message).toContain('关停已获归口管理部门批准，不能再撤回申请');
    expect(await AccountModel.findById(id).lean()).toMatchObject({ status: 'closing' });
    const notAdmin = await api()
      .post(`/api/v1/accounts/${id}/closure/withdrawal`)
      .set('Authorization', await bearer('刘洋'))
      .send({})
      .expect(404);
    expect((notAdmin.body as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND');
  });

  test('when a closure step is skipped, then it is refused; in order, the account is closed and frees its platform', async () => {
    const accountId = await runningAccount({ filed: true });
    const as = bearer.bind(null, '李静');
    const skipped = await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'approved' })
      .expect(409);
    expect((skipped.body as ErrorBody).error).toMatchObject({ code: 'CLOSURE_STEP_REFUSED' });
    expect((skipped.body as ErrorBody).error.message).toContain('请先完成“申请关停”');

    await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'requested', note: '整合为一个账号' })
      .expect(200);
    await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'approved' })
      .expect(200);
    const noLink = await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'stop-notice-published' })
      .expect(409);
    expect((noLink.body as ErrorBody).error.message).toContain('请附上停更公告的链接');
    const beforeFiling = await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'filed' })
      .expect(409);
    expect((beforeFiling.body as ErrorBody).error.message).toContain('请先完成“发布停更公告”');
    await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'stop-notice-published', url: 'https://mp.weixin.qq.com/s/notice' })
      .expect(200);
    await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'platform-cancelled' })
      .expect(200);
    const closed = await api()
      .post(`/api/v1/accounts/${accountId}/closure`)
      .set('Authorization', await as())
      .send({ step: 'filed', note: '关停备案完成' })
      .expect(200);
    const account = closed.body as AccountView;
    expect(account).toMatchObject({ status: 'closed', statusText: '已关停' });
    expect(account.closure.map((step) => step.step)).toEqual([
      'requested',
      'approved',
      'stop-notice-published',
      'platform-cancelled',
      'filed',
    ]);
    expect(account.closure[2].url).toBe('https://mp.weixin.qq.com/s/notice');
    const actions = (await AuditEventModel.find({ 'subject.id': accountId }).sort({ _id: 1 }).lean()).map(
      (event) => event.action,
    );
    expect(actions.filter((action) => action.startsWith('account.closure.'))).toHaveLength(5);
    // The platform slot is free again.
    await api()
      .post('/api/v1/accounts')
      .set('Authorization', await as())
      .send(await application({ name: '应急先锋新号' }))
      .expect(201);
  });

  test('when the input is bad, then the answer says what in Chinese and nothing changes', async () => {
    const admin = await bearer('李静');
    const accountsBefore = await AccountModel.countDocuments({});
    const missing = await api()
      .post('/api/v1/accounts')
      .set('Authorization', admin)
      .send(await application({ name: undefined }))
      .expect(400);
    expect((missing.body as ErrorBody).error).toEqual({
      code: 'REQUEST_INVALID',
      message: '请求体 name：类型不正确（缺少此项）',
    });
    const platform = await api()
      .post('/api/v1/accounts')
      .set('Authorization', admin)
      .send(await application({ platform: 'myspace' }))
      .expect(400);
    expect((platform.body as ErrorBody).error.message).toContain('platform：平台须为');
    const date = await api()
      .post('/api/v1/accounts')
      .set('Authorization', admin)
      .send(await application({ openedOn: '11月2日' }))
      .expect(400);
    expect((date.body as ErrorBody).error.message).toBe('请求体 openedOn：开设日期须为日期，如 2026-11-02');
    const impossible = await api()
      .post('/api/v1/accounts')
      .set('Authorization', admin)
      .send(await application({ openedOn: '2026-02-30' }))
      .expect(400);
    expect((impossible.body as ErrorBody).error.message).toBe('请求体 openedOn：开设日期不是有效的日期');
    const extra = await api()
      .post('/api/v1/accounts')
      .set('Authorization', admin)
      .send(await application({ status: 'active' }))
      .expect(400);
    expect((extra.body as ErrorBody).error.message).toBe('请求体：不认识的字段 “status”');
    const unknown = await api()
      .get('/api/v1/accounts/0123456789abcdef01234567')
      .set('Authorization', admin)
      .expect(404);
    expect((unknown.body as ErrorBody).error.code).toBe('ACCOUNT_NOT_FOUND');
    const notAdmin = await api()
      .get('/api/v1/accounts')
      .set('Authorization', await bearer('刘洋'))
      .expect(404);
    expect((notAdmin.body as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND');
    expect(await AccountModel.countDocuments({})).toBe(accountsBefore);
  });

  test('when an admin of one department lists accounts, then only that department appears and others answer 404', async () => {
    await runningAccount();
    await openAccount(services, {
      unit: '县应急管理局',
      name: '应急微博',
      platform: 'weibo',
      leader: '王建华',
      admin: '刘洋',
    });
    const education = await unitId('某县人民政府/县教育局');
    const educationAdmin = await PersonModel.create({
      name: '教育局管理员',
      roles: ['admin'],
      unitIds: [education],
      adminOfUnitId: education,
    });
    const schoolAccount = await openAccount(services, {
      unit: '县教育局',
      name: '教育之窗',
      leader: '吴国庆',
      admin: '冯涛',
    });
    const token = `Bearer ${(await cliToken(tokens, clock, String(educationAdmin._id))).token}`;
    const list = await api().get('/api/v1/accounts?limit=10').set('Authorization', token).expect(200);
    expect((list.body as AccountListBody).accounts.map((account) => account.name)).toEqual(['教育之窗']);
    await api()
      .get(`/api/v1/accounts/${String(schoolAccount._id)}`)
      .set('Authorization', token)
      .expect(200);
    const other = await AccountModel.findOne({ name: '应急微博' }).lean();
    await api()
      .get(`/api/v1/accounts/${String(other?._id)}`)
      .set('Authorization', token)
      .expect(404);

    const firstPage = await api()
      .get('/api/v1/accounts?limit=2')
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const page = firstPage.body as AccountListBody;
    expect(page.accounts).toHaveLength(2);
    const next = await api()
      .get(`/api/v1/accounts?limit=2&cursor=${page.nextCursor}`)
      .set('Authorization', await bearer('李静'))
      .expect(200);
    expect((next.body as AccountListBody).accounts.map((account) => account.id)).not.toContain(page.accounts[0].id);
  });
});

describe('the filing deadline in working days', () => {
  test('when the province counts 3 working days and the account opens before National Day, then the 调休 Saturday counts and the holiday does not', async () => {
    const workingDays = createServices({
      clock,
      logger,
      registry: { filingDeadline: { days: 3, unit: 'working-days' }, reminderDays: [1, 15, 25, 30] },
    });
    const account = await openAccount(workingDays, {
      unit: '青山镇人民政府',
      name: '青山发布',
      leader: '黄德明',
      admin: '马骏',
      openedOn: '2026-09-30',
      filed: false,
    });
    // 1–7 October are holidays; 8 (Thu), 9 (Fri) and 10 October (the make-up Saturday) are working days.
    expect(account.filingDueAt?.toISOString()).toBe('2026-10-10T16:00:00.000Z');
    const calendarDays = await openAccount(services, {
      unit: '青山镇人民政府',
      name: '青山微博',
      platform: 'weibo',
      leader: '黄德明',
      admin: '马骏',
      openedOn: '2026-09-30',
      filed: false,
    });
    expect(calendarDays.filingDueAt?.toISOString()).toBe('2026-10-03T16:00:00.000Z');
  });

  test('when an admin made a working day a local holiday, then the working-day deadline moves past it', async () => {
    const workingDays = createServices({
      clock,
      logger,
      registry: { filingDeadline: { days: 3, unit: 'working-days' }, reminderDays: [1, 15, 25, 30] },
    });
    const operator = { personId: null, via: 'cli' };
    await workingDays.calendar.setOverride(operator, { date: '2026-10-09', kind: 'holiday', name: '县庆' });
    try {
      const account = await openAccount(workingDays, {
        unit: '青山镇人民政府',
        name: '青山抖音',
        platform: 'douyin',
        leader: '黄德明',
        admin: '马骏',
        openedOn: '2026-09-30',
        filed: false,
      });
      // 8 October, the make-up Saturday 10 October and Monday 12 October: the county's 9 October does not count.
      expect(account.filingDueAt?.toISOString()).toBe('2026-10-12T16:00:00.000Z');
      const approval = await AuditEventModel.findOne({
        action: 'account.opening-approved',
        'subject.id': String(account._id),
      }).lean();
      expect(approval?.details).toMatchObject({ filingLastDay: '2026-10-12' });
    } finally {
      await workingDays.calendar.removeOverride(operator, '2026-10-09');
    }
  });
});
