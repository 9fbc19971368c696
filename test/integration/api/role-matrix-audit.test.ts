/**
 * The role × route matrix's audit-subject axis and its exports: every subject type the system writes,
 * asked for by an admin of the subject's unit, an admin of another branch and the top admin, through
 * GET /audit/events; then the audit and drafts exports by role. Out of scope answers 404 and says
 * nothing about the subject; an export holds only the events and drafts the caller may see.
 */
import type http from 'node:http';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { PersonModel } from '../../../src/people/person-model';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import { auditExportColumns, draftExportColumns } from '../../../src/shared/contracts/exports';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';
import { cliToken, startApi, startFakeWechat } from '../../support/api-harness';

const clock = new ManualClock('2026-11-01T01:00:00Z');
const tokens = new AccessTokens('role-matrix-audit-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;

/** Admins: 钱卫东 looks after the emergency bureau, 张伟 (JYJ004) the education bureau, 周立新 the county office. */
const emergencyAdmin = '钱卫东';
const educationAdmin = '张伟';
const officeAdmin = '周立新';
const topAdmin = '李静';
const idOf = (name: string) => (name === '张伟' ? personId(name, 'JYJ004') : personId(name));

/** What only the emergency bureau's records say: none of it may reach another branch's admin. */
const emergencyRejection = '演练时间与应急预案不符，请核实后重报';
const emergencyReviewNote = '应急先锋年审缺少留言办理情况';
const emergencyInteractionNote = '应急先锋留言功能暂停维护';
const educationRejection = '招生数据请注明来源';

const subjects: Record<string, { type: string; id: string }> = {};

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  const makeAdmin = async (name: string, unitPath: string, roles: string[]) =>
    PersonModel.updateOne(
      { _id: await idOf(name) },
      { $set: { roles, adminOfUnitId: new Types.ObjectId(await unitId(`某县人民政府/${unitPath}`)) } },
    );
  await makeAdmin(emergencyAdmin, '县应急管理局', ['leader', 'admin']);
  await makeAdmin(educationAdmin, '县教育局', ['officer', 'admin']);
  await makeAdmin(officeAdmin, '县政府办公室', ['leader', 'admin']);
  wechat = await startFakeWechat();
  server = startApi(services, { wechatBaseUrl: wechat.baseUrl, tokens }).server;

  // A draft of each bureau, rejected with a reason.
  const rejectedDraft = async (officer: string, approver: string, title: string, reason: string) => {
    const draft = await services.drafts.submitDraft(
      { personId: await idOf(officer), via: 'test' },
      { title, body: '正文。' },
    );
    await services.drafts.decide(
      { personId: await idOf(approver), via: 'test' },
      { code: draft.code, decision: 'reject', comment: reason, versionNumber: null },
    );
    return draft;
  };
  const emergencyDraft = await rejectedDraft('刘洋', '孙丽', '关于防汛演练的通知', emergencyRejection);
  await rejectedDraft('张伟', '郑美玲', '关于秋季招生的公告', educationRejection);

  // An account of each bureau, this year's annual reviews, and a failed review with a note.
  const account = await openAccount(services, {
    unit: '县应急管理局',
    name: '应急先锋',
    leader: '王建华',
    admin: '刘洋',
  });
  await openAccount(services, { unit: '县教育局', name: '教育之窗', leader: '吴国庆', admin: '冯涛' });
  const county = { personId: await idOf(topAdmin), via: 'test' };
  await services.accounts.setInteraction(county, String(account._id), false, emergencyInteractionNote);
  await services.annualReviews.runDailyDuties('2026-11-01');
  const review = await AnnualReviewModel.findOne({ accountId: account._id }).lean();
  await services.annualReviews.submitReportById(county, String(review?._id), { text: '年度报告', file: null });
  await services.annualReviews.decideById(county, String(review?._id), { passed: false, reason: emergencyReviewNote });

  // A refused mini-program login by an openid later bound to 刘洋, and one by an openid nobody has bound.
  for (const openid of ['openid-liuyang', 'openid-stranger']) {
    await request(server)
      .post('/api/v1/auth/wechat')
      .send({ code: `code-${openid}` })
      .expect(403);
  }
  const { code } = await services.people.createMiniProgramBindCode(await idOf('刘洋'));
  await services.people.bindMiniProgram({ code, provider: 'wx-test', externalId: 'openid-liuyang' });

  // Organisation-wide records: a local holiday and an export.
  await services.calendar.setOverride(county, { date: '2026-12-24', kind: 'holiday', name: '县庆' });
  await request(server)
    .get('/api/v1/exports/drafts?from=2026-10-01&to=2026-12-31&format=csv')
    .set('Authorization', `Bearer ${(await cliToken(tokens, clock, await idOf(topAdmin))).token}`)
    .expect(200);
  await services.audit.settle();

  const emergencyRoute = await ApprovalRouteModel.findOne({ unitId: await unitId('某县人民政府/县应急管理局') }).lean();
  const organization = await AuditEventModel.findOne({ action: 'organization.imported' }).lean();
  Object.assign(subjects, {
    draft: { type: 'draft', id: emergencyDraft.id },
    account: { type: 'account', id: String(account._id) },
    'annual-review': { type: 'annual-review', id: String(review?._id) },
    'approval-route': { type: 'approval-route', id: String(emergencyRoute?._id) },
    unit: { type: 'unit', id: await unitId('某县人民政府/县应急管理局') },
    person: { type: 'person', id: await idOf('刘洋') },
    'person of wider scope': { type: 'person', id: await idOf(topAdmin) },
    'bound mini-program': { type: 'mini-program', id: 'openid-liuyang' },
    'unbound mini-program': { type: 'mini-program', id: 'openid-stranger' },
    organization: { type: 'organization', id: String(organization?.subject.id) },
    'annual-review-cycle': { type: 'annual-review-cycle', id: '2026' },
    'calendar-day': { type: 'calendar-day', id: '2026-12-24' },
    export: { type: 'export', id: 'drafts' },
  });
  // Each subject has events to show, or a 404 would prove nothing.
  for (const [name, subject] of Object.entries(subjects)) {
    const count = await AuditEventModel.countDocuments({ 'subject.type': subject.type, 'subject.id': subject.id });
    if (count === 0) throw new Error(`no audit event about ${name}`);
  }
}, 120_000);

afterAll(async () => {
  server.close();
  await wechat.close();
  await disconnectTestDatabase();
});

const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await idOf(name))).token}`;

async function eventsOf(name: string | null, subject: { type: string; id: string }) {
  let pending = request(server).get(
    `/api/v1/audit/events?subjectType=${subject.type}&subjectId=${encodeURIComponent(subject.id)}`,
  );
  if (name) pending = pending.set('Authorization', await bearer(name));
  const answer = await pending;
  return { status: answer.status, code: (answer.body as { error?: { code: string } }).error?.code, body: answer.body };
}

interface SubjectRow {
  /** The admin whose scope holds the subject (for organisation-wide subjects: a branch admin all the same). */
  unitAdmin: string;
  /** Status for that admin, for an admin of another branch, and for the top admin. */
  expected: { unitAdmin: number; otherAdmin: number; topAdmin: number };
  /** Text from the subject's events that a refused caller must not see. */
  detail?: string;
}

const unitScoped = { unitAdmin: 200, otherAdmin: 404, topAdmin: 200 };
const topAdminOnly = { unitAdmin: 404, otherAdmin: 404, topAdmin: 200 };
const rows: Record<string, SubjectRow> = {
  draft: { unitAdmin: emergencyAdmin, expected: unitScoped, detail: emergencyRejection },
  account: { unitAdmin: emergencyAdmin, expected: unitScoped, detail: emergencyInteractionNote },
  'annual-review': { unitAdmin: emergencyAdmin, expected: unitScoped, detail: emergencyReviewNote },
  'approval-route': { unitAdmin: emergencyAdmin, expected: unitScoped },
  unit: { unitAdmin: emergencyAdmin, expected: unitScoped, detail: '县应急管理局' },
  person: { unitAdmin: emergencyAdmin, expected: unitScoped, detail: 'YJJ005' },
  // The county office's admin shares 李静's unit, but 李静 looks after the whole county.
  'person of wider scope': { unitAdmin: officeAdmin, expected: topAdminOnly, detail: 'ZFB002' },
  'bound mini-program': { unitAdmin: emergencyAdmin, expected: unitScoped },
  'unbound mini-program': { unitAdmin: emergencyAdmin, expected: topAdminOnly },
  organization: { unitAdmin: emergencyAdmin, expected: topAdminOnly },
  'annual-review-cycle': { unitAdmin: emergencyAdmin, expected: topAdminOnly },
  'calendar-day': { unitAdmin: emergencyAdmin, expected: topAdminOnly, detail: '县庆' },
  export: { unitAdmin: emergencyAdmin, expected: topAdminOnly },
};

describe('audit events by subject type and scope', () => {
  test.each(Object.keys(rows))(
    'when each admin asks for the events about subject "%s", then only an admin whose scope holds it gets them',
    async (name) => {
      const row = rows[name];
      const subject = subjects[name];
      const callers = { unitAdmin: row.unitAdmin, otherAdmin: educationAdmin, topAdmin };
      for (const [role, caller] of Object.entries(callers) as [keyof typeof callers, string][]) {
        const answer = await eventsOf(caller, subject);
        expect([name, role, answer.status]).toEqual([name, role, row.expected[role]]);
        if (answer.status === 200) {
          const items = answer.body.items as { subject: { type: string; id: string } }[];
          expect(items.length).toBeGreaterThan(0);
          expect(items.every((item) => item.subject.type === subject.type && item.subject.id === subject.id)).toBe(
            true,
          );
          if (row.detail) expect(JSON.stringify(answer.body)).toContain(row.detail);
        } else {
          expect(answer.code).toBe('AUDIT_SUBJECT_NOT_FOUND');
          const text = JSON.stringify(answer.body);
          expect(text).not.toContain(subject.id);
          if (row.detail) expect(text).not.toContain(row.detail);
        }
      }
    },
  );

  test('when an admin names a subject type the system never writes, then it is refused as not found', async () => {
    for (const caller of [educationAdmin, topAdmin]) {
      const answer = await eventsOf(caller, { type: 'session', id: await idOf('刘洋') });
      expect([caller, answer.status, answer.code]).toEqual([caller, 404, 'AUDIT_SUBJECT_NOT_FOUND']);
    }
  });

  test('when a leader, an officer or no one asks for an account’s events, then the route does not exist for them', async () => {
    expect((await eventsOf('王建华', subjects.account)).status).toBe(404);
    expect((await eventsOf('刘洋', subjects.account)).code).toBe('ROUTE_NOT_FOUND');
    expect(await eventsOf(null, subjects.account)).toMatchObject({ status: 401, code: 'AUTH_REQUIRED' });
  });
});

const range = 'from=2026-10-01&to=2026-12-31';

/** The export as text (CSV) or rows of cell texts (XLSX), with the status and error code. */
async function download(name: string | null, path: string) {
  let pending = request(server).get(`/api/v1${path}`);
  if (name) pending = pending.set('Authorization', await bearer(name));
  const answer = await pending.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
  const bytes = answer.body as Buffer;
  let rows: string[][] = [];
  if (answer.status === 200 && path.includes('format=xlsx')) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    workbook.worksheets[0].eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1).map((value) => (value === null ? '' : String(value))));
    });
  } else if (answer.status === 200) {
    rows = bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
  }
  const error = answer.status === 200 ? undefined : (JSON.parse(bytes.toString('utf8')) as { error: { code: string } });
  return { status: answer.status, code: error?.error.code, rows };
}

/** How many rows of an export hold this text in a cell. */
function rowsWith(exported: { rows: string[][] }, text: string): number {
  return exported.rows.filter((row) => row.some((cell) => cell.includes(text))).length;
}

const exportsByOthers: [string, string | null, number, string][] = [
  ['a leader', '王建华', 404, 'ROUTE_NOT_FOUND'],
  ['an officer', '刘洋', 404, 'ROUTE_NOT_FOUND'],
  ['no one', null, 401, 'AUTH_REQUIRED'],
];

describe('the audit export by role', () => {
  const typeColumn = auditExportColumns.indexOf('对象类型');
  const idColumn = auditExportColumns.indexOf('对象ID');
  const actionColumn = auditExportColumns.indexOf('操作');

  test('when the education bureau’s admin exports the trail as CSV, then it holds their unit’s events and nothing of another unit', async () => {
    const exported = await download(educationAdmin, `/exports/audit?${range}&format=csv`);
    expect(exported.status).toBe(200);
    expect(exported.rows[0]).toEqual([...auditExportColumns]);
    expect(rowsWith(exported, educationRejection)).toBe(1);
    for (const secret of [emergencyRejection, emergencyReviewNote, emergencyInteractionNote]) {
      expect([secret, rowsWith(exported, secret)]).toEqual([secret, 0]);
    }
    const seen = exported.rows.slice(1).map((row) => `${row[typeColumn]}:${row[idColumn]}`);
    for (const name of ['draft', 'account', 'annual-review', 'approval-route', 'unit', 'person', 'organization']) {
      expect([name, seen.includes(`${subjects[name].type}:${subjects[name].id}`)]).toEqual([name, false]);
    }
    const types = new Set(exported.rows.slice(1).map((row) => row[typeColumn]));
    for (const type of ['organization', 'calendar-day', 'export', 'annual-review-cycle'])
      expect(types).not.toContain(type);
    expect(
      await AuditEventModel.countDocuments({ action: 'export.created', 'actor.personId': await idOf(educationAdmin) }),
    ).toBe(1);
  });

  test('when the emergency bureau’s admin exports the trail as XLSX, then it holds their unit’s rejection, review note and route, not the education bureau’s', async () => {
    const exported = await download(emergencyAdmin, `/exports/audit?${range}&format=xlsx`);
    expect(exported.status).toBe(200);
    expect(exported.rows[0]).toEqual([...auditExportColumns]);
    for (const text of [emergencyRejection, emergencyReviewNote, subjects['approval-route'].id]) {
      expect([text, rowsWith(exported, text) > 0]).toEqual([text, true]);
    }
    expect(rowsWith(exported, educationRejection)).toBe(0);
    expect(exported.rows.slice(1).map((row) => row[actionColumn])).not.toContain('organization.imported');
  });

  test('when the top admin exports the trail, then every unit’s events and the organisation-wide ones are in it', async () => {
    const exported = await download(topAdmin, `/exports/audit?${range}&format=csv`);
    expect(exported.status).toBe(200);
    for (const text of [emergencyRejection, educationRejection, emergencyReviewNote, 'organization.imported']) {
      expect([text, rowsWith(exported, text)]).toEqual([text, 1]);
    }
    const inRange = await AuditEventModel.countDocuments({
      at: { $gte: new Date('2026-09-30T16:00:00Z'), $lt: new Date('2026-12-31T16:00:00Z') },
    });
    expect(exported.rows.length - 1).toBe(inRange);
  });

  test.each(exportsByOthers)(
    'when %s asks for the audit export, then it is refused and nothing is recorded',
    async (_who, name, status, code) => {
      const before = await AuditEventModel.countDocuments({ action: 'export.created' });
      expect(await download(name, `/exports/audit?${range}&format=csv`)).toMatchObject({ status, code });
      expect(await AuditEventModel.countDocuments({ action: 'export.created' })).toBe(before);
    },
  );

  test('when the range holds more events than one batch, then a branch admin gets each of their unit’s events once, in order', async () => {
    const units = { emergency: subjects.unit.id, education: await unitId('某县人民政府/县教育局') };
    await Promise.all(
      Array.from({ length: 1_200 }, (_, index) =>
        services.audit.append({
          actor: {},
          action: 'unit.updated',
          subject: { type: 'unit', id: index % 2 ? units.education : units.emergency },
          details: { index },
        }),
      ),
    );
    await services.audit.settle();
    const education = await AuditEventModel.find({ 'subject.type': 'unit', 'subject.id': units.education }, { _id: 1 })
      .sort({ _id: 1 })
      .lean();
    const exported = await download(educationAdmin, `/exports/audit?${range}&format=csv`);
    const unitRows = exported.rows.slice(1).filter((row) => row[typeColumn] === 'unit');
    expect(unitRows.map((row) => row[0])).toEqual(education.map((event) => String(event._id)));
    expect(education.length).toBeGreaterThan(600);
  }, 120_000);
});

describe('the drafts export by role', () => {
  const titleColumn = draftExportColumns.indexOf('标题');
  const titles = async (name: string, format: 'csv' | 'xlsx') => {
    const exported = await download(name, `/exports/drafts?${range}&format=${format}`);
    expect(exported.status).toBe(200);
    return exported.rows.slice(1).map((row) => row[titleColumn]);
  };

  test('when each admin exports the drafts, then a branch admin gets their units’ drafts and the top admin all', async () => {
    expect(await titles(educationAdmin, 'csv')).toEqual(['关于秋季招生的公告']);
    expect(await titles(emergencyAdmin, 'xlsx')).toEqual(['关于防汛演练的通知']);
    expect((await titles(topAdmin, 'csv')).sort()).toEqual(['关于秋季招生的公告', '关于防汛演练的通知'].sort());
  });

  test.each(exportsByOthers)(
    'when %s asks for the drafts export, then it is refused',
    async (_who, name, status, code) => {
      expect(await download(name, `/exports/drafts?${range}&format=csv`)).toMatchObject({ status, code });
    },
  );
});
