/**
 * People, chat identities, approval routes and delegations: what the bot, the drafts feature and the
 * admin CLI ask of the people feature. Every admin action and every binding is recorded in the audit
 * trail (R3, R9). Identity is by a stable binding (puppet name + contact id), never by display name.
 *
 * Writes keep to what FerretDB v1 makes safe: natural keys are unique indexes (a concurrent import
 * cannot create a unit or person twice) and a bind code is spent through revision-guard's insert-based
 * claim (two people racing with one code cannot both bind).
 */
import { createHash, randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import { TtlCache } from '../shared/ttl-cache';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { applyAtRevision } from '../shared/revision-guard';
import type { AuditTrail } from '../audit/audit-service';
import { UnitModel } from './unit-model';
import type { Unit } from './unit-model';
import { PersonModel } from './person-model';
import type { Person, PersonRole } from './person-model';
import { IdentityBindingModel } from './identity-binding-model';
import { BindCodeModel } from './bind-code-model';
import { ApprovalRouteModel } from './approval-route-model';
import type { ApprovalMode, ApprovalRoute } from './approval-route-model';
import { DelegationModel } from './delegation-model';
import type { Delegation } from './delegation-model';
import { adminScopeOf, scopeCoversUnit } from './admin-scope-rules';
import { bindCodeLifetimeMs, bindCodeState, formatBindCode, hashBindCode, normalizeBindCode } from './bind-code-rules';
import { checkDelegation, principalsOf } from './delegation-rules';
import type { DelegationPeriod } from './delegation-rules';
import { organizationFileError, parseOrganizationFile } from './organization-import-rules';
import type { NormalizedOrganization, OrganizationFileFormat } from './organization-import-rules';
import { resolveApprovalRoute } from './approval-route-rules';
import type { RouteDefinition, UnitNode } from './approval-route-rules';
import { normalizeText } from '../shared/text-normalization';
import { isObjectIdText, toObjectId, toObjectIdOrNull } from '../shared/ids';
import { bindWecomUserIds, checkWecomUserIds } from './wecom-identity-import';

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

/** A unit's name and its ancestors' ids, root first. */
export interface UnitLineage {
  name: string;
  ancestorIds: string[];
}

export interface ResolvedRoute {
  steps: { mode: ApprovalMode; approverIds: Types.ObjectId[]; backupApproverIds: Types.ObjectId[] }[];
  ccIds: Types.ObjectId[];
}

/**
 * Finds the account an organization file names for a per-account route. The account registry owns
 * accounts; whoever wires this service passes its lookup in.
 */
export interface AccountDirectory {
  /** The id of the unit's open account with this name (or platform key), or null. */
  findAccountId(unitId: string, reference: string): Promise<string | null>;
}

export interface PeopleServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  logger?: Logger;
  accounts?: AccountDirectory;
}

export interface AdminActionOptions {
  /** The admin who acts; null or absent for the system (e.g. the CLI run by the operator). */
  byId?: string | null;
  /** Where the action came from, for the audit trail: "cli", "mini-program:<openid>", … */
  via?: string;
}

export interface ImportSummary {
  /** Entries in the file. */
  units: number;
  people: number;
  routes: number;
  /** Records written: a re-import of an unchanged file creates and updates nothing. */
  created: number;
  updated: number;
}

/**
 * How long people, units, routes, bindings and delegations read for chat messages are reused. Changes
 * made through this service take effect at once in this process; another process (the API beside the
 * bot) sees them within this time.
 */
export const organizationCacheTtlMs = 60_000;

export class PeopleService {
  private readonly personByIdentity: TtlCache<PersonSummary | null>;
  private readonly personById: TtlCache<PersonSummary | null>;
  private readonly unitNameById: TtlCache<string>;
  private readonly routes: TtlCache<ResolvedRoute>;
  private readonly delegators: TtlCache<string[]>;
  private readonly contactIds: TtlCache<string[]>;

  constructor(private readonly dependencies: PeopleServiceDependencies) {
    const cache = <V>() => new TtlCache<V>(organizationCacheTtlMs, dependencies.clock);
    this.personByIdentity = cache();
    this.personById = cache();
    this.unitNameById = cache();
    this.routes = cache();
    this.delegators = cache();
    this.contactIds = cache();
  }

  /** Forgets everything cached: after any change to the organisation made here. */
  private forgetOrganization(): void {
    for (const cache of [
      this.personByIdentity,
      this.personById,
      this.unitNameById,
      this.routes,
      this.delegators,
      this.contactIds,
    ]) {
      cache.clear();
    }
  }

  /**
   * Imports the organization file (see docs/organization-import.md). Re-importing is idempotent: units
   * are matched by their path (parent + name), people by their code, or by unit path + name when they
   * have none (a person first imported without a code keeps their record when a code is added later),
   * routes by (unit, account). What the file lists is updated to match it; what it does not list is
   * left alone (people who leave are marked 在职 = 否, not deleted). A bad file changes nothing.
   */
  async importOrganization(
    content: string,
    format: OrganizationFileFormat,
    options: AdminActionOptions,
  ): Promise<ImportSummary> {
    const organization = parseOrganizationFile(content, format);
    const actor = this.adminActor(options);
    const accountIds = await this.findRouteAccounts(organization);
    await checkWecomUserIds(organization);
    const createdIds = new Set<string>();
    const updatedIds = new Set<string>();
    const record: RecordChange = async (action, type, id, details) => {
      // A record created by this import and completed later in it (a unit's main leader) counts as created only.
      if (action.endsWith('.created')) createdIds.add(String(id));
      else if (!createdIds.has(String(id))) updatedIds.add(String(id));
      await this.dependencies.audit.append({ actor, action, subject: { type, id: String(id) }, details });
    };

    const unitIds = await this.importUnits(organization, record);
    const personIds = await this.importPeople(organization, unitIds, record);
    await this.assignMainLeaders(organization, unitIds, personIds, record);
    await this.importRoutes(organization, unitIds, personIds, accountIds, record);
    const { audit, clock } = this.dependencies;
    await bindWecomUserIds(organization, personIds, { audit, clock, actor });

    const summary = {
      units: organization.units.length,
      people: organization.people.length,
      routes: organization.routes.length,
      created: createdIds.size,
      updated: updatedIds.size,
    };
    await this.dependencies.audit.append({
      actor,
      action: 'organization.imported',
      subject: { type: 'organization', id: createHash('sha256').update(content).digest('hex') },
      details: { format, ...summary },
    });
    this.forgetOrganization();
    this.dependencies.logger?.info(summary, 'organization imported');
    return summary;
  }

  /**
   * A one-time code (6 digits, valid 24 h) with which `personReference` binds their chat identity.
   * The reference is a person id, a code (编码) or a name that only one person has. A new code voids the
   * person's earlier unused codes. Only a hash of the code is stored; the code is returned once.
   */
  async createBindCode(
    personReference: string,
    options: AdminActionOptions,
  ): Promise<{ code: string; expiresAt: Date; person: PersonSummary }> {
    const person = await this.findPersonRecord(personReference);
    if (!person.active) {
      throw new ValidationError('PERSON_INACTIVE', `“${person.name}”已标为不在职，不能为其生成绑定码`);
    }
    const now = this.dependencies.clock.now();
    const expiresAt = new Date(now.getTime() + bindCodeLifetimeMs);
    const earlier = await BindCodeModel.find({ personId: person._id, usedAt: null, revokedAt: null }).lean();
    for (const code of earlier) {
      if (bindCodeState(code, now) === 'usable') await applyAtRevision(BindCodeModel, code, { revokedAt: now }, now);
    }

    for (let attempt = 1; ; attempt += 1) {
      const code = formatBindCode(randomInt(0, 1_000_000));
      const codeHash = hashBindCode(code);
      try {
        const stored = await BindCodeModel.create({
          codeHash,
          personId: person._id,
          createdById: toObjectIdOrNull(options.byId, invalidId('操作人')),
          createdAt: now,
          expiresAt,
        });
        await this.dependencies.audit.append({
          actor: this.adminActor(options),
          action: 'bind-code.created',
          subject: { type: 'person', id: String(person._id) },
          details: { bindCodeId: String(stored._id), expiresAt: expiresAt.toISOString() },
        });
        return { code, expiresAt, person: toSummary(person) };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 20) throw error;
        await retireDeadCode(codeHash, now);
      }
    }
  }

  /**
   * Binds a chat identity (provider = puppet name, externalId = contact id) to the person a bind code
   * was made for. The code is spent by the first binding: concurrent uses of one code bind once.
   * Sending a code again from an identity already bound to the same person changes nothing.
   */
  async bindChatIdentity(input: { code: string; provider: string; externalId: string }): Promise<PersonSummary> {
    const provider = input.provider.trim();
    const externalId = input.externalId.trim();
    if (!provider || !externalId) {
      throw new ValidationError('CHAT_IDENTITY_MISSING', '无法识别您的聊天身份，请稍后重试');
    }
    const code = normalizeBindCode(input.code);
    const stored = code ? await BindCodeModel.findOne({ codeHash: hashBindCode(code) }).lean() : null;
    if (!stored) throw bindCodeError('invalid');
    const now = this.dependencies.clock.now();
    const state = bindCodeState(stored, now);
    if (state !== 'usable') throw bindCodeError(state);

    const person = await PersonModel.findById(stored.personId).lean();
    if (!person || !person.active) {
      throw new ValidationError('PERSON_INACTIVE', '该绑定码对应的人员已不在职，请联系管理员');
    }
    const bound = await IdentityBindingModel.findOne({ kind: 'chat', provider, externalId }).lean();
    if (bound && bound.personId.equals(person._id)) return toSummary(person);
    if (bound) throw identityAlreadyBound();

    const usedBy = { provider, externalId };
    if ((await applyAtRevision(BindCodeModel, stored, { usedAt: now, usedBy }, now)) === 'lost') {
      const current = await BindCodeModel.findById(stored._id).lean();
      throw bindCodeError(current?.revokedAt ? 'revoked' : 'used');
    }
    const binding = await IdentityBindingModel.create({
      kind: 'chat',
      provider,
      externalId,
      personId: person._id,
      boundAt: now,
    });
    await this.dependencies.audit.append({
      key: `identity.bound:${String(binding._id)}`,
      actor: { personId: person._id, via: `${provider}:${externalId}` },
      action: 'identity.bound',
      subject: { type: 'person', id: String(person._id) },
      details: { kind: 'chat', provider, externalId, bindCodeId: String(stored._id) },
    });
    this.forgetOrganization();
    this.dependencies.logger?.info({ personId: String(person._id), provider }, 'chat identity bound');
    return toSummary(person);
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

  /** The approval steps of a draft of `unitId` (and account) submitted by `submitterId`; see resolveApprovalRoute. */
  resolveRoute(input: { unitId: string; accountId?: string | null; submitterId: string }): Promise<ResolvedRoute> {
    return this.routes.get(`${input.unitId}:${input.accountId ?? ''}:${input.submitterId}`, () =>
      this.loadRoute(input),
    );
  }

  private async loadRoute(input: {
    unitId: string;
    accountId?: string | null;
    submitterId: string;
  }): Promise<ResolvedRoute> {
    const unitId = toObjectId(input.unitId, invalidId('单位'));
    const submitterId = toObjectId(input.submitterId, invalidId('投稿人'));
    const accountId = input.accountId ? toObjectId(input.accountId, invalidId('账号')) : null;
    const unit = await UnitModel.findById(unitId).lean();
    if (!unit) throw unitNotFound();
    const [ancestors, routes] = await Promise.all([
      unit.ancestorIds.length > 0 ? UnitModel.find({ _id: { $in: unit.ancestorIds } }).lean() : Promise.resolve([]),
      ApprovalRouteModel.find({ unitId }).lean(),
    ]);
    const units = new Map<string, UnitNode>([unit, ...ancestors].map((node) => [String(node._id), toUnitNode(node)]));
    const definitions = routes.map(toRouteDefinition);
    const candidates = new Set<string>([
      ...[...units.values()].flatMap((node) => (node.mainLeaderId ? [node.mainLeaderId] : [])),
      ...definitions.flatMap((route) => [
        ...route.ccIds,
        ...route.steps.flatMap((step) => [...step.approverIds, ...step.backupApproverIds]),
      ]),
    ]);
    const active = await PersonModel.find(
      { _id: { $in: [...candidates].map((id) => new Types.ObjectId(id)) }, active: true },
      { _id: 1 },
    ).lean();
    const activeIds = new Set(active.map((person) => String(person._id)));

    const resolved = resolveApprovalRoute({
      unitId: String(unitId),
      accountId: accountId ? String(accountId) : null,
      submitterId: String(submitterId),
      units,
      routes: definitions,
      inactivePersonIds: new Set([...candidates].filter((id) => !activeIds.has(id))),
    });
    const asObjectIds = (ids: string[]) => ids.map((id) => new Types.ObjectId(id));
    return {
      steps: resolved.steps.map((step) => ({
        mode: step.mode,
        approverIds: asObjectIds(step.approverIds),
        backupApproverIds: asObjectIds(step.backupApproverIds),
      })),
      ccIds: asObjectIds(resolved.ccIds),
    };
  }

  /**
   * Lets `delegateId` decide for `personId` from `from` (inclusive) until `until` (exclusive), e.g. while
   * the person is on leave. Where periods overlap, the delegation set last applies.
   */
  async setDelegation(input: {
    personId: string;
    delegateId: string;
    from: Date;
    until: Date;
    byId: string | null;
    via?: string;
  }): Promise<void> {
    const personId = toObjectId(input.personId, invalidId('被代理人'));
    const delegateId = toObjectId(input.delegateId, invalidId('代理人'));
    const now = this.dependencies.clock.now();
    checkDelegation({
      personId: String(personId),
      delegateId: String(delegateId),
      from: input.from,
      until: input.until,
      now,
    });
    const people = await PersonModel.find({ _id: { $in: [personId, delegateId] } }).lean();
    const person = people.find((candidate) => candidate._id.equals(personId));
    const delegate = people.find((candidate) => candidate._id.equals(delegateId));
    if (!person) throw personNotFound(input.personId);
    if (!delegate) throw personNotFound(input.delegateId);
    if (!delegate.active)
      throw new ValidationError('PERSON_INACTIVE', `“${delegate.name}”已标为不在职，不能担任代理人`);

    const delegation = await DelegationModel.create({
      personId,
      delegateId,
      from: input.from,
      until: input.until,
      createdById: toObjectIdOrNull(input.byId, invalidId('操作人')),
      createdAt: now,
    });
    await this.dependencies.audit.append({
      key: `delegation.set:${String(delegation._id)}`,
      actor: this.adminActor({ byId: input.byId, via: input.via }),
      action: 'delegation.set',
      subject: { type: 'person', id: String(personId) },
      details: {
        delegationId: String(delegation._id),
        delegateId: String(delegateId),
        from: input.from.toISOString(),
        until: input.until.toISOString(),
      },
    });
    this.forgetOrganization();
  }

  /** The people `delegateId` stands in for at `at` (not transitively). */
  delegatorsOf(delegateId: string, at: Date): Promise<string[]> {
    const minute = Math.floor(at.getTime() / 60_000);
    return this.delegators.get(`${delegateId}:${minute}`, () => this.loadDelegators(delegateId, at));
  }

  private async loadDelegators(delegateId: string, at: Date): Promise<string[]> {
    if (!Types.ObjectId.isValid(delegateId)) return [];
    const inForce = { from: { $lte: at }, until: { $gt: at } };
    const direct = await DelegationModel.find({ delegateId: new Types.ObjectId(delegateId), ...inForce }).lean();
    if (direct.length === 0) return [];
    const competing = await DelegationModel.find({
      personId: {
        $in: [...new Set(direct.map((delegation) => String(delegation.personId)))].map((id) => new Types.ObjectId(id)),
      },
      ...inForce,
    }).lean();
    return principalsOf(competing.map(toDelegationPeriod), delegateId, at);
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

  /** How far the organisation is set up, for the start-up screen: people on record, and those bound in chat. */
  async setupProgress(provider: string): Promise<{ people: number; bound: number }> {
    const [people, bound] = await Promise.all([
      PersonModel.countDocuments({}),
      IdentityBindingModel.countDocuments({ kind: 'chat', provider }),
    ]);
    return { people, bound };
  }

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
    return person?.active && person.roles.includes('admin') ? toAdminSummary(person) : null;
  }

  /** Whether the unit lies within the admin's scope; false for an unknown unit. */
  async adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean> {
    if (!isObjectIdText(unitId)) return false;
    const unit = await UnitModel.findById(unitId, { ancestorIds: 1 }).lean();
    return unit
      ? scopeCoversUnit(admin.scopeUnitIds, { id: unitId, ancestorIds: unit.ancestorIds.map(String) })
      : false;
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

  /**
   * A person by id, code (编码) or a name only one person has (people still in office first), for
   * admins who type who they mean. Unknown → PERSON_NOT_FOUND; a shared name → PERSON_AMBIGUOUS
   * listing each candidate's unit and code.
   */
  async findPersonByReference(reference: string): Promise<PersonSummary> {
    return toSummary(await this.findPersonRecord(reference));
  }

  private async findPersonRecord(reference: string): Promise<Person> {
    const value = normalizeText(reference);
    if (!value) throw new ValidationError('PERSON_REFERENCE_MISSING', '请填写人员的姓名、编码或 ID');
    if (isObjectIdText(value)) {
      const byId = await PersonModel.findById(value).lean();
      if (byId) return byId;
    }
    const matches = await PersonModel.find({ $or: [{ code: value }, { name: value }] })
      .sort({ _id: 1 })
      .lean();
    const byCode = matches.filter((person) => person.code === value);
    if (byCode.length === 1) return byCode[0];
    let byName = matches.filter((person) => person.name === value);
    if (byName.length > 1 && byName.some((person) => person.active)) byName = byName.filter((person) => person.active);
    if (byName.length === 1) return byName[0];
    if (byName.length === 0) throw personNotFound(value);
    const unitNames = await this.unitNames(byName.flatMap((person) => person.unitIds));
    const described = byName.map((person) => {
      const unit = person.unitIds.map((id) => unitNames.get(String(id)) ?? '').find(Boolean) ?? '未分配单位';
      const key = person.code ? `编码 ${person.code}` : `ID ${String(person._id)}`;
      return `${person.name}（${unit}，${key}）`;
    });
    throw new ValidationError(
      'PERSON_AMBIGUOUS',
      `有 ${byName.length} 位名为“${value}”的人员：${described.join('、')}，请改用编码或 ID 指明是哪一位`,
    );
  }

  private adminActor(options: AdminActionOptions) {
    return { personId: toObjectIdOrNull(options.byId, invalidId('操作人')), via: options.via ?? '' };
  }

  private async unitNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const units = await UnitModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
    return new Map(units.map((unit) => [String(unit._id), unit.name]));
  }

  /** Looks up every account a route names before anything is written, so a bad reference changes nothing. */
  private async findRouteAccounts(organization: NormalizedOrganization): Promise<Map<string, Types.ObjectId>> {
    const accountIds = new Map<string, Types.ObjectId>();
    const named = organization.routes.filter((route) => route.account);
    if (named.length === 0) return accountIds;
    const units = await this.findUnitsByPath(named.map((route) => route.unitPath));
    for (const route of named) {
      const account = route.account ?? '';
      const unitId = units.get(route.unitPath);
      const found =
        unitId && this.dependencies.accounts
          ? await this.dependencies.accounts.findAccountId(String(unitId), account)
          : null;
      if (!found) {
        throw organizationFileError(
          route.location,
          `“${route.unitPath}”没有名为“${account}”的账号（按账号配置审核路由前，账号须已在账号台账中登记）`,
        );
      }
      accountIds.set(routeScope(route.unitPath, account), new Types.ObjectId(found));
    }
    return accountIds;
  }

  /** Ids of the units at these paths that exist already (walking down from the roots, one read). */
  private async findUnitsByPath(paths: string[]): Promise<Map<string, Types.ObjectId>> {
    const all = await UnitModel.find({}, { name: 1, parentId: 1 }).lean();
    const byParentAndName = new Map(all.map((unit) => [unitKey(unit.parentId, unit.name), unit._id]));
    const found = new Map<string, Types.ObjectId>();
    for (const path of paths) {
      let id: Types.ObjectId | null = null;
      for (const name of path.split('/')) {
        id = byParentAndName.get(unitKey(id, name)) ?? null;
        if (!id) break;
      }
      if (id) found.set(path, id);
    }
    return found;
  }

  private async importUnits(
    organization: NormalizedOrganization,
    record: RecordChange,
  ): Promise<Map<string, Types.ObjectId>> {
    const existing = await UnitModel.find({}).lean();
    const byParentAndName = new Map(existing.map((unit) => [unitKey(unit.parentId, unit.name), unit]));
    const ids = new Map<string, Types.ObjectId>();
    const ancestors = new Map<string, Types.ObjectId[]>();
    for (const unit of organization.units) {
      const parentId = unit.parentPath ? (ids.get(unit.parentPath) ?? null) : null;
      const ancestorIds = unit.parentPath && parentId ? [...(ancestors.get(unit.parentPath) ?? []), parentId] : [];
      let stored: Unit | null = byParentAndName.get(unitKey(parentId, unit.name)) ?? null;
      if (!stored) {
        try {
          const created = await UnitModel.create({ name: unit.name, kind: unit.kind, parentId, ancestorIds });
          await record('unit.created', 'unit', created._id, { path: unit.path, kind: unit.kind });
          stored = created.toObject();
        } catch (error) {
          // Another import created it a moment ago: the unique (parent, name) index kept it single.
          if (!(error instanceof ConflictError)) throw error;
          stored = await UnitModel.findOne({ parentId, name: unit.name }).lean();
          if (!stored) throw error;
        }
      }
      const changes: Partial<Unit> = {};
      if (stored.kind !== unit.kind) changes.kind = unit.kind;
      if (!sameIds(stored.ancestorIds, ancestorIds)) changes.ancestorIds = ancestorIds;
      if (Object.keys(changes).length > 0) {
        await UnitModel.updateOne({ _id: stored._id }, { $set: changes });
        await record('unit.updated', 'unit', stored._id, { path: unit.path, changed: Object.keys(changes) });
      }
      ids.set(unit.path, stored._id);
      ancestors.set(unit.path, ancestorIds);
    }
    return ids;
  }

  private async importPeople(
    organization: NormalizedOrganization,
    unitIds: Map<string, Types.ObjectId>,
    record: RecordChange,
  ): Promise<Map<string, Types.ObjectId>> {
    const fileKeys = new Set(organization.people.map((person) => person.importKey));
    const lookupKeys = organization.people.flatMap((person) =>
      person.code && !fileKeys.has(person.nameKey) ? [person.importKey, person.nameKey] : [person.importKey],
    );
    const existing = await PersonModel.find({ importKey: { $in: lookupKeys } }).lean();
    const byKey = new Map(existing.map((person) => [person.importKey, person]));
    const ids = new Map<string, Types.ObjectId>();
    for (const person of organization.people) {
      const desired = {
        importKey: person.importKey,
        code: person.code,
        name: person.name,
        title: person.title,
        roles: person.roles,
        unitIds: [unitIds.get(person.unitPath) as Types.ObjectId],
        adminOfUnitId: person.adminOfPath ? (unitIds.get(person.adminOfPath) ?? null) : null,
        active: person.active,
      };
      let stored: Person | null =
        byKey.get(person.importKey) ??
        (person.code && !fileKeys.has(person.nameKey) ? byKey.get(person.nameKey) : undefined) ??
        null;
      if (!stored) {
        try {
          const created = await PersonModel.create(desired);
          await record('person.created', 'person', created._id, describePerson(desired, person.unitPath));
          ids.set(person.importKey, created._id);
          continue;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          stored = await PersonModel.findOne({ importKey: person.importKey }).lean();
          if (!stored) throw error;
        }
      }
      const changed = changedPersonFields(stored, desired);
      if (changed.length > 0) {
        await PersonModel.updateOne({ _id: stored._id }, { $set: desired });
        await record('person.updated', 'person', stored._id, { ...describePerson(desired, person.unitPath), changed });
      }
      ids.set(person.importKey, stored._id);
    }
    return ids;
  }

  private async assignMainLeaders(
    organization: NormalizedOrganization,
    unitIds: Map<string, Types.ObjectId>,
    personIds: Map<string, Types.ObjectId>,
    record: RecordChange,
  ): Promise<void> {
    const ids = [...unitIds.values()];
    const stored = await UnitModel.find({ _id: { $in: ids } }, { mainLeaderId: 1 }).lean();
    const current = new Map(stored.map((unit) => [String(unit._id), unit.mainLeaderId]));
    for (const unit of organization.units) {
      const unitId = unitIds.get(unit.path) as Types.ObjectId;
      const mainLeaderId = unit.mainLeaderKey ? (personIds.get(unit.mainLeaderKey) ?? null) : null;
      const before = current.get(String(unitId)) ?? null;
      if (String(before) === String(mainLeaderId)) continue;
      await UnitModel.updateOne({ _id: unitId }, { $set: { mainLeaderId } });
      await record('unit.updated', 'unit', unitId, {
        path: unit.path,
        changed: ['mainLeaderId'],
        mainLeaderId: mainLeaderId ? String(mainLeaderId) : null,
      });
    }
  }

  private async importRoutes(
    organization: NormalizedOrganization,
    unitIds: Map<string, Types.ObjectId>,
    personIds: Map<string, Types.ObjectId>,
    accountIds: Map<string, Types.ObjectId>,
    record: RecordChange,
  ): Promise<void> {
    if (organization.routes.length === 0) return;
    const routeUnitIds = organization.routes.map((route) => unitIds.get(route.unitPath) as Types.ObjectId);
    const existing = await ApprovalRouteModel.find({ unitId: { $in: routeUnitIds } }).lean();
    const byScope = new Map(existing.map((route) => [`${String(route.unitId)}:${route.accountKey}`, route]));
    const people = (keys: string[]) => keys.map((key) => personIds.get(key) as Types.ObjectId);
    for (const route of organization.routes) {
      const unitId = unitIds.get(route.unitPath) as Types.ObjectId;
      const accountId = route.account ? (accountIds.get(routeScope(route.unitPath, route.account)) ?? null) : null;
      const desired = {
        steps: route.steps.map((step) => ({
          mode: step.mode,
          approverIds: people(step.approverKeys),
          backupApproverIds: people(step.backupKeys),
        })),
        ccIds: people(route.ccKeys),
      };
      const details = {
        unit: route.unitPath,
        account: route.account,
        steps: desired.steps.map((step) => ({
          mode: step.mode,
          approverIds: step.approverIds.map(String),
          backupApproverIds: step.backupApproverIds.map(String),
        })),
        ccIds: desired.ccIds.map(String),
      };
      let stored: ApprovalRoute | null = byScope.get(`${String(unitId)}:${accountId ? String(accountId) : ''}`) ?? null;
      if (!stored) {
        try {
          const created = await ApprovalRouteModel.create({ unitId, accountId, ...desired, updatedById: null });
          await record('approval-route.created', 'approval-route', created._id, details);
          continue;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          stored = await ApprovalRouteModel.findOne({ unitId, accountKey: accountId ? String(accountId) : '' }).lean();
          if (!stored) throw error;
        }
      }
      if (sameRoute(stored, desired)) continue;
      await ApprovalRouteModel.updateOne({ _id: stored._id }, { $set: desired });
      await record('approval-route.updated', 'approval-route', stored._id, details);
    }
  }
}

type RecordChange = (
  action: string,
  type: string,
  id: Types.ObjectId,
  details: Record<string, unknown>,
) => Promise<void>;

function unitKey(parentId: Types.ObjectId | null, name: string): string {
  return `${parentId ? String(parentId) : ''}/${name}`;
}

function routeScope(unitPath: string, account: string): string {
  return `${unitPath}\u0000${account}`;
}

function sameIds(left: readonly Types.ObjectId[], right: readonly Types.ObjectId[]): boolean {
  return left.length === right.length && left.every((id, index) => String(id) === String(right[index]));
}

interface DesiredPerson {
  importKey: string;
  code: string;
  name: string;
  title: string;
  roles: PersonRole[];
  unitIds: Types.ObjectId[];
  adminOfUnitId: Types.ObjectId | null;
  active: boolean;
}

function changedPersonFields(stored: Person, desired: DesiredPerson): string[] {
  const changed: string[] = [];
  if (stored.importKey !== desired.importKey) changed.push('importKey');
  if (stored.code !== desired.code) changed.push('code');
  if (stored.name !== desired.name) changed.push('name');
  if (stored.title !== desired.title) changed.push('title');
  if ([...stored.roles].sort().join() !== [...desired.roles].sort().join()) changed.push('roles');
  if (!sameIds(stored.unitIds, desired.unitIds)) changed.push('unitIds');
  if (String(stored.adminOfUnitId) !== String(desired.adminOfUnitId)) changed.push('adminOfUnitId');
  if (stored.active !== desired.active) changed.push('active');
  return changed;
}

function describePerson(person: DesiredPerson, unitPath: string): Record<string, unknown> {
  return {
    name: person.name,
    code: person.code,
    unit: unitPath,
    title: person.title,
    roles: person.roles,
    adminOfUnitId: person.adminOfUnitId ? String(person.adminOfUnitId) : null,
    active: person.active,
  };
}

function sameRoute(stored: ApprovalRoute, desired: Pick<ApprovalRoute, 'steps' | 'ccIds'>): boolean {
  const shape = (route: Pick<ApprovalRoute, 'steps' | 'ccIds'>) =>
    JSON.stringify({
      steps: route.steps.map((step) => [step.mode, step.approverIds.map(String), step.backupApproverIds.map(String)]),
      ccIds: route.ccIds.map(String),
    });
  return shape(stored) === shape(desired);
}

/** Frees the digits of a dead code (used, voided or expired) so they can be drawn again. */
async function retireDeadCode(codeHash: string, now: Date): Promise<void> {
  const holder = await BindCodeModel.findOne({ codeHash }).lean();
  if (holder && bindCodeState(holder, now) !== 'usable') {
    await BindCodeModel.updateOne({ _id: holder._id }, { $set: { codeHash: `retired:${String(holder._id)}` } });
  }
}

function bindCodeError(state: 'invalid' | 'used' | 'revoked' | 'expired'): ValidationError | ConflictError {
  switch (state) {
    case 'invalid':
      return new ValidationError(
        'BIND_CODE_INVALID',
        '绑定码不正确，请核对管理员提供的 6 位数字后重新发送“绑定 123456”',
      );
    case 'used':
      return new ConflictError('BIND_CODE_USED', '该绑定码已被使用，每个绑定码只能用一次，请联系管理员重新获取');
    case 'revoked':
      return new ValidationError('BIND_CODE_EXPIRED', '该绑定码已作废（管理员已生成新的绑定码），请使用最新的绑定码');
    case 'expired':
      return new ValidationError('BIND_CODE_EXPIRED', '该绑定码已过期（有效期 24 小时），请联系管理员重新获取');
  }
}

function identityAlreadyBound(): ConflictError {
  return new ConflictError('IDENTITY_ALREADY_BOUND', '该身份已绑定到其他人员，如需更换请联系管理员解绑');
}

function personNotFound(reference: string): NotFoundError {
  return new NotFoundError(
    'PERSON_NOT_FOUND',
    `找不到人员“${reference}”，请核对姓名、编码或 ID（人员须先由管理员导入）`,
  );
}

function unitNotFound(): NotFoundError {
  return new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，请联系管理员核对组织架构');
}

const invalidId = (what: string) => () => new ValidationError('ID_INVALID', `${what}的 ID 格式不正确`);

function validObjectIds(ids: (Types.ObjectId | string)[]): Types.ObjectId[] {
  const unique = new Set(ids.map(String).filter(isObjectIdText));
  return [...unique].map((id) => new Types.ObjectId(id));
}

function toAdminSummary(person: Person): AdminSummary {
  const summary = toSummary(person);
  const adminOfUnitId = person.adminOfUnitId ? String(person.adminOfUnitId) : null;
  return { ...summary, scopeUnitIds: adminScopeOf({ adminOfUnitId, unitIds: summary.unitIds }) };
}

function toSummary(person: Person): PersonSummary {
  return {
    id: String(person._id),
    name: person.name,
    title: person.title,
    roles: [...person.roles],
    unitIds: person.unitIds.map(String),
  };
}

function toUnitNode(unit: Unit): UnitNode {
  return {
    id: String(unit._id),
    parentId: unit.parentId ? String(unit.parentId) : null,
    mainLeaderId: unit.mainLeaderId ? String(unit.mainLeaderId) : null,
  };
}

function toRouteDefinition(route: ApprovalRoute): RouteDefinition {
  return {
    unitId: String(route.unitId),
    accountId: route.accountId ? String(route.accountId) : null,
    steps: route.steps.map((step) => ({
      mode: step.mode,
      approverIds: step.approverIds.map(String),
      backupApproverIds: step.backupApproverIds.map(String),
    })),
    ccIds: route.ccIds.map(String),
  };
}

function toDelegationPeriod(delegation: Delegation): DelegationPeriod {
  return {
    id: String(delegation._id),
    personId: String(delegation.personId),
    delegateId: String(delegation.delegateId),
    from: delegation.from,
    until: delegation.until,
    createdAt: delegation.createdAt,
  };
}
