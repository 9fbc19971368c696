/**
 * The working-day calendar when the holiday package lacks the coming year (chinese-days 1.5.7 has no
 * 2027): the missing year is reported to the admins and on the API, and an admin's override over the
 * API makes 1 January 2027 a holiday for the approval nudges.
 */
import type http from 'node:http';
import request from 'supertest';
import { startApi, cliToken } from '../../support/api-harness';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { AccessTokens } from '../../../src/api/access-tokens';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { calendarCheckJob } from '../../../src/jobs/calendar-check-job';
import { approvalNudgeJob } from '../../../src/jobs/approval-nudge-job';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { CalendarOverrideModel } from '../../../src/cadence/calendar-override-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { PersonModel } from '../../../src/people/person-model';
import type { CalendarView, ErrorBody, ReminderPolicyView } from '../../../src/shared/contracts';

const clock = new ManualClock('2026-12-15T01:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });
const tokens = new AccessTokens('calendar-test-secret-0123456789abcdef', 3600, clock);
const scheduler = new JobScheduler({ clock, logger, processId: 'a', timeZone: 'Asia/Shanghai' });
const shanghai = (text: string) => new Date(`${text}+08:00`);
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
});
afterAll(async () => {
  server.close();
  await disconnectTestDatabase();
});

const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await personId(name))).token}`;

describe('the working-day calendar', () => {
  test('when the package has no data for 2027 in December, then admins are told once a day and the API shows it', async () => {
    clock.set(shanghai('2026-12-15T08:30:00'));
    await scheduler.runOnce(calendarCheckJob({ ...services, logger }), clock.now());
    await scheduler.runOnce(calendarCheckJob({ ...services, logger }), new Date(clock.now().getTime() + 1));
    const messages = await OutboxMessageModel.find({ idempotencyKey: /^calendar-missing:/ }).lean();
    expect(messages).toHaveLength(1);
    expect(String(messages[0].recipient.personId)).toBe(await personId('李静'));
    expect(messages[0].text).toContain('尚未包含2027年的法定节假日');

    const response = await request(server)
      .get('/api/v1/calendar')
      .set('authorization', await bearer('李静'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      today: '2026-12-15',
      missingYears: [2027],
      overrides: [],
    } satisfies Partial<CalendarView>);
    expect((response.body as CalendarView).missingYearsMessage).toContain('2027年');
  });

  test('when an admin makes 1 January 2027 a holiday over the API, then no nudge is sent that day', async () => {
    const response = await request(server)
      .put('/api/v1/calendar/overrides/2027-01-01')
      .set('authorization', await bearer('李静'))
      .send({ kind: 'holiday', name: '元旦' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ date: '2027-01-01', kind: 'holiday', name: '元旦' });
    expect(await CalendarOverrideModel.findById('2027-01-01').lean()).toMatchObject({ kind: 'holiday', name: '元旦' });
    expect(await AuditEventModel.countDocuments({ action: 'calendar.override-set', 'subject.id': '2027-01-01' })).toBe(
      1,
    );
    const status = (
      await request(server)
        .get('/api/v1/calendar')
        .set('authorization', await bearer('李静'))
    ).body as CalendarView;
    expect(status.missingYearsMessage).toContain('目前已手工设置 1 天');

    // Thursday 31 December 16:00: 2 working hours that day; 1 January would add the other 2 by 10:30.
    clock.set(shanghai('2026-12-31T16:00:00'));
    const draft = await services.drafts.submitDraft(
      { personId: await personId('刘洋'), via: 'test' },
      { title: '元旦假期安全提示', body: '正文' },
    );
    const nudges = () => OutboxMessageModel.countDocuments({ idempotencyKey: new RegExp(`^nudge:${draft.id}:`) });
    for (const when of ['2027-01-01T10:30:00', '2027-01-01T15:00:00', '2027-01-03T11:00:00']) {
      clock.set(shanghai(when));
      await scheduler.runOnce(approvalNudgeJob(services), clock.now());
    }
    expect(await nudges()).toBe(0);
    clock.set(shanghai('2027-01-04T10:30:00'));
    await scheduler.runOnce(approvalNudgeJob(services), clock.now());
    expect(await nudges()).toBe(1);
  });

  test('when an admin of a department tries to change the calendar, then it is refused; a bad date is named', async () => {
    await PersonModel.updateOne(
      { name: '蒋明' },
      { $set: { roles: ['officer', 'admin'], adminOfUnitId: await unitId('某县人民政府/县政府办公室') } },
    );
    const refused = await request(server)
      .put('/api/v1/calendar/overrides/2027-01-02')
      .set('authorization', await bearer('蒋明'))
      .send({ kind: 'holiday' });
    expect(refused.status).toBe(403);
    expect((refused.body as ErrorBody).error.code).toBe('CALENDAR_ADMIN_ONLY');
    const invalid = await request(server)
      .put('/api/v1/calendar/overrides/2027-02-30')
      .set('authorization', await bearer('李静'))
      .send({ kind: 'holiday' });
    expect(invalid.status).toBe(400);
    expect((invalid.body as ErrorBody).error.message).toContain('2027-02-30');
    expect(await CalendarOverrideModel.countDocuments({})).toBe(1);
  });

  test("when an admin sets a unit's reminder hours over the API, then units below inherit them", async () => {
    const department = await unitId('某县人民政府/青山镇人民政府');
    const office = await unitId('某县人民政府/青山镇人民政府/党政办公室');
    const set = await request(server)
      .put(`/api/v1/units/${department}/reminder-policy`)
      .set('authorization', await bearer('李静'))
      .send({ remindAfterWorkingHours: 2, escalateAfterWorkingHours: 6, workdayStart: '09:00' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ remindAfterWorkingHours: 2, workdayStart: '09:00', inherited: false });
    const inherited = await request(server)
      .get(`/api/v1/units/${office}/reminder-policy`)
      .set('authorization', await bearer('李静'));
    expect(inherited.body).toEqual({
      remindAfterWorkingHours: 2,
      escalateAfterWorkingHours: 6,
      workdayStart: '09:00',
      workdayEnd: '18:00',
      baselineCounts: 'calendar-days',
      inherited: true,
    } satisfies ReminderPolicyView);
    const invalid = await request(server)
      .put(`/api/v1/units/${department}/reminder-policy`)
      .set('authorization', await bearer('李静'))
      .send({ escalateAfterWorkingHours: 1 });
    expect(invalid.status).toBe(400);
    expect((invalid.body as ErrorBody).error.message).toContain('升级催办时限应大于提醒时限');
  });
  test('when the OpenAPI document is read, then it lists the calendar and reminder routes; a leader or an outside admin gets 404', async () => {
    const document = await request(server).get('/api/v1/openapi.json').expect(200);
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/calendar'])).toEqual(['get']);
    expect(Object.keys(paths['/calendar/overrides/{date}']).sort()).toEqual(['delete', 'put']);
    expect(Object.keys(paths['/units/{unitId}/reminder-policy']).sort()).toEqual(['get', 'put']);

    const leader = await bearer('孙丽');
    for (const [method, path] of [
      ['get', '/api/v1/calendar'],
      ['put', '/api/v1/calendar/overrides/2027-01-05'],
      ['get', `/api/v1/units/${await unitId('某县人民政府')}/reminder-policy`],
    ] as const) {
      const answer = await request(server)[method](path).set('authorization', leader).send({ kind: 'holiday' });
      expect(answer.status).toBe(404);
      expect((answer.body as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND');
    }
    // 蒋明 looks after the county office only (made an admin above): the county itself is outside.
    const outside = await request(server)
      .get(`/api/v1/units/${await unitId('某县人民政府')}/reminder-policy`)
      .set('authorization', await bearer('蒋明'));
    expect(outside.status).toBe(404);
    expect((outside.body as ErrorBody).error.code).toBe('UNIT_NOT_FOUND');
    expect(await CalendarOverrideModel.findById('2027-01-05').lean()).toBeNull();
  });
});
