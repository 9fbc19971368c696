/**
 * A unit's 考核自查报告 as a file to hand to an inspection (R10): a Word document (.docx) with, per
 * account, its standing, the first thing to fix, an indicator table and the records behind each line;
 * or a workbook (.xlsx) with a sheet of lines and a sheet of evidence. The export is recorded in the
 * audit trail before the file leaves, as the other exports are (R3: who took which records out, when).
 */
import { Readable } from 'node:stream';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import ExcelJS from 'exceljs';
import type { AuditTrail } from '../audit/audit-service';
import type { Viewer } from '../people/viewer-scope';
import { safeCell } from '../exports/export-rules';
import type { Cell } from '../exports/export-rules';
import type { ReadinessExportQuery } from '../shared/contracts/readiness';
import type { AccountReadiness, ReadinessLine, UnitReadiness } from './readiness-rules';
import { statusWord } from './readiness-rules';
import type { ReadinessService, ReportMoment } from './readiness-service';

export type ReadinessExportFormat = 'docx' | 'xlsx';

export interface ReadinessExportFile {
  stream: Readable;
  contentType: string;
  fileName: string;
}

export interface ReadinessExportDependencies {
  readiness: Pick<ReadinessService, 'unitReport' | 'table'>;
  audit: Pick<AuditTrail, 'append'>;
  timeZone: string;
}

/** The report as the file holds it: the unit's report, when it was cut, and the table's name. */
export interface ReadinessDocumentInput {
  unit: UnitReadiness;
  moment: ReportMoment;
  tableName: string;
  timeZone: string;
}

export const readinessExportContentTypes: Record<ReadinessExportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The headers of the indicator table (docx) and of the lines sheet (xlsx, after the account columns). */
export const readinessLineColumns = ['指标', '类别', '结果', '状态', '出处条款', '下一步'] as const;
export const readinessEvidenceColumns = ['账号', '指标', '类型', '记录', '时间', '链接'] as const;

const groupWords = { veto: '单项否决', scored: '扣分项' } as const;
const evidenceKindWords: Record<string, string> = {
  post: '发布记录',
  article: '平台文章',
  inquiry: '留言',
  account: '账号登记',
  'annual-review': '年度核查',
  draft: '稿件',
};

/**
 * A unit's report as a file for the viewer (the same scope as GET /readiness/units/{unitId}: another
 * scope's unit reads as unknown), recorded in the audit trail once it is known the viewer may have it.
 */
export async function exportUnitReadiness(
  dependencies: ReadinessExportDependencies,
  viewer: Viewer,
  unitId: string,
  query: { date?: string; format: ReadinessExportQuery['format'] },
): Promise<ReadinessExportFile> {
  const format: ReadinessExportFormat = query.format ?? 'docx';
  const { moment, unit } = await dependencies.readiness.unitReport(viewer, unitId, query.date);
  await dependencies.audit.append({
    actor: { personId: viewer.id, via: 'api' },
    action: 'export.created',
    subject: { type: 'export', id: 'readiness' },
    details: { kind: 'readiness', unitId, date: moment.date, format },
  });
  const input = { unit, moment, tableName: dependencies.readiness.table.name, timeZone: dependencies.timeZone };
  const content = format === 'docx' ? await buildReadinessDocx(input) : await buildReadinessXlsx(input);
  return {
    stream: Readable.from([content]),
    contentType: readinessExportContentTypes[format],
    fileName: `readiness-${moment.date}.${format}`,
  };
}

/** The Word report: title, 监测时间点, table name, then per account its heading, indicators and evidence. */
export async function buildReadinessDocx(input: ReadinessDocumentInput): Promise<Buffer> {
  const { unit, moment, tableName, timeZone } = input;
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      text: `${unit.unit.name}政务新媒体考核自查报告`,
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
    }),
    new Paragraph(`监测时间点：${moment.date}（数据截至 ${formatTime(moment.at, timeZone)}）`),
    new Paragraph(`检查指标：${tableName}`),
    new Paragraph(
      `单位状态：${statusWord(unit.status)}；最低分 ${unit.lowestScore}；` +
        `合格 ${unit.counts.pass} 个、风险 ${unit.counts.risk} 个、不合格 ${unit.counts.fail} 个账号`,
    ),
  ];
  for (const account of unit.accounts) children.push(...accountSection(account, timeZone));
  const document = new Document({
    creator: 'shenfa',
    title: `${unit.unit.name}政务新媒体考核自查报告`,
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}

function accountSection(account: AccountReadiness, timeZone: string): (Paragraph | Table)[] {
  const first = account.firstToFix
    ? `首先整改：${account.firstToFix.name}——${account.firstToFix.advice}`
    : '无需整改。';
  const evidence = account.lines.flatMap((line) => line.evidence.map((record) => ({ line, record })));
  return [
    new Paragraph({
      text: `${account.account.name}：${statusWord(account.status)}，${account.score} 分`,
      heading: HeadingLevel.HEADING_1,
    }),
    new Paragraph(first),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: readinessLineColumns.map((text) => cell(text, true)) }),
        ...account.lines.map((line) => new TableRow({ children: lineCells(line).map((text) => cell(text)) })),
      ],
    }),
    new Paragraph({ text: '依据记录', heading: HeadingLevel.HEADING_2 }),
    ...(evidence.length === 0
      ? [new Paragraph('（无）')]
      : evidence.map(
          ({ line, record }) =>
            new Paragraph({
              bullet: { level: 0 },
              text: [
                line.name,
                evidenceKindWords[record.kind] ?? record.kind,
                record.label,
                record.at ? formatTime(new Date(record.at), timeZone) : '',
                record.url,
              ]
                .filter(Boolean)
                .join('　'),
            }),
        )),
    ...account.lines
      .filter((line) => line.evidenceTotal > line.evidence.length)
      .map(
        (line) => new Paragraph(`（${line.name}共 ${line.evidenceTotal} 条记录，此处列出 ${line.evidence.length} 条）`),
      ),
  ];
}

function lineCells(line: ReadinessLine): string[] {
  return [line.name, groupWords[line.group], line.shown, statusWord(line.status), line.clause, line.advice || '—'];
}

function cell(text: string, bold = false): TableCell {
  return new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
}

/** The workbook: a sheet of lines (one row per account and indicator) and a sheet of evidence. */
export async function buildReadinessXlsx(input: ReadinessDocumentInput): Promise<Buffer> {
  const { unit, timeZone } = input;
  const workbook = new ExcelJS.Workbook();
  const lines = workbook.addWorksheet('指标');
  lines.addRow(['账号', '平台', '账号状态', '得分', ...readinessLineColumns, '扣分']);
  const evidence = workbook.addWorksheet('依据记录');
  evidence.addRow([...readinessEvidenceColumns]);
  for (const account of unit.accounts) {
    for (const line of account.lines) {
      const row: Cell[] = [
        account.account.name,
        account.account.platform,
        statusWord(account.status),
        account.score,
        ...lineCells(line),
        line.deduction,
      ];
      lines.addRow(row.map(safeCell));
      for (const record of line.evidence) {
        const at = record.at ? formatTime(new Date(record.at), timeZone) : '';
        const evidenceRow: Cell[] = [
          account.account.name,
          line.name,
          evidenceKindWords[record.kind] ?? record.kind,
          record.label,
          at,
          record.url,
        ];
        evidence.addRow(evidenceRow.map(safeCell));
      }
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** "2026-11-26 09:00" in the configured time zone. */
function formatTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}
