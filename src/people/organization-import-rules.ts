/**
 * The organization file an admin imports (JSON or CSV): its schema, normalisation and cross-checks. Pure.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { cleanInputDeep, normalizeText, wellFormed } from '../shared/text-normalization';
import type { PersonRole } from './person-model';
import type { UnitKind } from './unit-model';
import type { ApprovalMode } from './approval-route-model';
import { unique } from '../shared/unique';

/** "某县人民政府 ／ 县教育局" → "某县人民政府/县教育局"; null when a segment is empty. */
export function normalizeUnitPath(value: string): string | null {
  const segments = normalizeText(value)
    .split('/')
    .map((segment) => segment.trim());
  return segments.some((segment) => segment === '') ? null : segments.join('/');
}

export function parentPathOf(path: string): string | null {
  const cut = path.lastIndexOf('/');
  return cut === -1 ? null : path.slice(0, cut);
}

export function unitNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const unitKindAliases: Record<string, UnitKind> = {
  government: 'government',
  政府: 'government',
  人民政府: 'government',
  department: 'department',
  部门: 'department',
  town: 'town',
  乡镇: 'town',
  乡: 'town',
  镇: 'town',
  街道: 'town',
  office: 'office',
  科室: 'office',
  内设机构: 'office',
};

const roleAliases: Record<string, PersonRole> = {
  officer: 'officer',
  信息员: 'officer',
  leader: 'leader',
  领导: 'leader',
  审核领导: 'leader',
  admin: 'admin',
  管理员: 'admin',
};

const modeAliases: Record<string, ApprovalMode> = {
  any: 'any',
  或签: 'any',
  all: 'all',
  会签: 'all',
};

/** Accepts a canonical value or its Chinese name (case- and width-insensitive). */
function alias<T extends string>(aliases: Record<string, T>, choices: string) {
  return z.string().transform((value, context) => {
    const found = aliases[normalizeText(value).toLowerCase()];
    if (found) return found;
    context.addIssue({ code: 'custom', message: `“${value}”无效，可选：${choices}` });
    return z.NEVER;
  });
}

const text = (maxLength: number) => z.string().transform(normalizeText).pipe(z.string().min(1).max(maxLength));

const optionalText = (maxLength: number) =>
  z
    .string()
    .nullish()
    .transform((value) => normalizeText(value ?? ''))
    .pipe(z.string().max(maxLength));

const unitPath = z.string().transform((value, context) => {
  const path = normalizeUnitPath(value);
  if (path && path.length <= 300) return path;
  context.addIssue({ code: 'custom', message: `“${value}”不是有效的单位路径，应形如“某县人民政府/县教育局”` });
  return z.NEVER;
});

/** A list in JSON, or one text with the items separated by 、 , ; (as in a CSV cell). */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(/[、,，;；]/)
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  );

const personReference = text(60);

const activeFlag = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const normalized = normalizeText(value).toLowerCase();
    if (['是', '在职', 'true', 'yes', '1', 'y'].includes(normalized)) return true;
    if (['否', '离职', '不在职', 'false', 'no', '0', 'n'].includes(normalized)) return false;
    return value;
  },
  z.boolean({ error: '应填写“是”或“否”' }),
);

const unitEntrySchema = z.strictObject({
  path: unitPath,
  kind: alias(unitKindAliases, '政府、部门、乡镇、科室'),
  mainLeader: personReference.nullish(),
});

const personEntrySchema = z.strictObject({
  name: text(50),
  code: optionalText(50),
  unit: unitPath,
  title: optionalText(50),
  roles: list(alias(roleAliases, '信息员、审核领导、管理员')).pipe(
    z.array(z.enum(['officer', 'leader', 'admin'])).min(1),
  ),
  adminOf: unitPath.nullish(),
  active: activeFlag.default(true),
  /** The person's WeCom UserID (stable within one corp): binds them on the WeCom app at once. */
  wecomUserId: optionalText(64),
});

const routeStepSchema = z.strictObject({
  mode: alias(modeAliases, '或签、会签').default('any'),
  approvers: list(personReference).pipe(z.array(z.string()).min(1).max(20)),
  backups: list(personReference).pipe(z.array(z.string()).max(20)).default([]),
});

const routeEntrySchema = z.strictObject({
  unit: unitPath,
  account: optionalText(100),
  steps: z.array(routeStepSchema).min(1).max(10),
  cc: list(personReference).pipe(z.array(z.string()).max(50)).default([]),
});

/** The organization file as an admin writes it (JSON; a CSV file is turned into this shape first). */
export const organizationFileSchema = z.strictObject({
  /** Free text for the people who maintain the file (说明); not imported. */
  description: z.string().optional(),
  units: z.array(unitEntrySchema).min(1).max(5000),
  people: z.array(personEntrySchema).max(20_000).default([]),
  routes: z.array(routeEntrySchema).max(5000).default([]),
});

export type OrganizationFile = z.output<typeof organizationFileSchema>;

export interface NormalizedUnit {
  path: string;
  name: string;
  parentPath: string | null;
  kind: UnitKind;
  /** importKey of the main leader. */
  mainLeaderKey: string | null;
}

export interface NormalizedPerson {
  /** The natural key re-imports match by: "code:<code>" or "name:<unit path>#<name>". */
  importKey: string;
  /** For people with a code: the key they had if they were first imported without one. */
  nameKey: string;
  code: string;
  name: string;
  unitPath: string;
  title: string;
  roles: PersonRole[];
  adminOfPath: string | null;
  active: boolean;
  /** '' when the file gives none. */
  wecomUserId: string;
}

export interface NormalizedRouteStep {
  mode: ApprovalMode;
  approverKeys: string[];
  backupKeys: string[];
}

export interface NormalizedRoute {
  unitPath: string;
  /** The account's name or platform as written in the file; null for the unit's route. */
  account: string | null;
  steps: NormalizedRouteStep[];
  ccKeys: string[];
  /** Where the route is in the file, for error messages ("第 12 行", "审核路由第 1 条"). */
  location: string;
}

/** Parents before children, so units can be written in order. */
export interface NormalizedOrganization {
  units: NormalizedUnit[];
  people: NormalizedPerson[];
  routes: NormalizedRoute[];
}

export type OrganizationFileFormat = 'json' | 'csv';

/** Names where in the file a schema path points: "第 5 行的“角色”", "人员第 3 条（王芳）的“角色”". */
type Locator = (path: readonly PropertyKey[]) => string;

export function organizationFileError(location: string, problem: string, more = 0): ValidationError {
  const rest = more > 0 ? `（另有 ${more} 处问题）` : '';
  const where = location ? `${location}：` : '';
  return new ValidationError('ORGANIZATION_FILE_INVALID', `组织架构文件有误：${where}${problem}${rest}`);
}

/**
 * Reads, validates and normalises an organization file. Throws ORGANIZATION_FILE_INVALID naming the
 * first problem and where it is (CSV: the line; JSON: the entry and field).
 */
export function parseOrganizationFile(content: string, format: OrganizationFileFormat): NormalizedOrganization {
  // Twice: the text made well-formed as read, and what JSON escapes such as "\ud83d" or "\u0000" decode to, cleaned.
  const text = wellFormed(content);
  const { raw, locate } = format === 'csv' ? readCsvOrganization(text) : readJsonOrganization(text);
  const parsed = organizationFileSchema.safeParse(cleanInputDeep(raw), { error: describeIssue });
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    throw organizationFileError(locate(first.path), first.message, rest.length);
  }
  return normalizeOrganization(parsed.data, locate);
}

function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '必须填写';
      return issue.expected === 'array' ? '应为列表' : issue.expected === 'string' ? '应为文字' : '格式不对';
    case 'too_small':
      return issue.origin === 'array' ? `至少需要 ${String(issue.minimum)} 项` : '不能为空';
    case 'too_big':
      return issue.origin === 'array' ? `最多 ${String(issue.maximum)} 项` : `最多 ${String(issue.maximum)} 个字`;
    case 'unrecognized_keys':
      return `有未知字段：${issue.keys.join('、')}`;
    case 'invalid_value':
      return '取值无效';
    default:
      return undefined;
  }
}

const fieldLabels: Record<string, string> = {
  path: '单位路径',
  kind: '类别',
  mainLeader: '主要领导',
  name: '姓名',
  code: '编码',
  unit: '单位路径',
  title: '职务',
  roles: '角色',
  adminOf: '管理范围',
  active: '在职',
  account: '账号',
  steps: '审核步骤',
  mode: '方式',
  approvers: '审核人',
  backups: '备用审核人',
  cc: '抄送',
  wecomUserId: '企业微信账号',
};

const sectionLabels: Record<string, string> = { units: '单位', people: '人员', routes: '审核路由' };

function readJsonOrganization(content: string): { raw: unknown; locate: Locator } {
  let raw: unknown;
  try {
    raw = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw organizationFileError('', `不是有效的 JSON（${(error as Error).message}）`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw organizationFileError('', '应为一个包含 units、people、routes 的 JSON 对象');
  }
  const sections = raw as Record<string, unknown>;
  const locate: Locator = (path) => {
    const [section, index, field, stepIndex, stepField] = path;
    if (typeof section !== 'string' || !(section in sectionLabels)) return '文件顶层';
    const label = sectionLabels[section];
    if (typeof index !== 'number') return `“${section}”（${label}）`;
    const entry = (sections[section] as Record<string, unknown>[] | undefined)?.[index];
    const named = describeEntry(entry);
    let where = `${label}第 ${index + 1} 条${named ? `（${named}）` : ''}`;
    if (field === 'steps' && typeof stepIndex === 'number') {
      where += `第 ${stepIndex + 1} 步`;
      if (typeof stepField === 'string') where += `的“${fieldLabels[stepField] ?? stepField}”`;
    } else if (typeof field === 'string') {
      where += `的“${fieldLabels[field] ?? field}”`;
    }
    return where;
  };
  return { raw, locate };
}

function describeEntry(entry: unknown): string {
  if (entry === null || typeof entry !== 'object') return '';
  const { name, path, unit } = entry as Record<string, unknown>;
  const label = [name, path, unit].find((value) => typeof value === 'string');
  return typeof label === 'string' ? label : '';
}

/**
 * The CSV columns (first row; Chinese or English names, any order). One row per unit, per person, and
 * per step of a route; the rows of one route share 单位路径 and 账号.
 */
export const csvColumns = [
  { header: '类型', key: 'type', aliases: ['type'] },
  { header: '单位路径', key: 'unit', aliases: ['单位', 'unit'] },
  { header: '类别', key: 'kind', aliases: ['kind'] },
  { header: '主要领导', key: 'mainLeader', aliases: ['mainLeader'] },
  { header: '姓名', key: 'name', aliases: ['name'] },
  { header: '编码', key: 'code', aliases: ['code'] },
  { header: '职务', key: 'title', aliases: ['title'] },
  { header: '角色', key: 'roles', aliases: ['roles'] },
  { header: '管理范围', key: 'adminOf', aliases: ['adminOf'] },
  { header: '在职', key: 'active', aliases: ['active'] },
  { header: '账号', key: 'account', aliases: ['account'] },
  { header: '步骤', key: 'step', aliases: ['step'] },
  { header: '方式', key: 'mode', aliases: ['mode'] },
  { header: '审核人', key: 'approvers', aliases: ['approvers'] },
  { header: '备用审核人', key: 'backups', aliases: ['backups'] },
  { header: '抄送', key: 'cc', aliases: ['cc'] },
  { header: '企业微信账号', key: 'wecomUserId', aliases: ['wecomUserId', '企业微信UserID'] },
] as const;

type CsvColumn = (typeof csvColumns)[number]['key'];

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
  person: ['type', 'unit', 'name', 'code', 'title', 'roles', 'adminOf', 'active', 'wecomUserId'],
  route: ['type', 'unit', 'account', 'step', 'mode', 'approvers', 'backups', 'cc'],
};

function readCsvOrganization(content: string): { raw: unknown; locate: Locator } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(content, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
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
    const column = csvColumns.find(
      (candidate) => candidate.header === name || (candidate.aliases as readonly string[]).includes(name),
    );
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
      people.push(
        defined({
          name: value('name'),
          code: value('code'),
          unit: value('unit'),
          title: value('title'),
          roles: value('roles'),
          adminOf: value('adminOf'),
          active: value('active'),
        }),
      );
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

export function personImportKey(person: { code: string; unitPath: string; name: string }): string {
  return person.code ? `code:${person.code}` : personNameKey(person);
}

/** The chat provider of the WeCom self-built app (WECHATY_PUPPET=wecom-app); its ids are WeCom UserIDs. */
export const wecomAppProvider = 'wecom-app';

export function personNameKey(person: { unitPath: string; name: string }): string {
  return `name:${person.unitPath}#${person.name}`;
}

/** Cross-checks the parsed file (units exist, references resolve, approvers are leaders…) and keys everything. */
export function normalizeOrganization(file: OrganizationFile, locate: Locator = () => ''): NormalizedOrganization {
  const unitPaths = new Set<string>();
  file.units.forEach((unit, index) => {
    if (unitPaths.has(unit.path)) {
      throw organizationFileError(locate(['units', index, 'path']), `单位“${unit.path}”重复出现`);
    }
    unitPaths.add(unit.path);
  });
  file.units.forEach((unit, index) => {
    const parent = parentPathOf(unit.path);
    if (parent && !unitPaths.has(parent)) {
      throw organizationFileError(locate(['units', index, 'path']), `上级单位“${parent}”未在文件中列出`);
    }
  });
  const requireUnit = (path: string, at: PropertyKey[]) => {
    if (!unitPaths.has(path)) throw organizationFileError(locate(at), `单位“${path}”未在文件的单位中列出`);
  };

  const people: NormalizedPerson[] = [];
  const byKey = new Map<string, number>();
  const byCode = new Map<string, number>();
  const byWecomUserId = new Set<string>();
  const byName = new Map<string, number[]>();
  file.people.forEach((entry, index) => {
    requireUnit(entry.unit, ['people', index, 'unit']);
    const roles = [...new Set(entry.roles)];
    const adminOfPath = entry.adminOf ?? null;
    if (adminOfPath) requireUnit(adminOfPath, ['people', index, 'adminOf']);
    if (roles.includes('admin') && !adminOfPath) {
      throw organizationFileError(
        locate(['people', index, 'adminOf']),
        `管理员“${entry.name}”须填写管理范围（所管理的单位路径）`,
      );
    }
    if (adminOfPath && !roles.includes('admin')) {
      throw organizationFileError(locate(['people', index, 'adminOf']), `“${entry.name}”不是管理员，不应填写管理范围`);
    }
    const person: NormalizedPerson = {
      importKey: personImportKey({ code: entry.code, unitPath: entry.unit, name: entry.name }),
      nameKey: personNameKey({ unitPath: entry.unit, name: entry.name }),
      code: entry.code,
      name: entry.name,
      unitPath: entry.unit,
      title: entry.title,
      roles,
      adminOfPath,
      active: entry.active,
      wecomUserId: entry.wecomUserId,
    };
    if (person.code && byCode.has(person.code)) {
      throw organizationFileError(locate(['people', index, 'code']), `编码“${person.code}”重复出现`);
    }
    if (person.wecomUserId && byWecomUserId.has(person.wecomUserId)) {
      throw organizationFileError(
        locate(['people', index, 'wecomUserId']),
        `企业微信账号“${person.wecomUserId}”重复出现`,
      );
    }
    if (byKey.has(person.importKey)) {
      throw organizationFileError(
        locate(['people', index, 'name']),
        `“${entry.unit}”下有两位“${entry.name}”，请为他们分别填写编码`,
      );
    }
    byKey.set(person.importKey, index);
    if (person.code) byCode.set(person.code, index);
    if (person.wecomUserId) byWecomUserId.add(person.wecomUserId);
    byName.set(person.name, [...(byName.get(person.name) ?? []), index]);
    people.push(person);
  });

  /** A reference is a person's code, or their name when exactly one person in the file has it. */
  const resolve = (reference: string, at: PropertyKey[], requirement: 'leader' | 'any'): string => {
    const ambiguous = byName.get(reference) ?? [];
    const index = byCode.get(reference) ?? (ambiguous.length === 1 ? ambiguous[0] : undefined);
    if (index === undefined) {
      if (ambiguous.length > 1) {
        throw organizationFileError(
          locate(at),
          `文件中有 ${ambiguous.length} 位“${reference}”，请改用编码指明是哪一位`,
        );
      }
      throw organizationFileError(locate(at), `未找到人员“${reference}”（应为文件中人员的姓名或编码）`);
    }
    const person = people[index];
    if (!person.active) throw organizationFileError(locate(at), `“${person.name}”已标为不在职，不能担任此职`);
    if (requirement === 'leader' && !person.roles.includes('leader')) {
      throw organizationFileError(locate(at), `“${person.name}”的角色中没有“审核领导”，不能审核稿件`);
    }
    return person.importKey;
  };

  const units: NormalizedUnit[] = file.units.map((unit, index) => ({
    path: unit.path,
    name: unitNameOf(unit.path),
    parentPath: parentPathOf(unit.path),
    kind: unit.kind,
    mainLeaderKey: unit.mainLeader ? resolve(unit.mainLeader, ['units', index, 'mainLeader'], 'leader') : null,
  }));
  units.sort((left, right) => depthOf(left.path) - depthOf(right.path));

  const routeScopes = new Set<string>();
  const routes: NormalizedRoute[] = file.routes.map((route, index) => {
    requireUnit(route.unit, ['routes', index, 'unit']);
    const account = route.account || null;
    const scope = `${route.unit}\u0000${account ?? ''}`;
    if (routeScopes.has(scope)) {
      const subject = account ? `“${route.unit}”的账号“${account}”` : `“${route.unit}”`;
      throw organizationFileError(locate(['routes', index, 'unit']), `${subject}的审核路由重复配置`);
    }
    routeScopes.add(scope);
    const steps = route.steps.map((step, stepIndex) => {
      const approverKeys = unique(
        step.approvers.map((reference) =>
          resolve(reference, ['routes', index, 'steps', stepIndex, 'approvers'], 'leader'),
        ),
      );
      const backupKeys = unique(
        step.backups.map((reference) => resolve(reference, ['routes', index, 'steps', stepIndex, 'backups'], 'leader')),
      ).filter((key) => !approverKeys.includes(key));
      return { mode: step.mode, approverKeys, backupKeys };
    });
    const ccKeys = unique(route.cc.map((reference) => resolve(reference, ['routes', index, 'cc'], 'any')));
    return { unitPath: route.unit, account, steps, ccKeys, location: locate(['routes', index]) };
  });

  return { units, people, routes };
}

function depthOf(path: string): number {
  return path.split('/').length;
}
