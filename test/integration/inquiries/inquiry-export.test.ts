/**
 * The 留言台账 export (issue 26): a month's inquiries as CSV and XLSX, read back cell by cell, the
 * citizen's personal data masked for the admin who takes it out, and the export itself in the trail.
 */
import type http from 'node:http';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { InquiryDetail } from '../../../src/shared/contracts';
import { inquiryExportColumns } from '../../../src/shared/contracts/inquiries';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

// Monday 2 November 2026, 09:00 in Beijing.
const clock = new ManualClock('2026-11-02T01:00:00Z');
const tokens = new AccessTokens('inquiry-export-test-secret-0123456789abcdef', 3600, clock);
const services = createServices({ clock, logger: createLogger('silent') });
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(() => stopApi(server, services));

const bearer = async (name: string, code?: string) =>
  `Bearer ${(await cliToken(tokens, clock, await personId(name, code))).token}`;

async function post<Body>(name: string, path: string, body: object) {
  const answer = await request(server)
    .post(`/api/v1${path}`)
    .set('Authorization', await bearer(name))
    .send(body);
  expect(answer.status).toBeLessThan(300);
  return answer.body as Body;
}

function download(path: string, name: string, code?: string) {
  return bearer(name, code).then((authorization) =>
    request(server)
      .get(`/api/v1${path}`)
      .set('Authorization', authorization)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      }),
  );
}

test('when an admin exports November’s 留言台账, then the CSV and the XLSX read back cell by cell, masked, with an audit event', async () => {
  const account = await openAccount(services, {
    unit: '县应急管理局',
    name: '应急发布',
    platform: 'weibo',
    leader: '王建华',
    admin: '刘洋',
  });
  const accountId = String(account._id);
  const first = await post<InquiryDetail>('刘洋', '/inquiries', {
    accountId,
    text: '=1+1 家里漏水请联系13812345678',
    citizenLabel: '微博用户 王先生',
  });
  const second = await post<InquiryDetail>('刘洋', '/inquiries', {
    accountId,
    text: '投诉噪音扰民',
    kind: 'complaint',
  });
  clock.set('2026-11-03T02:00:00Z'); // Tue 3 Nov, on time
  await post('刘洋', `/inquiries/${first.id}/answer`, { text: '已联系物业处理。' });
  await post('刘洋', `/inquiries/${second.id}/extend`, { dueOn: '2026-11-20', reason: '需现场核查' });
  clock.set('2026-11-04T02:00:00Z');

  const expected = [
    [...inquiryExportColumns],
    [
      first.code,
      '应急发布',
      '2026-11-02',
      '微博用户 王先生',
      '咨询',
      // The admin reads it masked; a cell that starts like a formula is quoted for Excel.
      "'=1+1 家里漏水请联系138****5678",
      '2026-11-09',
      '',
      '2026-11-03',
      '县应急管理局',
      '已联系物业处理。',
      '平台后台',
      '是',
      '已答复',
    ],
    // 投诉: 7 working days from Mon 2 Nov is Wed 11 Nov; extended to 20 Nov.
    [
      second.code,
      '应急发布',
      '2026-11-02',
      '留言人',
      '投诉',
      '投诉噪音扰民',
      '2026-11-20',
      '需现场核查',
      '',
      '',
      '',
      '',
      '',
      '办理中',
    ],
  ];

  const csv = await download('/exports/inquiries?month=2026-11&format=csv', '李静');
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  const text = (csv.body as Buffer).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(parse(text.slice(1), { relax_column_count: false })).toEqual(expected);

  const xlsx = await download('/exports/inquiries?month=2026-11&format=xlsx', '李静');
  expect(xlsx.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.body as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  expect(sheet.name).toBe('留言台账');
  const cells: string[][] = [];
  sheet.eachRow((row) =>
    cells.push(inquiryExportColumns.map((_, index) => String(row.getCell(index + 1).value ?? ''))),
  );
  expect(cells).toEqual(expected);

  expect(await AuditEventModel.countDocuments({ action: 'export.created', 'subject.id': 'inquiries' })).toBe(2);

  const empty = await download('/exports/inquiries?month=2026-10&format=csv', '李静');
  expect(parse((empty.body as Buffer).toString('utf8').slice(1))).toEqual([[...inquiryExportColumns]]);

  // Exports are for admins, as the other exports: an officer gets 404.
  const officer = await download('/exports/inquiries?month=2026-11&format=csv', '刘洋');
  expect(officer.status).toBe(404);
}, 60_000);
