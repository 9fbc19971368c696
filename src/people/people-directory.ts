/**
 * The organisation as admins browse it through the API: units, people (with which kinds of identity
 * they have bound), approval routes and delegations, each limited to the units an admin looks after;
 * and where a person stands for the scope rules. Read-only; changes go through PeopleService.
 */
import { Types } from 'mongoose';
import { decodeCursor, encodeCursor } from '../shared/page-cursor';
import { ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { UnitModel } from './unit-model';
import type { Unit } from './unit-model';
import { PersonModel } from './person-model';
import type { Person } from './person-model';
import { IdentityBindingModel } from './identity-binding-model';
import type { IdentityBinding } from './identity-binding-model';
import { ApprovalRouteModel } from './approval-route-model';
import type { ApprovalRoute } from './approval-route-model';
import { DelegationModel } from './delegation-model';
import type { Delegation } from './delegation-model';
import { adminScopeOf } from './admin-scope-rules';
import type { PersonPlace, UnitPlace } from './admin-scope-rules';

const ids = (values: string[]) => values.map((value) => new Types.ObjectId(value));

export function listUnits(unitIds: string[]): Promise<Unit[]> {
  return UnitModel.find({ _id: { $in: ids(unitIds) } })
    .sort({ _id: 1 })
    .lean<Unit[]>();
}

/** People of these units, by id, a page after `cursor`; with each one's bindings. */
export async function listPeople(
  unitIds: string[],
  query: { unitId?: string; q?: string; active?: 'true' | 'false'; limit: number; cursor?: string },
): Promise<{ people: Person[]; bindings: Map<string, IdentityBinding[]>; nextCursor: string | null }> {
  const filter: Record<string, unknown> = { unitIds: { $in: ids(query.unitId ? [query.unitId] : unitIds) } };
  if (query.active) filter.active = query.active === 'true';
  if (query.q) filter.$or = [{ name: query.q }, { code: query.q }];
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, 1);
    if (typeof after !== 'string' || !isObjectIdText(after)) {
      throw new ValidationError('CURSOR_INVALID', '分页游标无效，请从第一页重新加载');
    }
    filter._id = { $gt: new Types.ObjectId(after) };
  }
  const found = await PersonModel.find(filter)
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean<Person[]>();
  const people = found.slice(0, query.limit);
  const bound = await IdentityBindingModel.find({ personId: { $in: people.map((person) => person._id) } }).lean<
    IdentityBinding[]
  >();
  const bindings = new Map<string, IdentityBinding[]>();
  for (const binding of bound) {
    const key = String(binding.personId);
    bindings.set(key, [...(bindings.get(key) ?? []), binding]);
  }
  const last = people.at(-1);
  return { people, bindings, nextCursor: found.length > query.limit && last ? encodeCursor([String(last._id)]) : null };
}

export function listApprovalRoutes(unitIds: string[]): Promise<ApprovalRoute[]> {
  return ApprovalRouteModel.find({ unitId: { $in: ids(unitIds) } })
    .sort({ _id: 1 })
    .lean<ApprovalRoute[]>();
}

/** Delegations of the people of these units that have not ended by `now`. */
export async function listDelegations(unitIds: string[], now: Date): Promise<Delegation[]> {
  const people = await PersonModel.find({ unitIds: { $in: ids(unitIds) } }, { _id: 1 }).lean();
  return DelegationModel.find({ personId: { $in: people.map((person) => person._id) }, until: { $gt: now } })
    .sort({ from: 1 })
    .lean<Delegation[]>();
}

/**
 * Where each person stands for the scope rules (see PersonPlace): their units and, for admins, the units
 * they look after, each with its ancestors, read in one query; keyed by person id.
 */
export async function placesOf(
  people: Pick<Person, '_id' | 'unitIds' | 'roles' | 'adminOfUnitId'>[],
): Promise<Map<string, PersonPlace>> {
  const scoped = people.map((person) => {
    const unitIds = person.unitIds.map(String);
    const adminOfUnitId = person.adminOfUnitId ? String(person.adminOfUnitId) : null;
    const adminScope = person.roles.includes('admin') ? adminScopeOf({ adminOfUnitId, unitIds }) : [];
    return { id: String(person._id), unitIds, adminScope };
  });
  const unitIds = [...new Set(scoped.flatMap((person) => [...person.unitIds, ...person.adminScope]))];
  const units = await UnitModel.find({ _id: { $in: ids(unitIds) } }, { ancestorIds: 1 }).lean();
  const ancestors = new Map(units.map((unit) => [String(unit._id), unit.ancestorIds.map(String)]));
  // A unit removed since has no known ancestors: it then lies in no scope but one rooted at itself.
  const place = (id: string): UnitPlace => ({ id, ancestorIds: ancestors.get(id) ?? [] });
  return new Map(
    scoped.map((person) => [person.id, { units: person.unitIds.map(place), adminScope: person.adminScope.map(place) }]),
  );
}

/** Where the person stands for the scope rules; null for an unknown person. */
export async function findPersonPlace(personId: string): Promise<PersonPlace | null> {
  if (!isObjectIdText(personId)) return null;
  const person = await PersonModel.findById(personId, { unitIds: 1, roles: 1, adminOfUnitId: 1 }).lean();
  return person ? ((await placesOf([person])).get(String(person._id)) ?? null) : null;
}
