/**
 * People, chat identities, approval routes and delegations: what the bot, the drafts feature and the
 * admin CLI ask of the people feature. Importing the organization file (organization-import.ts) and
 * binding identities (identity-bindings.ts) live beside it; this class is their one entry point. Every admin action and every binding is recorded in the audit
 * trail (R3, R9). Identity is by a stable binding (puppet name + contact id), never by display name.
 *
 * Natural keys are unique indexes (a concurrent import cannot create a unit or person twice) and a bind
 * code is spent through a claimed write (src/shared/claimed-write.ts: two people racing with one code
 * cannot both bind).
 */
import { Types } from 'mongoose';
import { TtlCache } from '../shared/ttl-cache';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { AuditTrail } from '../audit/audit-service';
import { UnitModel } from './unit-model';
import type { Unit } from './unit-model';
import { PersonModel } from './person-model';
import { IdentityBindingModel } from './identity-binding-model';
import { ApprovalRouteModel } from './approval-route-model';
import type { ApprovalMode, ApprovalRoute } from './approval-route-model';
import { DelegationModel } from './delegation-model';
import type { Delegation } from './delegation-model';
import { adminMayActOnPerson, isActiveAdmin, scopeCoversPerson, scopeCoversUnit } from './admin-scope-rules';
import { checkDelegation, chooseDelegationsToEnd, principalsOf } from './delegation-rules';
import type { DelegationInvolvement, DelegationPeriod } from './delegation-rules';
import type { OrganizationFileFormat } from './organization-import-rules';
import { resolveApprovalRoute } from './approval-route-rules';
import type { RouteDefinition, UnitNode } from './approval-route-rules';
import { normalizeText } from '../shared/text-normalization';
import { isObjectIdText, toObjectId, toObjectIdOrNull } from '../shared/ids';
import { OrganizationImport } from './organization-import';
import type { AccountDirectory, ImportSummary } from './organization-import';
import { IdentityBindings } from './identity-bindings';
import { findViewer } from './viewer-scope';
import { findPersonPlace, placesOf } from './people-directory';
import type { Viewer } from './viewer-scope';
import {
  adminActor,
  findPersonRecord,
  invalidId,
  personNotFound,
  toAdminSummary,
  toSummary,
  unitNotFound,
  validObjectIds,
} from './people-records';
import type { AdminActionOptions, AdminSummary, PersonSummary } from './people-records';
import { unique } from '../shared/unique';

export type { AccountDirectory, ImportSummary } from './organization-import';
export type { AdminActionOptions, AdminSummary, PersonSummary } from './people-records';

/** A unit's name and its ancestors' ids, root first. */
export interface UnitLineage {
  name: string;
  ancestorIds: string[];
}

export interface ResolvedRoute {
  steps: { mode: ApprovalMode; approverIds: Types.ObjectId[]; backupApproverIds: Types.ObjectId[] }[];
  ccIds: Types.ObjectId[];
}

export interface PeopleServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  logger?: Logger;
  accounts?: AccountDirectory;
  /** Told of the people an import marked as no longer in post, so their pending approvals move on. */
  onPeopleLeft?: (personIds: string[], options: AdminActionOptions) => Promise<void>;
  /** Told of the people in post an import took the admin role from, so their API sessions end. */
  onAdminRoleRemoved?: (personIds: string[], options: AdminActionOptions) => Promise<void>;
}

/**
 * How long people, units, routes, bindings and delegations read for chat messages are reused. Changes
 * made through this service take effect at once in this process; another process (the API beside the
 * bot) sees them within this time.
 */
export const organizationCacheTtlMs = 60_000;

/**
 * How long an API viewer (the person with what they may see) is reused between requests: an admin's
 * page makes several requests at once, and re-reading the person and their unit subtree for each cost
 * more than the request's own query. Kept short because it gates access: a change made through this
 * service applies at once in this process, one made in another process (the CLI, a second API) within
 * this time. Ended sessions (logout, refresh-token reuse) are checked fresh on every request.
 */
export const viewerCacheTtlMs = 5_000;

export class PeopleService {
  private readonly personByIdentity: TtlCache<PersonSummary | null>;
  private readonly personById: TtlCache<PersonSummary | null>;
  private readonly unitNameById: TtlCache<string>;
  private readonly routes: TtlCache<ResolvedRoute>;
  private readonly delegators: TtlCache<string[]>;
  private readonly contactIds: TtlCache<string[]>;
  private readonly viewers: TtlCache<Viewer | null>;

  private readonly organizationImport: OrganizationImport;
  private readonly identityBindings: IdentityBindings;

  constructor(private readonly dependencies: PeopleServiceDependencies) {
    this.organizationImport = new OrganizationImport(dependencies);
    this.identityBindings = new IdentityBindings(dependencies);
    const cache = <V>() => new TtlCache<V>(organizationCacheTtlMs, dependencies.clock);
    this.personByIdentity = cache();
    this.personById = cache();
    this.unitNameById = cache();
    this.routes = cache();
    this.delegators = cache();
    this.contactIds = cache();
    this.viewers = new TtlCache<Viewer | null>(viewerCacheTtlMs, dependencies.clock);
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
      this.viewers,
    ]) {
      cache.clear();
    }
  }
  /** Imports the organization file; see OrganizationImport. */
  async importOrganization(
    content: string,
    format: OrganizationFileFormat,
    options: AdminActionOptions,
  ): Promise<ImportSummary> {
    const { leftIds, adminRemovedIds, ...summary } = await this.organizationImport.importOrganization(
      content,
      format,
      options,
    );
    this.forgetOrganization();
    if (leftIds.length > 0) await this.dependencies.onPeopleLeft?.(leftIds, options);
    if (adminRemovedIds.length > 0) await this.dependencies.onAdminRoleRemoved?.(adminRemovedIds, options);
    return summary;
  }

  /** A one-time code with which the person binds their chat identity; see IdentityBindings. */
  createBindCode(
    personReference: string,
    options: AdminActionOptions,
  ): Promise<{ code: string; expiresAt: Date; person: PersonSummary }> {
    return this.identityBindings.createBindCode(personReference, options);
  }

  /** Binds a chat identity with a bind code; see IdentityBindings. */
  async bindChatIdentity(input: { code: string; provider: string; externalId: string }): Promise<PersonSummary> {
    const person = await this.identityBindings.bindIdentity('chat', input);
    this.forgetOrganization();
    return person;
  }

  /** A 10-minute code with which the person binds the mini-program (asked for with `小程序绑定` in chat). */
  createMiniProgramBindCode(personId: string): Promise<{ code: string; expiresAt: Date; person: PersonSummary }> {
    return this.identityBindings.createBindCode(personId, { byId: personId, via: 'chat' }, 'mini-program');
  }

  bindMiniProgram(input: { code: string; provider: string; externalId: string }): Promise<PersonSummary> {
    return this.identityBindings.bindIdentity('mini-program', input);
  }

  findMiniProgramPerson(provider: string, openid: string): Promise<PersonSummary | null> {
    return this.identityBindings.findPersonByIdentity('mini-program', provider, openid);
  }

  /** The person's own `解绑` in chat; null when this chat identity was not bound. */
  async unbindChatIdentity(provider: string, externalId: string): Promise<PersonSummary | null> {
    const person = await this.identityBindings.unbindChatIdentity(provider, externalId);
    this.forgetOrganization();
    return person;
  }

  /** An admin releases every identity of a person (who left); returns how many were bound. */
  async unbindPerson(personId: string, options: AdminActionOptions): Promise<number> {
    const count = await this.identityBindings.unbindPerson(personId, options);
    this.forgetOrganization();
    return count;
  }

  /** Who is asking through the API, with what they may see (see viewer-scope.ts), reused for `viewerCacheTtlMs`. */
  findViewer(personId: string): Promise<Viewer | null> {
    return this.viewers.get(personId, () => findViewer(personId));
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
      actor: adminActor({ byId: input.byId, via: input.via }),
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

  /**
   * Ends a delegation early: from now on the delegate no longer decides for the person. `until` moves
   * to now (the record keeps when it was meant to end in the audit event).
   */
  async cancelDelegation(delegationId: string, options: AdminActionOptions): Promise<Delegation> {
    const id = toObjectId(delegationId, invalidId('代理'));
    const delegation = await DelegationModel.findById(id).lean<Delegation>();
    const now = this.dependencies.clock.now();
    if (!delegation || delegation.until.getTime() <= now.getTime()) {
      throw new NotFoundError('DELEGATION_NOT_FOUND', '找不到该代理，或它已经结束');
    }
    const cancelledById = toObjectIdOrNull(options.byId, invalidId('操作人'));
    await DelegationModel.updateOne({ _id: id }, { $set: { until: now, cancelledAt: now, cancelledById } });
    await this.dependencies.audit.append({
      key: `delegation.cancelled:${String(id)}`,
      actor: adminActor(options),
      action: 'delegation.cancelled',
      subject: { type: 'person', id: String(delegation.personId) },
      details: {
        delegationId: String(id),
        delegateId: String(delegation.delegateId),
        plannedUntil: delegation.until.toISOString(),
      },
    });
    this.forgetOrganization();
    return { ...delegation, until: now, cancelledAt: now, cancelledById };
  }

  /** The delegations a person gave that have not ended, for `取消代理` in chat. */
  currentDelegationsOf(personId: string): Promise<Delegation[]> {
    const now = this.dependencies.clock.now();
    return DelegationModel.find({ personId: toObjectId(personId, invalidId('人员')), until: { $gt: now } })
      .sort({ from: 1 })
      .lean<Delegation[]>();
  }

  /**
   * `取消代审 [姓名]` in chat: the person on leave, or their delegate, ends the delegations between them
   * early (planned ones too). Returns what ended, for the reply and a note to the other person.
   */
  async endOwnDelegations(personId: string, otherName: string, via: string): Promise<DelegationInvolvement[]> {
    const id = toObjectId(personId, invalidId('人员'));
    const now = this.dependencies.clock.now();
    const [given, held] = await Promise.all([
      DelegationModel.find({ personId: id, until: { $gt: now } }).lean<Delegation[]>(),
      DelegationModel.find({ delegateId: id, until: { $gt: now } }).lean<Delegation[]>(),
    ]);
    const otherIds = [...given.map((d) => d.delegateId), ...held.map((d) => d.personId)];
    const others = await PersonModel.find({ _id: { $in: otherIds } }, { name: 1 }).lean();
    const nameOf = (other: Types.ObjectId) =>
      others.find((person) => person._id.equals(other))?.name ?? '（已删除人员）';
    const involved: DelegationInvolvement[] = [
      ...given.map((d) => ({
        id: String(d._id),
        side: 'gave' as const,
        otherId: String(d.delegateId),
        otherName: nameOf(d.delegateId),
      })),
      ...held.map((d) => ({
        id: String(d._id),
        side: 'holds' as const,
        otherId: String(d.personId),
        otherName: nameOf(d.personId),
      })),
    ];
    if (involved.length === 0) throw new NotFoundError('DELEGATION_NOT_FOUND', '您目前没有进行中或待生效的代审安排');
    const choice = chooseDelegationsToEnd(involved, normalizeText(otherName));
    if (choice.kind === 'none') {
      throw new NotFoundError(
        'DELEGATION_NOT_FOUND',
        `您与“${choice.name}”之间没有进行中的代审安排。目前有：${unique(involved.map((d) => d.otherName)).join('、')}`,
      );
    }
    if (choice.kind === 'ambiguous') {
      throw new ValidationError(
        'DELEGATION_AMBIGUOUS',
        `您有多项代审安排（${choice.names.join('、')}），请写明结束哪一项，例如“取消代审 ${choice.names[0]}”`,
      );
    }
    for (const delegation of choice.delegations) await this.cancelDelegation(delegation.id, { byId: personId, via });
    return choice.delegations;
  }

  /**
   * Removes an approval route: the unit's (or account's) drafts are then routed as if it had never
   * been set (an account's route falls back to its unit's, a unit's to its main leader). Drafts already
   * in review keep the steps they were given.
   */
  async removeApprovalRoute(routeId: string, options: AdminActionOptions): Promise<ApprovalRoute> {
    const id = toObjectId(routeId, invalidId('审核路由'));
    const route = await ApprovalRouteModel.findById(id).lean<ApprovalRoute>();
    if (!route) throw new NotFoundError('APPROVAL_ROUTE_NOT_FOUND', '找不到该审核路由，可能已被删除');
    await ApprovalRouteModel.deleteOne({ _id: id });
    await this.dependencies.audit.append({
      key: `approval-route.removed:${String(id)}`,
      actor: adminActor(options),
      action: 'approval-route.removed',
      subject: { type: 'approval-route', id: String(id) },
      details: {
        unitId: String(route.unitId),
        accountId: route.accountId ? String(route.accountId) : null,
        steps: route.steps.map((step) => ({
          mode: step.mode,
          approverIds: step.approverIds.map(String),
          backupApproverIds: step.backupApproverIds.map(String),
        })),
        ccIds: route.ccIds.map(String),
      },
    });
    this.forgetOrganization();
    return route;
  }

  /** Who stands in for `personId` at `at` by a delegation (the one set last, where several are in force); null for none. */
  async delegateOf(personId: string, at: Date): Promise<string | null> {
    if (!Types.ObjectId.isValid(personId)) return null;
    const open = await DelegationModel.find({ personId: new Types.ObjectId(personId), until: { $gt: at } }).lean();
    const inForce = open
      .filter((delegation) => delegation.from.getTime() <= at.getTime())
      .sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime());
    return inForce.length ? String(inForce.at(-1)?.delegateId) : null;
  }

  /** Of `ids`, the people on record as active (not marked as left). */
  async activePersonIds(ids: string[]): Promise<Set<string>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Set();
    const active = await PersonModel.find({ _id: { $in: objectIds }, active: true }, { _id: 1 }).lean();
    return new Set(active.map((person) => String(person._id)));
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

  /** Name and ancestors (root first) of each unit, in one query; unknown ids are absent. */
  async unitLineage(unitIds: (Types.ObjectId | string)[]): Promise<Map<string, UnitLineage>> {
    const objectIds = validObjectIds(unitIds);
    if (objectIds.length === 0) return new Map();
    const units = await UnitModel.find({ _id: { $in: objectIds } }, { name: 1, ancestorIds: 1 }).lean();
    return new Map(
      units.map((unit) => [String(unit._id), { name: unit.name, ancestorIds: unit.ancestorIds.map(String) }]),
    );
  }

  /** Whether these units (an admin's scope) include a root unit: the top admin's, who looks after everything. */
  async coversWholeOrganization(unitIds: string[]): Promise<boolean> {
    const lineage = await this.unitLineage(unitIds);
    return [...lineage.values()].some((unit) => unit.ancestorIds.length === 0);
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

  /** The unit of each approval route, in one query; unknown ids (and removed routes) are absent. */
  async approvalRouteUnits(ids: string[]): Promise<Map<string, string>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Map();
    const routes = await ApprovalRouteModel.find({ _id: { $in: objectIds } }, { unitId: 1 }).lean<ApprovalRoute[]>();
    return new Map(routes.map((route) => [String(route._id), String(route.unitId)]));
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

  /** A person by id, code (编码) or a name only one person has; see findPersonRecord. */
  async findPersonByReference(reference: string): Promise<PersonSummary> {
    return toSummary(await findPersonRecord(reference));
  }
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
