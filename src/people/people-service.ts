/**
 * The people feature's one entry point: what the bot, the drafts feature and the admin CLI ask of it.
 * A thin face over its parts: lookups (people-lookups.ts), approval routes (approval-routes.ts),
 * delegations (delegations.ts), an admin's scope (admin-scope.ts), importing the organization file
 * (organization-import.ts) and binding identities (identity-bindings.ts). It owns the caches' lifetime:
 * any change made through it forgets them all. Every admin action and every binding is recorded in the
 * audit trail (R3, R9). Identity is by a stable binding (puppet name + contact id), never by display name.
 *
 * Natural keys are unique indexes (a concurrent import cannot create a unit or person twice) and a bind
 * code is spent through a claimed write (src/shared/claimed-write.ts: two people racing with one code
 * cannot both bind).
 */
import type { Types } from 'mongoose';
import { TtlCache } from '../shared/ttl-cache';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { AuditTrail } from '../audit/audit-service';
import type { ApprovalRoute } from './approval-route-model';
import type { Delegation } from './delegation-model';
import type { DelegationInvolvement } from './delegation-rules';
import type { OrganizationFileFormat } from './organization-import-rules';
import { OrganizationImport } from './organization-import';
import type { AccountDirectory, ImportSummary } from './organization-import';
import { IdentityBindings } from './identity-bindings';
import { findViewer } from './viewer-scope';
import type { Viewer } from './viewer-scope';
import { PeopleLookups } from './people-lookups';
import type { UnitLineage } from './people-lookups';
import { ApprovalRoutes } from './approval-routes';
import type { ResolvedRoute } from './approval-routes';
import { Delegations } from './delegations';
import type { DelegationRequest } from './delegations';
import { AdminScope } from './admin-scope';
import type { AdminActionOptions, AdminSummary, PersonSummary } from './people-records';

export type { AccountDirectory, ImportSummary } from './organization-import';
export type { AdminActionOptions, AdminSummary, PersonSummary } from './people-records';
export type { UnitLineage } from './people-lookups';
export type { ResolvedRoute } from './approval-routes';

export interface PeopleServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  logger?: Logger;
  accounts?: AccountDirectory;
}

/** What an import did: its summary, the people it marked as no longer in post, those it took the admin role from. */
export interface ImportedOrganization {
  summary: ImportSummary;
  leftIds: string[];
  adminRemovedIds: string[];
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
  private readonly lookups: PeopleLookups;
  private readonly approvalRoutes: ApprovalRoutes;
  private readonly delegations: Delegations;
  private readonly adminScope: AdminScope;
  private readonly viewers: TtlCache<Viewer | null>;

  private readonly organizationImport: OrganizationImport;
  private readonly identityBindings: IdentityBindings;

  constructor(dependencies: PeopleServiceDependencies) {
    this.organizationImport = new OrganizationImport(dependencies);
    this.identityBindings = new IdentityBindings(dependencies);
    const cache = <V>() => new TtlCache<V>(organizationCacheTtlMs, dependencies.clock);
    const forget = () => this.forgetOrganization();
    this.lookups = new PeopleLookups(cache);
    this.approvalRoutes = new ApprovalRoutes(dependencies, cache, forget);
    this.delegations = new Delegations(dependencies, cache, forget);
    this.adminScope = new AdminScope(this.lookups);
    this.viewers = new TtlCache<Viewer | null>(viewerCacheTtlMs, dependencies.clock);
  }

  /** Forgets everything cached: after any change to the organisation made here. */
  private forgetOrganization(): void {
    this.lookups.forget();
    this.approvalRoutes.forget();
    this.delegations.forget();
    this.viewers.clear();
  }

  /** Imports the organization file; see OrganizationImport. */
  /**
   * Imports the organization file alone and answers its summary. An admin's import goes through the
   * import use case (src/people/import-organization.ts), which also moves the leavers' approvals on.
   */
  async importOrganization(
    content: string,
    format: OrganizationFileFormat,
    options: AdminActionOptions,
  ): Promise<ImportSummary> {
    return (await this.importOrganizationFile(content, format, options)).summary;
  }

  /** Imports the organization file; answers its summary and the people it changed in post or role. */
  async importOrganizationFile(
    content: string,
    format: OrganizationFileFormat,
    options: AdminActionOptions,
  ): Promise<ImportedOrganization> {
    const { leftIds, adminRemovedIds, ...summary } = await this.organizationImport.importOrganization(
      content,
      format,
      options,
    );
    this.forgetOrganization();
    return { summary, leftIds, adminRemovedIds };
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

  // Lookups: see PeopleLookups.

  findPersonByChatIdentity(provider: string, externalId: string): Promise<PersonSummary | null> {
    return this.lookups.findPersonByChatIdentity(provider, externalId);
  }

  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonSummary>> {
    return this.lookups.findPeople(ids);
  }

  chatIdentitiesOf(personIds: (Types.ObjectId | string)[], provider: string): Promise<Map<string, string[]>> {
    return this.lookups.chatIdentitiesOf(personIds, provider);
  }

  findPersonByName(name: string): Promise<PersonSummary[]> {
    return this.lookups.findPersonByName(name);
  }

  findPersonByReference(reference: string): Promise<PersonSummary> {
    return this.lookups.findPersonByReference(reference);
  }

  activePersonIds(ids: string[]): Promise<Set<string>> {
    return this.lookups.activePersonIds(ids);
  }

  unitName(unitId: string): Promise<string> {
    return this.lookups.unitName(unitId);
  }

  officersOf(unitId: string): Promise<PersonSummary[]> {
    return this.lookups.officersOf(unitId);
  }

  officersOfUnits(unitIds: string[]): Promise<Map<string, PersonSummary[]>> {
    return this.lookups.officersOfUnits(unitIds);
  }

  findUnitsByName(name: string): Promise<{ id: string; name: string }[]> {
    return this.lookups.findUnitsByName(name);
  }

  unitLineage(unitIds: (Types.ObjectId | string)[]): Promise<Map<string, UnitLineage>> {
    return this.lookups.unitLineage(unitIds);
  }

  personReach(ids: string[]): Promise<Map<string, { unitIds: string[]; adminScopeUnitIds: string[] }>> {
    return this.lookups.personReach(ids);
  }

  miniProgramPeople(provider: string, openids: string[]): Promise<Map<string, string>> {
    return this.lookups.miniProgramPeople(provider, openids);
  }

  setupProgress(provider: string): Promise<{ people: number; bound: number }> {
    return this.lookups.setupProgress(provider);
  }

  // Approval routes: see ApprovalRoutes.

  resolveRoute(input: { unitId: string; accountId?: string | null; submitterId: string }): Promise<ResolvedRoute> {
    return this.approvalRoutes.resolveRoute(input);
  }

  removeApprovalRoute(routeId: string, options: AdminActionOptions): Promise<ApprovalRoute> {
    return this.approvalRoutes.removeApprovalRoute(routeId, options);
  }

  approvalRouteUnits(ids: string[]): Promise<Map<string, string>> {
    return this.approvalRoutes.approvalRouteUnits(ids);
  }

  // Delegations: see Delegations.

  setDelegation(input: DelegationRequest): Promise<void> {
    return this.delegations.setDelegation(input);
  }

  cancelDelegation(delegationId: string, options: AdminActionOptions): Promise<Delegation> {
    return this.delegations.cancelDelegation(delegationId, options);
  }

  currentDelegationsOf(personId: string): Promise<Delegation[]> {
    return this.delegations.currentDelegationsOf(personId);
  }

  endOwnDelegations(personId: string, otherName: string, via: string): Promise<DelegationInvolvement[]> {
    return this.delegations.endOwnDelegations(personId, otherName, via);
  }

  delegateOf(personId: string, at: Date): Promise<string | null> {
    return this.delegations.delegateOf(personId, at);
  }

  delegatorsOf(delegateId: string, at: Date): Promise<string[]> {
    return this.delegations.delegatorsOf(delegateId, at);
  }

  // An admin's scope: see AdminScope.

  adminsOf(unitId?: string): Promise<PersonSummary[]> {
    return this.adminScope.adminsOf(unitId);
  }

  activeAdmins(): Promise<AdminSummary[]> {
    return this.adminScope.activeAdmins();
  }

  findAdmin(personId: string): Promise<AdminSummary | null> {
    return this.adminScope.findAdmin(personId);
  }

  adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean> {
    return this.adminScope.adminCoversUnit(admin, unitId);
  }

  adminMayActOn(admin: Pick<AdminSummary, 'scopeUnitIds'>, personId: string): Promise<boolean> {
    return this.adminScope.adminMayActOn(admin, personId);
  }

  adminCoversPerson(admin: Pick<AdminSummary, 'scopeUnitIds'>, personId: string): Promise<boolean> {
    return this.adminScope.adminCoversPerson(admin, personId);
  }

  findPersonForAdmin(reference: string, admin: Pick<AdminSummary, 'scopeUnitIds'>): Promise<PersonSummary> {
    return this.adminScope.findPersonForAdmin(reference, admin);
  }

  coversWholeOrganization(unitIds: string[]): Promise<boolean> {
    return this.adminScope.coversWholeOrganization(unitIds);
  }

  unitsWithin(scopeUnitIds: string[]): Promise<string[]> {
    return this.adminScope.unitsWithin(scopeUnitIds);
  }
}
