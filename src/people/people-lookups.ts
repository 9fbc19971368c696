/**
 * Reading people, units and chat identities: what the bot and the other features ask for every
 * message, so the hot reads are cached for `organizationCacheTtlMs` (PeopleService forgets them after
 * any change made through it).
 */
import type { Types } from 'mongoose';
import type { TtlCache } from '../shared/ttl-cache';
import { normalizeText } from '../shared/text-normalization';
import { isObjectIdText } from '../shared/ids';
import { UnitModel } from './unit-model';
import { PersonModel } from './person-model';
import { IdentityBindingModel } from './identity-binding-model';
import { findPersonRecord, toAdminSummary, toSummary, validObjectIds } from './people-records';
import type { PersonSummary } from './people-records';

/** A unit's name and its ancestors' ids, root first. */
export interface UnitLineage {
  name: string;
  ancestorIds: string[];
}

export class PeopleLookups {
  private readonly personByIdentity: TtlCache<PersonSummary | null>;
  private readonly personById: TtlCache<PersonSummary | null>;
  private readonly unitNameById: TtlCache<string>;
  private readonly contactIds: TtlCache<string[]>;

  constructor(organizationCache: <V>() => TtlCache<V>) {
    this.personByIdentity = organizationCache();
    this.personById = organizationCache();
    this.unitNameById = organizationCache();
    this.contactIds = organizationCache();
  }

  /** Forgets what is cached (after a change to the organisation). */
  forget(): void {
    for (const cache of [this.personByIdentity, this.personById, this.unitNameById, this.contactIds]) cache.clear();
  }

  /** The active person bound to this chat identity; null for strangers and for people marked as left. */
  findPersonByChatIdentity(provider: string, externalId: string): Promise<PersonSummary | null> {
    return this.personByIdentity.get(`${provider}\u0000${externalId}`, () =>
      this.loadPersonByChatIdentity(provider, externalId),
    );
  }

  private async loadPersonByChatIdentity(provider: string, externalId: string): Promise<PersonSummary | null> {
    const binding = await IdentityBindingModel.findOne({ kind: 'chat', provider, externalId }).lean();
    if (!binding) return null;
    const person = await PersonModel.findById(binding.personId).lean();
    return person?.active ? toSummary(person) : null;
  }

  /** Summaries by id (people who left included, so history can still name them); unknown ids are absent. */
  async findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonSummary>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Map();
    // One query for all ids not cached yet; each cached entry waits on that query.
    let batch: Promise<Map<string, PersonSummary>> | null = null;
    const loadBatch = () =>
      (batch ??= PersonModel.find({ _id: { $in: objectIds } })
        .lean()
        .then((people) => new Map(people.map((person) => [String(person._id), toSummary(person)]))));
    const found = await Promise.all(
      objectIds.map((id) => this.personById.get(String(id), async () => (await loadBatch()).get(String(id)) ?? null)),
    );
    return new Map(found.flatMap((person) => (person ? [[person.id, person] as const] : [])));
  }

  /** personId → the contact ids bound under `provider`, newest first; [] for a person who has not bound. */
  async chatIdentitiesOf(personIds: (Types.ObjectId | string)[], provider: string): Promise<Map<string, string[]>> {
    const objectIds = validObjectIds(personIds);
    if (objectIds.length === 0) return new Map();
    // Read for every message the bot sends: one query for the people not cached yet.
    let batch: Promise<Map<string, string[]>> | null = null;
    const loadBatch = () =>
      (batch ??= IdentityBindingModel.find({ kind: 'chat', provider, personId: { $in: objectIds } })
        .sort({ boundAt: -1 })
        .lean()
        .then((bindings) => {
          const byPerson = new Map<string, string[]>();
          for (const binding of bindings) {
            const key = String(binding.personId);
            byPerson.set(key, [...(byPerson.get(key) ?? []), binding.externalId]);
          }
          return byPerson;
        }));
    const entries = await Promise.all(
      objectIds.map(async (id) => {
        const key = String(id);
        return [
          key,
          await this.contactIds.get(`${provider}\u0000${key}`, async () => (await loadBatch()).get(key) ?? []),
        ] as const;
      }),
    );
    return new Map(entries);
  }

  /** Active people with exactly this name (for "转交 K7Q2 姓名"); several when the name is shared. */
  async findPersonByName(name: string): Promise<PersonSummary[]> {
    const normalized = normalizeText(name);
    if (!normalized) return [];
    const people = await PersonModel.find({ name: normalized, active: true }).sort({ _id: 1 }).lean();
    return people.map(toSummary);
  }

  /** Of `ids`, the people on record as active (not marked as left). */
  async activePersonIds(ids: string[]): Promise<Set<string>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Set();
    const active = await PersonModel.find({ _id: { $in: objectIds }, active: true }, { _id: 1 }).lean();
    return new Set(active.map((person) => String(person._id)));
  }

  /** The unit's name for messages ("县应急管理局"); '' for an unknown unit. */
  unitName(unitId: string): Promise<string> {
    return this.unitNameById.get(unitId, () => this.loadUnitName(unitId));
  }

  private async loadUnitName(unitId: string): Promise<string> {
    if (!isObjectIdText(unitId)) return '';
    const unit = await UnitModel.findById(unitId, { name: 1 }).lean();
    return unit?.name ?? '';
  }

  /** The active officers of a unit (its members with the officer role), for work handed to the unit. */
  async officersOf(unitId: string): Promise<PersonSummary[]> {
    if (!isObjectIdText(unitId)) return [];
    const officers = await PersonModel.find({ unitIds: unitId, roles: 'officer', active: true })
      .sort({ _id: 1 })
      .lean();
    return officers.map(toSummary);
  }

  /** The active officers of each unit, in one query (for jobs that hand work to many units); [] for none. */
  async officersOfUnits(unitIds: string[]): Promise<Map<string, PersonSummary[]>> {
    const ids = [...new Set(unitIds.filter(isObjectIdText))];
    const byUnit = new Map<string, PersonSummary[]>(ids.map((unitId) => [unitId, []]));
    if (ids.length === 0) return byUnit;
    const officers = await PersonModel.find({ unitIds: { $in: ids }, roles: 'officer', active: true })
      .sort({ _id: 1 })
      .lean();
    for (const officer of officers) {
      const summary = toSummary(officer);
      for (const unitId of officer.unitIds.map(String)) byUnit.get(unitId)?.push(summary);
    }
    return byUnit;
  }

  /** Units with this name (a name is unique only among siblings), oldest first. */
  async findUnitsByName(name: string): Promise<{ id: string; name: string }[]> {
    const units = await UnitModel.find({ name: name.trim() }, { name: 1 }).sort({ _id: 1 }).lean();
    return units.map((unit) => ({ id: String(unit._id), name: unit.name }));
  }

  /** How far the organisation is set up, for the start-up screen: people on record, and those bound in chat. */
  async setupProgress(provider: string): Promise<{ people: number; bound: number }> {
    const [people, bound] = await Promise.all([
      PersonModel.countDocuments({}),
      IdentityBindingModel.countDocuments({ kind: 'chat', provider }),
    ]);
    return { people, bound };
  }

  /** Name and ancestors (root first) of each unit, in one query; unknown ids are absent. */
  async unitLineage(unitIds: (Types.ObjectId | string)[]): Promise<Map<string, UnitLineage>> {
    const objectIds = validObjectIds(unitIds);
    if (objectIds.length === 0) return new Map();
    const units = await UnitModel.find({ _id: { $in: objectIds } }, { name: 1, ancestorIds: 1 }).lean();
    return new Map(
      units.map((unit) => [String(unit._id), { name: unit.name, ancestorIds: unit.ancestorIds.map(String) }]),
    );
  }

  /** Each person's units and the units they look after as an admin, in one query; unknown ids are absent. */
  async personReach(ids: string[]): Promise<Map<string, { unitIds: string[]; adminScopeUnitIds: string[] }>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Map();
    const people = await PersonModel.find({ _id: { $in: objectIds } }).lean();
    return new Map(
      people.map((person) => {
        const admin = toAdminSummary(person);
        const adminScopeUnitIds = person.roles.includes('admin') ? admin.scopeUnitIds : [];
        return [admin.id, { unitIds: admin.unitIds, adminScopeUnitIds }];
      }),
    );
  }

  /** openid → the person bound to it in the mini-program of `provider` (the appid). */
  async miniProgramPeople(provider: string, openids: string[]): Promise<Map<string, string>> {
    if (openids.length === 0) return new Map();
    const bindings = await IdentityBindingModel.find({
      kind: 'mini-program',
      provider,
      externalId: { $in: [...new Set(openids)] },
    }).lean();
    return new Map(bindings.map((binding) => [binding.externalId, String(binding.personId)]));
  }

  /** A person by id, code (编码) or a name only one person has; see findPersonRecord. */
  async findPersonByReference(reference: string): Promise<PersonSummary> {
    return toSummary(await findPersonRecord(reference));
  }
}
