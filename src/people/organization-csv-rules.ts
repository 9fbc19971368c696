/**
 * The organization file as CSV: one row per unit, per person and per step of a route, turned into the JSON
 * file's shape (with the line of each entry, for error messages) before the schema reads it. Pure.
 */
import { readCsvRecords } from '../shared/csv-records';
import type { CsvRecord } from '../shared/csv-records';
import { normalizeText } from '../shared/text-normalization';
import { fieldLabels, organizationFileError, personFieldNames, personFields } from './organization-file-schema';
import type { Locator, PersonField } from './organization-file-schema';
import { normalizeUnitPath } from './unit-path-rules';

type CsvColumn =
  'type' | 'kind' | 'mainLeader' | PersonField | 'account' | 'step' | 'mode' | 'approvers' | 'backups' | 'cc';

/**
 * The CSV columns (first row; Chinese or English names, any order). One row per unit, per person, and
 * per step of a route; the rows of one route share 单位路径 and 账号. A person row's columns are the person fields.
 */
export const csvColumns: readonly { header: string; key: CsvColumn; aliases: readonly string[] }[] = [
  { header: '类型', key: 'type', aliases: ['type'] },
  { header: '单位路径', key: 'unit', aliases: ['单位', 'unit'] },
  { header: '类别', key: 'kind', aliases: ['kind'] },
  { header: '主要领导', key: 'mainLeader', aliases: ['mainLeader'] },
  ...personFieldNames
    .filter((field) => field !== 'unit')
    .map((field) => {
      const { label, csvAliases = [] } = personFields[field] as { label: string; csvAliases?: readonly string[] };
      return { header: label, key: field, aliases: [field, ...csvAliases] };
    }),
  { header: '账号', key: 'account', aliases: ['account'] },
  { header: '步骤', key: 'step', aliases: ['step'] },
  { header: '方式', key: 'mode', aliases: ['mode'] },
  { header: '审核人', key: 'approvers', aliases: ['approvers'] },
  { header: '备用审核人', key: 'backups', aliases: ['backups'] },
  { header: '抄送', key: 'cc', aliases: ['cc'] },
];

const rowTypes: Record<string, 'unit' | 'person' | 'route'> = {
  单位: 'unit',
  unit: 'unit',
  人员: 'person',
  person: 'person',
  路由: 'route',
  审核路由: 'route',
  route: 'route',
};

/** Which columns each kind of row may fill (the others must stay empty: a filled one means shifted columns). */
const columnsOfRow: Record<'unit' | 'person' | 'route', CsvColumn[]> = {
  unit: ['type', 'unit', 'kind', 'mainLeader'],
  person: ['type', ...personFieldNames],
  route: ['type', 'unit', 'account', 'step', 'mode', 'approvers', 'backups', 'cc'],
};

export function readCsvOrganization(content: string): { raw: unknown; locate: Locator } {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(content);
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    throw organizationFileError(
      typeof line === 'number' ? `第 ${line} 行` : '',
      `CSV 格式有误（${(error as Error).message}）`,
    );
  }
  const rows = records.filter(({ record }) => record.some((cell) => cell !== ''));
  const header = rows.shift();
  if (!header) throw organizationFileError('', '文件是空的');
  const columns = header.record.map((cell, index) => {
    const name = normalizeText(cell);
    const column = csvColumns.find((candidate) => candidate.header === name || candidate.aliases.includes(name));
    if (!column) {
      const known = csvColumns.map((candidate) => candidate.header).join('、');
      throw organizationFileError(
        `第 ${header.info.lines} 行第 ${index + 1} 列`,
        `未知的列“${cell}”，可用的列：${known}`,
      );
    }
    return column.key;
  });
  const missing = ['type', 'unit'].filter((required) => !columns.includes(required as CsvColumn));
  if (missing.length > 0) {
    throw organizationFileError(`第 ${header.info.lines} 行`, '表头缺少“类型”或“单位路径”列');
  }

  const units: Record<string, unknown>[] = [];
  const people: Record<string, unknown>[] = [];
  const routes: { fields: Record<string, unknown>; steps: { step: number; line: number }[] }[] = [];
  const lines = { units: [] as number[], people: [] as number[], routes: [] as number[][] };

  for (const { record, info } of rows) {
    const line = info.lines;
    const cells = new Map<CsvColumn, string>();
    columns.forEach((column, index) => {
      const cell = record[index] ?? '';
      if (cell !== '') cells.set(column, cell);
    });
    if (record.length > columns.length && record.slice(columns.length).some((cell) => cell !== '')) {
      throw organizationFileError(
        `第 ${line} 行`,
        `比表头多出 ${record.length - columns.length} 列，请检查是否有未加引号的逗号`,
      );
    }
    const typeCell = cells.get('type') ?? '';
    const type = rowTypes[normalizeText(typeCell).toLowerCase()];
    if (!type) throw organizationFileError(`第 ${line} 行的“类型”`, `“${typeCell}”无效，可选：单位、人员、路由`);
    const stray = [...cells.keys()].find((column) => !columnsOfRow[type].includes(column));
    if (stray) {
      const header = csvColumns.find((column) => column.key === stray)?.header ?? stray;
      const kind = { unit: '单位', person: '人员', route: '路由' }[type];
      throw organizationFileError(`第 ${line} 行`, `${kind}行不应填写“${header}”，请检查各列是否错位`);
    }
    const value = (column: CsvColumn) => cells.get(column);
    if (type === 'unit') {
      units.push(defined({ path: value('unit'), kind: value('kind'), mainLeader: value('mainLeader') }));
      lines.units.push(line);
    } else if (type === 'person') {
      people.push(defined(Object.fromEntries(personFieldNames.map((field) => [field, value(field)]))));
      lines.people.push(line);
    } else {
      const stepText = value('step') ?? '1';
      const step = Number(normalizeText(stepText));
      if (!Number.isInteger(step) || step < 1 || step > 10) {
        throw organizationFileError(`第 ${line} 行的“步骤”`, `“${stepText}”无效，应为 1 到 10 的序号`);
      }
      const unit = normalizeUnitPath(value('unit') ?? '') ?? value('unit');
      const account = normalizeText(value('account') ?? '');
      let route = routes.find(
        (candidate) => candidate.fields.unit === unit && (candidate.fields.account ?? '') === account,
      );
      if (!route) {
        route = { fields: defined({ unit, account: account || undefined }), steps: [] };
        routes.push(route);
        lines.routes.push([]);
      }
      const routeIndex = routes.indexOf(route);
      if (route.steps.some((existing) => existing.step === step)) {
        throw organizationFileError(`第 ${line} 行的“步骤”`, `该路由的第 ${step} 步重复出现`);
      }
      route.steps.push({ step, line });
      const steps = (route.fields.steps ?? []) as Record<string, unknown>[];
      steps.push(defined({ mode: value('mode'), approvers: value('approvers'), backups: value('backups') }));
      route.fields.steps = steps;
      const cc = value('cc');
      if (cc) route.fields.cc = [route.fields.cc, cc].filter(Boolean).join('、');
      lines.routes[routeIndex].push(line);
    }
  }

  // Steps are numbered in the file; they may come in any order but must have no gaps.
  for (const route of routes) {
    const order = route.steps.map((step, index) => ({ ...step, index })).sort((a, b) => a.step - b.step);
    const gap = order.findIndex((step, position) => step.step !== position + 1);
    if (gap !== -1) {
      throw organizationFileError(`第 ${order[gap].line} 行的“步骤”`, `步骤应从 1 起连续编号，缺少第 ${gap + 1} 步`);
    }
    const steps = route.fields.steps as unknown[];
    route.fields.steps = order.map((step) => steps[step.index]);
    const routeIndex = routes.indexOf(route);
    lines.routes[routeIndex] = order.map((step) => step.line);
  }

  const locate: Locator = (path) => {
    const [section, index, field, stepIndex, stepField] = path;
    if (typeof index !== 'number') return '';
    let line: number | undefined;
    let column: string | undefined;
    if (section === 'routes') {
      const routeLines = lines.routes[index] ?? [];
      line = field === 'steps' && typeof stepIndex === 'number' ? routeLines[stepIndex] : routeLines[0];
      column = field === 'steps' ? (typeof stepField === 'string' ? stepField : undefined) : (field as string);
    } else {
      line = section === 'units' ? lines.units[index] : lines.people[index];
      column = typeof field === 'string' ? field : undefined;
    }
    const where = line === undefined ? '' : `第 ${line} 行`;
    return column ? `${where}的“${fieldLabels[column] ?? column}”` : where;
  };
  return { raw: { units, people, routes: routes.map((route) => route.fields) }, locate };
}

/** Leaves out empty cells, so the schema sees them as absent rather than as empty text. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
