/**
 * The organisation as admins browse it through the API: units, people (with which kinds of identity
 * they have bound), approval routes and delegations, each limited to the units an admin looks after.
 * Read-only; changes go through PeopleService.
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

export async function findPersonUnits(personId: string): Promise<string[] | null> {
  const person = await PersonModel.findById(personId, { unitIds: 1 }).lean();
  return person ? person.unitIds.map(String) : null;
}
