/**
 * The 考核自查 export (R10): a unit's report as .docx and .xlsx over HTTP, read back (the Word document's
 * XML, the workbook's cells), the export in the audit trail, and another unit's admin kept out.
 */
import type http from 'node:http';
import request from 'supertest';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { readinessEvidenceColumns, readinessLineColumns } from '../../../src/readiness/readiness-documents';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

// Monday 2 November 2026, 09:00 in Beijing.
const clock = new ManualClock('2026-11-02T01:00:00Z');
const tokens = new AccessTokens('readiness-export-test-secret-0123456789abcdef', 3600, clock);
const services = createServices({ clock, logger: createLogger('silent') });
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(() => stopApi(server, services));

async function download(path: string, name: string, code?: string) {
  const authorization = `Bearer ${(await cliToken(tokens, clock, await personId(name, code))).token}`;
  return request(server)
    .get(`/api/v1${path}`)
    .set('Authorization', authorization)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** The visible text of each table cell and paragraph of word/document.xml, in order. */
async function documentTexts(docx: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(docx);
  const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((paragraph) =>
    [...paragraph[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((text) => text[1]).join(''),
  );
}

test('when the county admin exports 县应急管理局’s report, then the .docx and .xlsx read back with the table and the account, and each export is audited', async () => {
  await openAccount(services, { unit: '县应急管理局', name: '应急发布', leader: '王建华', admin: '刘洋' });
  const unit = await unitId('某县人民政府/县应急管理局');
  // A past 监测时间点 is read from the records as they stood at its end: the account was opened on the 2nd.
  clock.set('2026-11-05T01:00:00Z');

  const docx = await download(`/readiness/units/${unit}/export?date=2026-11-04&format=docx`, '李静');
  expect([docx.status, docx.status === 200 ? '' : (docx.body as Buffer).toString('utf8')]).toEqual([200, '']);
  expect(docx.headers['content-type']).toContain('wordprocessingml');
  expect(docx.headers['content-disposition']).toContain('readiness-2026-11-04.docx');
  const texts = await documentTexts(docx.body as Buffer);
  expect(texts[0]).toBe('县应急管理局政务新媒体考核自查报告');
  expect(texts).toContain('监测时间点：2026-11-04（数据截至 2026-11-04 23:59）');
  expect(texts).toContain(`检查指标：${services.readiness.table.name}`);
  expect(texts.some((text) => /^应急发布：(合格|风险|不合格)，[\d.]+ 分$/.test(text))).toBe(true);
  // The indicator table's header row, cell by cell, then one row per indicator of the table.
  const header = texts.indexOf('指标');
  expect(texts.slice(header, header + readinessLineColumns.length)).toEqual([...readinessLineColumns]);
  for (const indicator of services.readiness.table.indicators) expect(texts).toContain(indicator.clause);
  expect(texts).toContain('依据记录');

  const xlsx = await download(`/readiness/units/${unit}/export?format=xlsx`, '李静');
  expect(xlsx.status).toBe(200);
  expect(xlsx.headers['content-type']).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.body as ArrayBuffer);
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['指标', '依据记录']);
  const rows: string[][] = [];
  workbook.worksheets[0].eachRow((row) =>
    rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? ''))),
  );
  expect(rows[0]).toEqual(['账号', '平台', '账号状态', '得分', ...readinessLineColumns, '扣分']);
  expect(rows).toHaveLength(1 + services.readiness.table.indicators.length);
  expect(rows.slice(1).map((row) => row[0])).toEqual(services.readiness.table.indicators.map(() => '应急发布'));
  expect(rows.slice(1).map((row) => row[4])).toEqual(
    services.readiness.table.indicators.map((indicator) => indicator.name),
  );
  const evidenceHeader = (workbook.worksheets[1].getRow(1).values as unknown[]).slice(1);
  expect(evidenceHeader).toEqual([...readinessEvidenceColumns]);

  await services.audit.settle();
  const events = await AuditEventModel.find({ action: 'export.created', 'subject.id': 'readiness' }).lean();
  expect(
    events.map((event) => [event.subject.type, event.actor.personId && String(event.actor.personId), event.details]),
  ).toEqual([
    ['export', await personId('李静'), { kind: 'readiness', unitId: unit, date: '2026-11-04', format: 'docx' }],
    ['export', await personId('李静'), { kind: 'readiness', unitId: unit, date: '2026-11-05', format: 'xlsx' }],
  ]);
}, 60_000);

test('when an admin of another unit asks for 县应急管理局’s export, then it is 404 and nothing is audited', async () => {
  await makeAdmin(await personId('张伟', 'JYJ004'), '某县人民政府/县教育局');
  const before = await AuditEventModel.countDocuments({ action: 'export.created', 'subject.id': 'readiness' });
  const unit = await unitId('某县人民政府/县应急管理局');
  const answer = await download(`/readiness/units/${unit}/export?format=docx`, '张伟', 'JYJ004');
  expect(answer.status).toBe(404);
  expect(JSON.parse((answer.body as Buffer).toString('utf8'))).toEqual({
    error: { code: 'UNIT_NOT_FOUND', message: '找不到该单位，或它不在您的查看范围内' },
  });
  await services.audit.settle();
  expect(await AuditEventModel.countDocuments({ action: 'export.created', 'subject.id': 'readiness' })).toBe(before);
}, 60_000);
