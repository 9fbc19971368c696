/**
 * A platform's export of user messages (微博私信, 头条, a hotline's transcript…) as CSV, read into
 * inquiries to register, pure. Columns are found by their Chinese or English names in any order; each
 * row is checked on its own, so one bad row is reported with its line and the others still come in.
 * A row's key (account, time, sender, text) makes importing the same file twice register each once.
 */
import { createHash } from 'node:crypto';
import { readCsvRecords } from '../shared/csv-records';
import type { CsvRecord } from '../shared/csv-records';
import { parseWallTime } from '../shared/wall-time';
import { wellFormed } from '../shared/text-normalization';
import { checkInquiryText, parseInquiryKind } from './inquiry-rules';
import type { InquiryKind } from './inquiry-rules';

type ImportColumn = 'receivedAt' | 'citizen' | 'text' | 'kind';

export const inquiryImportColumns: readonly { key: ImportColumn; header: string; aliases: readonly string[] }[] = [
  { key: 'receivedAt', header: '留言时间', aliases: ['时间', '发送时间', '接收时间', '日期', 'time', 'receivedAt'] },
  { key: 'citizen', header: '留言人', aliases: ['用户', '用户名', '昵称', '发送人', '来电人', 'user', 'citizen'] },
  { key: 'text', header: '留言内容', aliases: ['内容', '私信内容', '消息内容', '正文', 'content', 'text'] },
  { key: 'kind', header: '类型', aliases: ['留言类型', 'kind'] },
];

export interface ImportedInquiry {
  line: number;
  key: string;
  receivedAt: Date;
  citizenLabel: string;
  text: string;
  kind: InquiryKind;
}

export interface InquiryImportReading {
  rows: ImportedInquiry[];
  /** "第3行：留言时间无法识别（…）" */
  errors: string[];
}

/** At most this many rows in one file: a larger export is split by month. */
export const maxImportRows = 5_000;

export function readInquiryImport(
  content: string,
  options: { accountId: string; timeZone: string; now: Date },
): InquiryImportReading {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(content);
  } catch (error) {
    return { rows: [], errors: [`CSV 文件无法读取：${(error as Error).message}`] };
  }
  if (records.length === 0) return { rows: [], errors: ['文件是空的'] };
  const header = records[0].record.map((name) => wellFormed(name).trim());
  const columnOf = new Map<ImportColumn, number>();
  for (const column of inquiryImportColumns) {
    const index = header.findIndex((name) => name === column.header || column.aliases.includes(name));
    if (index >= 0) columnOf.set(column.key, index);
  }
  const missing = inquiryImportColumns
    .filter((column) => (column.key === 'receivedAt' || column.key === 'text') && !columnOf.has(column.key))
    .map((column) => column.header);
  if (missing.length > 0) {
    return {
      rows: [],
      errors: [`第一行须有列名，缺少：${missing.join('、')}（列名可为：留言时间、留言人、留言内容、类型）`],
    };
  }
  const body = records.slice(1);
  if (body.length > maxImportRows) {
    return { rows: [], errors: [`一次最多导入 ${maxImportRows} 条，文件有 ${body.length} 条，请按月拆分`] };
  }
  const rows: ImportedInquiry[] = [];
  const errors: string[] = [];
  for (const { record, info } of body) {
    const cell = (key: ImportColumn) => {
      const index = columnOf.get(key);
      return index === undefined ? '' : wellFormed(record[index] ?? '').trim();
    };
    const line = info.lines;
    const receivedAt = parseWallTime(cell('receivedAt'), options.timeZone);
    if (!receivedAt) {
      errors.push(`第${line}行：留言时间“${cell('receivedAt')}”无法识别，请写成 2026-12-01 09:30 这样的形式`);
      continue;
    }
    if (receivedAt.getTime() > options.now.getTime()) {
      errors.push(`第${line}行：留言时间晚于现在`);
      continue;
    }
    const text = cell('text');
    const refusal = checkInquiryText(text);
    if (refusal) {
      errors.push(`第${line}行：${refusal}`);
      continue;
    }
    const kindWord = cell('kind');
    const kind = kindWord ? parseInquiryKind(kindWord) : 'consultation';
    if (!kind) {
      errors.push(`第${line}行：类型“${kindWord}”应为 咨询、建议、投诉 或 其他`);
      continue;
    }
    const citizenLabel = cell('citizen').slice(0, 60);
    const key = createHash('sha256')
      .update([options.accountId, receivedAt.toISOString(), citizenLabel, text].join('\u0000'))
      .digest('hex');
    rows.push({ line, key, receivedAt, citizenLabel, text, kind });
  }
  return { rows, errors };
}
