/**
 * Reads an organization file an admin imports (JSON or CSV), and normalises it: cross-checks and natural keys.
 * The schema is in organization-file-schema.ts, the CSV reading in organization-csv-rules.ts. Pure.
 */
import { cleanInputDeep, wellFormed } from '../shared/text-normalization';
import type { PersonRole } from './person-model';
import type { UnitKind } from './unit-model';
import type { ApprovalMode } from './approval-route-model';
import { unique } from '../shared/unique';
import {
  describeIssue,
  fieldLabels,
  organizationFileError,
  organizationFileSchema,
  sectionLabels,
} from './organization-file-schema';
import type { Locator, OrganizationFile } from './organization-file-schema';
import { readCsvOrganization } from './organization-csv-rules';
import { parentPathOf, unitNameOf, unitPathDepth } from './unit-path-rules';

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
  units.sort((left, right) => unitPathDepth(left.path) - unitPathDepth(right.path));

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
