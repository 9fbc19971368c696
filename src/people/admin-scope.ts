/**
 * An admin's scope: which admins look after a unit, whether a unit or person lies within an admin's
 * units (by the pure admin-scope-rules), and finding the people an admin may act on.
 */
import { NotFoundError } from '../shared/errors';
import { isObjectIdText, toObjectId } from '../shared/ids';
import { UnitModel } from './unit-model';
import { PersonModel } from './person-model';
import { adminMayActOnPerson, isActiveAdmin, scopeCoversPerson, scopeCoversUnit } from './admin-scope-rules';
import { findPersonPlace, placesOf } from './people-directory';
import { findPersonRecord, invalidId, toAdminSummary, toSummary, unitNotFound, validObjectIds } from './people-records';
import type { AdminSummary, PersonSummary } from './people-records';
import type { PeopleLookups } from './people-lookups';

export class AdminScope {
  constructor(private readonly lookups: PeopleLookups) {}

  /** Active admins whose scope covers `unitId` (their unit or an ancestor); all active admins without one. */
  async adminsOf(unitId?: string): Promise<PersonSummary[]> {
    const filter: Record<string, unknown> = { roles: 'admin', active: true };
    if (unitId) {
      const unit = await UnitModel.findById(toObjectId(unitId, invalidId('单位'))).lean();
      if (!unit) throw unitNotFound();
      filter.adminOfUnitId = { $in: [unit._id, ...unit.ancestorIds] };
    }
    const admins = await PersonModel.find(filter).sort({ _id: 1 }).lean();
    return admins.map(toSummary);
  }

  /**
   * The admin acting through the API: an active person with the admin role, with the units they look
   * after; null for anyone else (unknown, left, or not an admin).
   */
  async findAdmin(personId: string): Promise<AdminSummary | null> {
    if (!isObjectIdText(personId)) return null;
    const person = await PersonModel.findById(personId).lean();
    return person && isActiveAdmin(person) ? toAdminSummary(person) : null;
  }

  /** Whether the unit lies within the admin's scope; false for an unknown unit. */
  async adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean> {
    if (!isObjectIdText(unitId)) return false;
    const unit = await UnitModel.findById(unitId, { ancestorIds: 1 }).lean();
    return unit
      ? scopeCoversUnit(admin.scopeUnitIds, { id: unitId, ancestorIds: unit.ancestorIds.map(String) })
      : false;
  }

  /**
   * Whether the admin may act on the person (a bind code, unbinding, their delegations): see
   * adminMayActOnPerson. False for an unknown person.
   */
  async adminMayActOn(admin: Pick<AdminSummary, 'scopeUnitIds'>, personId: string): Promise<boolean> {
    const place = await findPersonPlace(personId);
    return place ? adminMayActOnPerson(admin.scopeUnitIds, place) : false;
  }

  /** Whether every unit of the person lies within the admin's scope (whom they may name); false for an unknown person. */
  async adminCoversPerson(admin: Pick<AdminSummary, 'scopeUnitIds'>, personId: string): Promise<boolean> {
    const place = await findPersonPlace(personId);
    return place ? scopeCoversPerson(admin.scopeUnitIds, place) : false;
  }

  /**
   * A person by id, code or name among those the admin may act on (an admin's `解绑 姓名` in chat):
   * anyone else reads as unknown, with the same words, and a shared name lists only the admin's own.
   */
  async findPersonForAdmin(reference: string, admin: Pick<AdminSummary, 'scopeUnitIds'>): Promise<PersonSummary> {
    const person = await findPersonRecord(reference, {
      among: async (candidates) => {
        const places = await placesOf(candidates);
        return candidates.filter((candidate) => {
          const place = places.get(String(candidate._id));
          return place ? adminMayActOnPerson(admin.scopeUnitIds, place) : false;
        });
      },
      notFound: (value) => new NotFoundError('PERSON_NOT_FOUND', `找不到“${value}”，或其不在您的管理范围内`),
    });
    return toSummary(person);
  }

  /** Whether these units (an admin's scope) include a root unit: the top admin's, who looks after everything. */
  async coversWholeOrganization(unitIds: string[]): Promise<boolean> {
    const lineage = await this.lookups.unitLineage(unitIds);
    return [...lineage.values()].some((unit) => unit.ancestorIds.length === 0);
  }

  /** The ids of the units in an admin's scope: each scope unit and everything below it. */
  async unitsWithin(scopeUnitIds: string[]): Promise<string[]> {
    const objectIds = validObjectIds(scopeUnitIds);
    if (objectIds.length === 0) return [];
    const below = await UnitModel.find({ ancestorIds: { $in: objectIds } }, { _id: 1 }).lean();
    return [...new Set([...objectIds, ...below.map((unit) => unit._id)].map(String))];
  }

  /** Every active admin with the units they look after, in one query (for jobs that serve many units). */
  async activeAdmins(): Promise<AdminSummary[]> {
    const admins = await PersonModel.find({ roles: 'admin', active: true }).sort({ _id: 1 }).lean();
    return admins.map(toAdminSummary);
  }
}
