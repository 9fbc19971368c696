/**
 * The organization file's schema (JSON; a CSV file is turned into this shape first), the Chinese names of its
 * fields, and how a schema problem is told to the admin. Pure.
 */
import { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { normalizeText } from '../shared/text-normalization';
import type { PersonRole } from './person-model';
import type { UnitKind } from './unit-model';
import type { ApprovalMode } from './approval-route-model';
import { normalizeUnitPath } from './unit-path-rules';

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

/**
 * The person fields, listed once: the JSON schema, the CSV columns of a person row and the field names in
 * error messages are all made from this list, so no format can read a field that another drops.
 */
export const personFields = {
  name: { label: '姓名', schema: text(50) },
  code: { label: '编码', schema: optionalText(50) },
  /** The CSV's 单位路径 column, shared with unit and route rows. */
  unit: { label: '单位路径', schema: unitPath },
  title: { label: '职务', schema: optionalText(50) },
  roles: {
    label: '角色',
    schema: list(alias(roleAliases, '信息员、审核领导、管理员')).pipe(
      z.array(z.enum(['officer', 'leader', 'admin'])).min(1),
    ),
  },
  adminOf: { label: '管理范围', schema: unitPath.nullish() },
  active: { label: '在职', schema: activeFlag.default(true) },
  /** The person's WeCom UserID (stable within one corp): binds them on the WeCom app at once. */
  wecomUserId: { label: '企业微信账号', schema: optionalText(64), csvAliases: ['企业微信UserID'] },
} satisfies Record<string, { label: string; schema: z.ZodType; csvAliases?: readonly string[] }>;

export type PersonField = keyof typeof personFields;

export const personFieldNames = Object.keys(personFields) as PersonField[];

const personEntrySchema = z.strictObject(
  Object.fromEntries(personFieldNames.map((field) => [field, personFields[field].schema])) as {
    [Field in PersonField]: (typeof personFields)[Field]['schema'];
  },
);

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

/** Names where in the file a schema path points: "第 5 行的“角色”", "人员第 3 条（王芳）的“角色”". */
export type Locator = (path: readonly PropertyKey[]) => string;

export function organizationFileError(location: string, problem: string, more = 0): ValidationError {
  const rest = more > 0 ? `（另有 ${more} 处问题）` : '';
  const where = location ? `${location}：` : '';
  return new ValidationError('ORGANIZATION_FILE_INVALID', `组织架构文件有误：${where}${problem}${rest}`);
}

export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
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

export const fieldLabels: Record<string, string> = {
  path: '单位路径',
  kind: '类别',
  mainLeader: '主要领导',
  ...Object.fromEntries(personFieldNames.map((field) => [field, personFields[field].label])),
  account: '账号',
  steps: '审核步骤',
  mode: '方式',
  approvers: '审核人',
  backups: '备用审核人',
  cc: '抄送',
};

export const sectionLabels: Record<string, string> = { units: '单位', people: '人员', routes: '审核路由' };
