/**
 * What the people feature's services share: the summary shapes, finding a person by what an admin
 * typed, and the errors for unknown people and units.
 */
import { adminScopeOf } from './admin-scope-rules';
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors';
import { normalizeText } from '../shared/text-normalization';
import { isObjectIdText, toObjectIdOrNull } from '../shared/ids';
import { UnitModel } from './unit-model';
import { PersonModel } from './person-model';
import type { Person, PersonRole } from './person-model';

export interface PersonSummary {
  id: string;
  name: string;
  title: string;
  roles: PersonRole[];
  unitIds: string[];
}

export interface AdminSummary extends PersonSummary {
  /** The units the admin looks after, each with everything below it. */
  scopeUnitIds: string[];
}

export interface AdminActionOptions {
  /** The admin who acts; null or absent for the system (e.g. the CLI run by the operator). */
  byId?: string | null;
  /** Where the action came from, for the audit trail: "cli", "mini-program:<openid>", … */
  via?: string;
}

/**
 * A person by id, code (编码) or a name only one person has (people still in office first), for
 * admins who type who they mean. Unknown → PERSON_NOT_FOUND; a shared name → PERSON_AMBIGUOUS
 * listing each candidate's unit and code. `among` keeps only the candidates the asker may see (people
 * outside are then unknown, and left out of the list), `notFound` words the refusal.
 */
export async function findPersonRecord(
  reference: string,
  options: { among?: (candidates: Person[]) => Promise<Person[]>; notFound?: (value: string) => Error } = {},
): Promise<Person> {
  const among = options.among ?? ((candidates: Person[]) => Promise.resolve(candidates));
  const value = normalizeText(reference);
  if (!value) throw new ValidationError('PERSON_REFERENCE_MISSING', '请填写人员的姓名、编码或 ID');
  if (isObjectIdText(value)) {
    const byId = await PersonModel.findById(value).lean();
    if (byId && (await among([byId])).length > 0) return byId;
  }
  const matches = await among(
    await PersonModel.find({ $or: [{ code: value }, { name: value }] })
      .sort({ _id: 1 })
      .lean(),
  );
  const byCode = matches.filter((person) => person.code === value);
  if (byCode.length === 1) return byCode[0];
  let byName = matches.filter((person) => person.name === value);
  if (byName.length > 1 && byName.some((person) => person.active)) byName = byName.filter((person) => person.active);
  if (byName.length === 1) return byName[0];
  if (byName.length === 0) throw (options.notFound ?? personNotFound)(value);
  const namesById = await unitNamesOf(byName.flatMap((person) => person.unitIds));
  const described = byName.map((person) => {
    const unit = person.unitIds.map((id) => namesById.get(String(id)) ?? '').find(Boolean) ?? '未分配单位';
    const key = person.code ? `编码 ${person.code}` : `ID ${String(person._id)}`;
    return `${person.name}（${unit}，${key}）`;
  });
  throw new ValidationError(
    'PERSON_AMBIGUOUS',
    `有 ${byName.length} 位名为“${value}”的人员：${described.join('、')}，请改用编码或 ID 指明是哪一位`,
  );
}

export function adminActor(options: AdminActionOptions) {
  return { personId: toObjectIdOrNull(options.byId, invalidId('操作人')), via: options.via ?? '' };
}

async function unitNamesOf(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  const units = await UnitModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
  return new Map(units.map((unit) => [String(unit._id), unit.name]));
}

export function personNotFound(reference: string): NotFoundError {
  return new NotFoundError(
    'PERSON_NOT_FOUND',
    `找不到人员“${reference}”，请核对姓名、编码或 ID（人员须先由管理员导入）`,
  );
}

export function unitNotFound(): NotFoundError {
  return new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，请联系管理员核对组织架构');
}

export const invalidId = (what: string) => () => new ValidationError('ID_INVALID', `${what}的 ID 格式不正确`);

export function validObjectIds(ids: (Types.ObjectId | string)[]): Types.ObjectId[] {
  const unique = new Set(ids.map(String).filter(isObjectIdText));
  return [...unique].map((id) => new Types.ObjectId(id));
}

export function toSummary(person: Person): PersonSummary {
  return {
    id: String(person._id),
    name: person.name,
    title: person.title,
    roles: [...person.roles],
    unitIds: person.unitIds.map(String),
  };
}

/** An admin with the units they look after (adminOf, or their own units when none is named). */
export function toAdminSummary(person: Person): AdminSummary {
  const summary = toSummary(person);
  const adminOfUnitId = person.adminOfUnitId ? String(person.adminOfUnitId) : null;
  return { ...summary, scopeUnitIds: adminScopeOf({ adminOfUnitId, unitIds: summary.unitIds }) };
}
