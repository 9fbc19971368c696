/**
 * Public inquiries over the API (issue 26): registered by hand, read inside and outside the viewer's
 * scope (masked for all but the answering unit), extended and answered, and a month's figures against a
 * fixture computed by hand.
 */
import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { InquiryModel } from '../../../src/inquiries/inquiry-model';
import type {
  AccountInquirySettingsView,
  InquiryDetail,
  InquiryFiguresReport,
  InquiryList,
  UnitInquirySettingsView,
} from '../../../src/shared/contracts';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { PersonModel } from '../../../src/people/person-model';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

// Monday 2 November 2026, 09:00 in Beijing.
const clock = new ManualClock('2026-11-02T01:00:00Z');
const tokens = new AccessTokens('inquiry-api-test-secret-0123456789abcdef', 3600, clock);
const services = createServices({ clock, logger: createLogger('silent') });
let server: http.Server;
let accountId: string;
let secondAccountId: string;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  accountId = String(
    (
      await openAccount(services, {
        unit: '县应急管理局',
        name: '应急发布',
        platform: 'weibo',
        leader: '王建华',
        admin: '刘洋',
      })
    )._id,
  );
  secondAccountId = String(
    (
      await openAccount(services, {
        unit: '县应急管理局',
        name: '应急抖音',
        platform: 'douyin',
        leader: '王建华',
        admin: '刘洋',
      })
    )._id,
  );
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(() => stopApi(server, services));

const bearer = async (name: string, code?: string) =>
  `Bearer ${(await cliToken(tokens, clock, await personId(name, code))).token}`;

async function get<Body>(name: string, path: string, code?: string) {
  const answer = await request(server)
    .get(`/api/v1${path}`)
    .set('Authorization', await bearer(name, code));
  return { status: answer.status, body: answer.body as Body & { error?: { code: string } } };
}

async function post<Body>(name: string, path: string, body: object) {
  const answer = await request(server)
    .post(`/api/v1${path}`)
    .set('Authorization', await bearer(name))
    .send(body);
  return { status: answer.status, body: answer.body as Body & { error?: { code: string } } };
}

describe('an inquiry registered by hand', () => {
  test('when the officer registers a citizen’s message, then its answering unit reads it as written, an admin masked, and an officer of another unit neither in the list nor by id', async () => {
    const registered = await post<InquiryDetail>('刘洋', '/inquiries', {
      accountId,
      text: '请问防汛物资在哪里领取？我的电话13812345678',
      citizenLabel: '微博用户 王先生',
    });

    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      accountName: '应急发布',
      unitName: '县应急管理局',
      kind: 'consultation',
      kindText: '咨询',
      status: 'open',
      source: 'manual',
      answerDueOn: '2026-11-09',
      overdue: false,
      mayAct: true,
    });
    const id = registered.body.id;
    const stored = await InquiryModel.findById(id).lean();
    expect(stored?.messages[0].text).toBe('请问防汛物资在哪里领取？我的电话13812345678');

    const asOfficer = await get<InquiryDetail>('刘洋', `/inquiries/${id}`);
    expect(asOfficer.body.messages[0].text).toContain('13812345678');
    expect(asOfficer.body.timeline.map((entry) => [entry.action, entry.by?.name])).toEqual([
      ['inquiry.received', '刘洋'],
    ]);

    const asAdmin = await get<InquiryDetail>('李静', `/inquiries/${registered.body.code}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.messages[0].text).toContain('138****5678');
    expect(asAdmin.body.messages[0].text).not.toContain('13812345678');
    const adminList = await get<InquiryList>('李静', `/inquiries?accountId=${accountId}`);
    expect(adminList.body.items.find((item) => item.id === id)?.excerpt).toBe(
      '请问防汛物资在哪里领取？我的电话138****5678',
    );

    // 张伟 (JYJ004) is an officer of the education bureau.
    const outsider = await get<InquiryDetail>('张伟', `/inquiries/${id}`, 'JYJ004');
    expect([outsider.status, outsider.body.error?.code]).toEqual([404, 'INQUIRY_NOT_FOUND']);
    expect(JSON.stringify(outsider.body)).not.toContain('防汛');
    const outsiderList = await get<InquiryList>('张伟', '/inquiries', 'JYJ004');
    expect(outsiderList.body.items).toEqual([]);
    const outsiderStep = await request(server)
      .post(`/api/v1/inquiries/${id}/answer`)
      .set('Authorization', await bearer('张伟', 'JYJ004'))
      .send({ text: '不归我管' });
    expect(outsiderStep.status).toBe(404);
  });

  test('when the officer extends the promise and then answers, then the detail shows the new promise, the reason and the answer, on time', async () => {
    const registered = await post<InquiryDetail>('刘洋', '/inquiries', {
      accountId,
      text: '建议增设避难场所指示牌',
      kind: 'suggestion',
    });
    const id = registered.body.id;

    const extended = await post<{ citizenTold: boolean; inquiry: InquiryDetail }>('刘洋', `/inquiries/${id}/extend`, {
      dueOn: '2026-11-16',
      reason: '需会同住建部门核实',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.citizenTold).toBe(false);
    expect(extended.body.inquiry.answerDueOn).toBe('2026-11-16');
    expect(extended.body.inquiry.extensions).toEqual([
      expect.objectContaining({
        fromDueOn: '2026-11-09',
        toDueOn: '2026-11-16',
        reason: '需会同住建部门核实',
        by: expect.objectContaining({ name: '刘洋' }),
      }),
    ]);

    const answered = await post<{ outcome: string; inquiry: InquiryDetail }>('刘洋', `/inquiries/${id}/answer`, {
      text: '感谢建议，已安排设置。',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.outcome).toBe('recorded');
    expect(answered.body.inquiry).toMatchObject({
      status: 'answered',
      answerText: '感谢建议，已安排设置。',
      answerChannel: 'back-office',
    });
    expect(answered.body.inquiry.timeline.map((entry) => entry.action)).toEqual([
      'inquiry.received',
      'inquiry.extended',
      'inquiry.answered',
    ]);
    const again = await post('刘洋', `/inquiries/${id}/answer`, { text: '再答一次' });
    expect([again.status, again.body.error?.code]).toEqual([409, 'INQUIRY_ENDED']);
    const stored = await InquiryModel.findById(id).lean();
    expect(stored?.status).toBe('answered');
  });
});

describe('an inquiry registered by the account’s name', () => {
  test('when the officer names the account as filed, then it is registered on it; both or neither name nor id is refused, and so is an account of another unit, in words', async () => {
    const byName = await post<InquiryDetail>('刘洋', '/inquiries', {
      accountName: '应急抖音',
      text: '抖音私信：地震避难场所在哪里？',
      citizenLabel: '抖音用户 陈女士',
    });
    expect(byName.status).toBe(201);
    expect(byName.body).toMatchObject({ accountId: secondAccountId, accountName: '应急抖音', source: 'manual' });
    expect((await InquiryModel.findById(byName.body.id).lean())?.citizenLabel).toBe('抖音用户 陈女士');

    const both = await post('刘洋', '/inquiries', { accountId, accountName: '应急发布', text: '两个都写了' });
    expect([both.status, both.body.error?.code]).toEqual([400, 'REQUEST_INVALID']);
    const neither = await post('刘洋', '/inquiries', { text: '都没写' });
    expect([neither.status, neither.body.error?.code]).toEqual([400, 'REQUEST_INVALID']);

    // 蒋明 is an officer of the county government's office: by name the bureau's account is not even found
    // for him; by id it is refused with the reason.
    const before = await InquiryModel.countDocuments({ accountId });
    const unknown = await post('蒋明', '/inquiries', { accountName: '应急发布', text: '防汛物资在哪里领取？' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    const refused = await post<{ error: { message: string } }>('蒋明', '/inquiries', {
      accountId,
      text: '防汛物资在哪里领取？',
    });
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'INQUIRY_NOT_YOURS']);
    expect(refused.body.error.message).toBe('不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内');
    expect(await InquiryModel.countDocuments({ accountId })).toBe(before);
  });
});

describe('the figures of a month', () => {
  test('when inquiries of December are answered on time, late, marked invalid or left open, then the figures and filters match the hand count', async () => {
    // Monday 7 December 2026, 09:00: consultations are due Monday 14 December (5 working days); the
    // working day runs 08:30–18:00 (9.5 h).
    clock.set('2026-12-07T01:00:00Z');
    const register = async (account: string, text: string) =>
      (await post<InquiryDetail>('刘洋', '/inquiries', { accountId: account, text })).body.id;
    const a = await register(accountId, '甲');
    const b = await register(accountId, '乙');
    const c = await register(accountId, '丙');
    const d = await register(accountId, '丁');
    const e = await register(secondAccountId, '戊');

    clock.set('2026-12-07T03:00:00Z'); // 11:00 the same day: a took 2 working hours, on time
    await post('刘洋', `/inquiries/${a}/answer`, { text: '答甲' });
    clock.set('2026-12-08T01:00:00Z'); // Tue 09:00: b took 9 h (Mon 09:00–18:00) + 0.5 h = 9.5 h, on time
    await post('刘洋', `/inquiries/${b}/answer`, { text: '答乙' });
    await post('刘洋', `/inquiries/${d}/invalid`, { reason: 'spam' });
    clock.set('2026-12-15T01:00:00Z'); // Tue 15 Dec 09:00: c took 9 + 5 × 9.5 (Tue–Mon) + 0.5 = 57 h, a day late
    await post('刘洋', `/inquiries/${c}/answer`, { text: '答丙' });
    clock.set('2026-12-17T02:00:00Z'); // Thu 17 Dec 10:00: e is still open, past its promise

    // 留言数 5; 有效 4 (d is spam); 答复 3 → 答复率 3/4 = 0.75; 按期 2 (a, b) of 答复 3 + 逾期 1 (e) → 0.5;
    // hours sorted [2, 9.5, 57]: median the 2nd (ceil(0.5 × 3)), p90 the 3rd (ceil(0.9 × 3)).
    const totals = {
      received: 5,
      valid: 4,
      answered: 3,
      answerRate: 0.75,
      answeredOnTime: 2,
      onTimeRate: 0.5,
      medianAnswerWorkingHours: 9.5,
      p90AnswerWorkingHours: 57,
      overdue: 1,
    };
    const byAccount = await get<InquiryFiguresReport>('李静', '/inquiries/figures?month=2026-12&groupBy=account');
    expect(byAccount.status).toBe(200);
    expect(byAccount.body.totals).toEqual(totals);
    const group = (id: string) => byAccount.body.groups.find((candidate) => candidate.id === id);
    // 应急发布: 4 received, 3 valid, all answered (1.0), 2 of 3 on time (0.6667), none overdue.
    expect(group(accountId)).toEqual({
      id: accountId,
      name: '应急发布',
      figures: { ...totals, received: 4, valid: 3, answerRate: 1, onTimeRate: 0.6667, overdue: 0 },
    });
    // 应急抖音: e alone, unanswered and overdue: 答复率 0, 按期答复率 0/1.
    expect(group(secondAccountId)?.figures).toEqual({
      received: 1,
      valid: 1,
      answered: 0,
      answerRate: 0,
      answeredOnTime: 0,
      onTimeRate: 0,
      medianAnswerWorkingHours: null,
      p90AnswerWorkingHours: null,
      overdue: 1,
    });
    const byUnit = await get<InquiryFiguresReport>('刘洋', '/inquiries/figures?month=2026-12&groupBy=unit');
    expect(byUnit.body.groups).toEqual([{ id: expect.any(String), name: '县应急管理局', figures: totals }]);
    const outside = await get<InquiryFiguresReport>('张伟', '/inquiries/figures?month=2026-12', 'JYJ004');
    expect(outside.body.groups).toEqual([]);
    expect(outside.body.totals.received).toBe(0);

    const overdue = await get<InquiryList>('李静', '/inquiries?overdue=true&month=2026-12');
    expect(overdue.body.items.map((item) => [item.id, item.overdue])).toEqual([[e, true]]);
    const answered = await get<InquiryList>('李静', '/inquiries?status=answered&month=2026-12&limit=2');
    expect(answered.body.items).toHaveLength(2);
    const rest = await get<InquiryList>(
      '李静',
      `/inquiries?status=answered&month=2026-12&limit=2&cursor=${answered.body.nextCursor}`,
    );
    expect([...answered.body.items, ...rest.body.items].map((item) => item.id).sort()).toEqual([a, b, c].sort());
    expect(rest.body.nextCursor).toBeNull();
  });
});

describe('a platform’s export imported', () => {
  const csv = [
    '留言时间,留言人,留言内容,类型',
    '2026-10-30 10:15,微博用户 李女士,小区门口的积水什么时候处理？,投诉',
    '2026-10-31 16:40,微博用户 陈先生,"冬季取暖补贴怎么申请，需要哪些材料？",咨询',
    '10月32日,微博用户 某某,日期写错的一行,咨询',
    '2026-11-01 09:00,微博用户 刘先生,,咨询',
  ].join('\n');

  test('when the officer imports it twice, then each good row is registered once with its own deadline and the bad rows are named by line', async () => {
    const first = await post<{ imported: number; alreadyThere: number; errors: string[] }>(
      '刘洋',
      '/inquiries/import',
      {
        accountId: secondAccountId,
        content: csv,
      },
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ imported: 2, alreadyThere: 0 });
    expect(first.body.errors).toEqual([
      expect.stringContaining('第4行：留言时间“10月32日”无法识别'),
      expect.stringContaining('第5行：留言内容不能为空'),
    ]);
    const again = await post<{ imported: number; alreadyThere: number }>('刘洋', '/inquiries/import', {
      accountId: secondAccountId,
      content: csv,
    });
    expect(again.body).toMatchObject({ imported: 0, alreadyThere: 2 });
    const imported = await InquiryModel.find({ accountId: secondAccountId, source: 'import' })
      .sort({ receivedAt: 1 })
      .lean();
    expect(imported.map((inquiry) => [inquiry.kind, inquiry.citizenLabel, inquiry.answerDueOn])).toEqual([
      // A complaint received Friday 30 October: 7 working days → Tuesday 10 November.
      ['complaint', '微博用户 李女士', '2026-11-10'],
      // A consultation received Saturday 31 October: 5 working days → Friday 6 November.
      ['consultation', '微博用户 陈先生', '2026-11-06'],
    ]);
  });

  test('when an officer of another unit imports for the account, then it is refused and nothing is registered', async () => {
    const before = await InquiryModel.countDocuments({ accountId: secondAccountId });
    const refused = await post('蒋明', '/inquiries/import', { accountId: secondAccountId, content: csv });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('INQUIRY_NOT_YOURS');
    expect(await InquiryModel.countDocuments({ accountId: secondAccountId })).toBe(before);
  });
});

describe('a unit’s own deadlines', () => {
  async function put<Body>(name: string, path: string, body: object) {
    const answer = await request(server)
      .put(`/api/v1${path}`)
      .set('Authorization', await bearer(name))
      .send(body);
    return { status: answer.status, body: answer.body as Body & { error?: { code: string; message: string } } };
  }

  test('when the top admin gives the county government 10 working days for complaints, then a complaint registered below it is due 10 working days later, and the setting is in the trail', async () => {
    const countyId = await unitId('某县人民政府');
    const set = await put<UnitInquirySettingsView>('李静', `/inquiries/settings/units/${countyId}`, {
      answerWorkingDays: { complaint: 10 },
    });
    expect(set.status).toBe(200);
    expect(set.body.own).toEqual({ answerWorkingDays: { complaint: 10 } });
    expect(set.body.inForce.answerWorkingDays).toEqual({ consultation: 5, suggestion: 5, complaint: 10, other: 5 });
    // The bureau below inherits it.
    const bureau = await get<UnitInquirySettingsView>(
      '李静',
      `/inquiries/settings/units/${await unitId('某县人民政府/县应急管理局')}`,
    );
    expect(bureau.body).toMatchObject({ own: {}, inForce: { answerWorkingDays: { complaint: 10 } } });
    const registered = await post<InquiryDetail>('刘洋', '/inquiries', {
      accountId,
      text: '投诉：夜间施工噪音扰民',
      kind: 'complaint',
      receivedAt: '2026-11-02T01:30:00.000Z',
    });
    // Monday 2 November + 10 working days → Monday 16 November.
    expect(registered.body.answerDueOn).toBe('2026-11-16');
    const event = await AuditEventModel.findOne({ action: 'inquiry-settings.set', 'subject.id': countyId }).lean();
    expect(event?.details).toMatchObject({ settings: { answerWorkingDays: { complaint: 10 } } });
    // Longer than the longest allowed: refused with the reason.
    const tooLong = await put('李静', `/inquiries/settings/units/${countyId}`, { answerWorkingDays: { other: 20 } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toContain('不能超过最长答复期限（15 个工作日）');
  });

  test('when an officer or an admin of another unit reads or sets the bureau’s deadlines or its account’s acknowledgement, then it is not found for them', async () => {
    const bureauId = await unitId('某县人民政府/县应急管理局');
    expect((await put('刘洋', `/inquiries/settings/units/${bureauId}`, { maxWorkingDays: 10 })).status).toBe(404);
    await PersonModel.updateOne(
      { name: '蒋明' },
      { $set: { roles: ['officer', 'admin'], adminOfUnitId: await unitId('某县人民政府/县政府办公室') } },
    );
    // Who someone is, is cached for a few seconds (viewerCacheTtlMs): let 蒋明's old self expire.
    clock.set(new Date(clock.now().getTime() + 10_000));
    const branch = await put('蒋明', `/inquiries/settings/units/${bureauId}`, { maxWorkingDays: 10 });
    expect(branch.status).toBe(404);
    expect(branch.body.error?.code).toBe('UNIT_NOT_FOUND');
    expect((await get('蒋明', `/inquiries/settings/accounts/${accountId}`)).status).toBe(404);
    expect((await put('蒋明', `/inquiries/settings/accounts/${accountId}`, { autoAcknowledge: false })).status).toBe(
      404,
    );
    const own = await get<AccountInquirySettingsView>('李静', `/inquiries/settings/accounts/${accountId}`);
    expect(own.body).toMatchObject({ own: {}, inForce: { autoAcknowledge: true } });
    const template = await put('李静', `/inquiries/settings/accounts/${accountId}`, {
      acknowledgementTemplate: '收到',
    });
    expect(template.status).toBe(400);
    expect(template.body.error?.message).toContain('{date}');
  });

  test('when a branch’s admin changes the deadlines of the unit above it or the acknowledgement of a sibling unit’s account, then neither is found for them and nothing changes, while the admin above sets the branch’s', async () => {
    const countyId = await unitId('某县人民政府');
    const townId = await unitId('某县人民政府/青山镇人民政府');
    const townOfficeId = await unitId('某县人民政府/青山镇人民政府/党政办公室');
    // 林小燕, a deputy head of 青山镇, becomes the admin of the town (and its 党政办公室 below it).
    await PersonModel.updateOne({ name: '林小燕' }, { $set: { roles: ['leader', 'admin'], adminOfUnitId: townId } });
    clock.set(new Date(clock.now().getTime() + 10_000));
    const countyBefore = await get<UnitInquirySettingsView>('李静', `/inquiries/settings/units/${countyId}`);
    const accountBefore = await get<AccountInquirySettingsView>('李静', `/inquiries/settings/accounts/${accountId}`);

    const parent = await put('林小燕', `/inquiries/settings/units/${countyId}`, { maxWorkingDays: 5 });
    expect([parent.status, parent.body.error?.code]).toEqual([404, 'UNIT_NOT_FOUND']);
    expect(parent.body.error?.message).toBe('找不到该单位，或该单位不在您的管理范围内');
    // 应急发布 is the account of 县应急管理局, the town's sibling under the county.
    const sibling = await put('林小燕', `/inquiries/settings/accounts/${accountId}`, { autoAcknowledge: false });
    expect([sibling.status, sibling.body.error?.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect((await get('李静', `/inquiries/settings/units/${countyId}`)).body).toEqual(countyBefore.body);
    expect((await get('李静', `/inquiries/settings/accounts/${accountId}`)).body).toEqual(accountBefore.body);
    const branchAdminId = await personId('林小燕');
    expect(
      await AuditEventModel.countDocuments({ action: 'inquiry-settings.set', 'actor.personId': branchAdminId }),
    ).toBe(0);

    // The county's admin gives the town 3 working days for consultations: in force below it, for its own admin too.
    const set = await put<UnitInquirySettingsView>('李静', `/inquiries/settings/units/${townId}`, {
      answerWorkingDays: { consultation: 3 },
    });
    expect(set.status).toBe(200);
    expect(set.body.own).toEqual({ answerWorkingDays: { consultation: 3 } });
    const below = await get<UnitInquirySettingsView>('林小燕', `/inquiries/settings/units/${townOfficeId}`);
    expect(below.status).toBe(200);
    expect(below.body).toMatchObject({
      own: {},
      inForce: { answerWorkingDays: { consultation: 3, suggestion: 5, complaint: 10, other: 5 } },
    });
    const event = await AuditEventModel.findOne({ action: 'inquiry-settings.set', 'subject.id': townId }).lean();
    expect(String(event?.actor.personId)).toBe(await personId('李静'));
  });
});
