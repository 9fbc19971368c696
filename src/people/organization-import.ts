/**
 * Imports the organization file (units, people, approval routes) into the records, idempotently, with
 * an audit event per created or changed record. Natural keys are unique indexes, so a concurrent
 * import cannot create a unit or person twice.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from '../shared/logger';
import { ConflictError } from '../shared/errors';
import type { AuditEventInput, AuditTrail } from '../audit/audit-service';
import { UnitModel } from './unit-model';
import type { Unit } from './unit-model';
import { PersonModel } from './person-model';
import type { Person, PersonRole } from './person-model';
import { ApprovalRouteModel } from './approval-route-model';
import type { ApprovalRoute } from './approval-route-model';
import { organizationFileError } from './organization-file-schema';
import { parseOrganizationFile } from './organization-import-rules';
import type { NormalizedOrganization, OrganizationFileFormat } from './organization-import-rules';
import { adminActor } from './people-records';
import { losesAdminRole } from './admin-scope-rules';
import type { AdminActionOptions } from './people-records';
import { bindWecomUserIds, checkWecomUserIds } from './wecom-identity-import';
import type { Clock } from '../shared/clock';

/**
 * Finds the account an organization file names for a per-account route. The account registry owns
 * accounts; whoever wires this service passes its lookup in.
 */
export interface AccountDirectory {
  /** The id of the unit's open account with this name (or platform key), or null. */
  findAccountId(unitId: string, reference: string): Promise<string | null>;
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

export class OrganizationImport {
  constructor(
    private readonly dependencies: { audit: AuditTrail; clock: Clock; logger?: Logger; accounts?: AccountDirectory },
  ) {}

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
  ): Promise<ImportSummary & { leftIds: string[]; adminRemovedIds: string[] }> {
    const organization = parseOrganizationFile(content, format);
    const actor = adminActor(options);
    const accountIds = await this.findRouteAccounts(organization);
    await checkWecomUserIds(organization);
    const createdIds = new Set<string>();
    const updatedIds = new Set<string>();
    // People this import marks as no longer in post (在职 = 否): their pending approvals move on.
    const leftIds: string[] = [];
    const record: RecordChange = async (action, type, id, details) => {
      const changed = Array.isArray(details.changed) ? details.changed : [];
      if (action === 'person.updated' && changed.includes('active') && details.active === false) {
        leftIds.push(String(id));
      }
      // A record created by this import and completed later in it (a unit's main leader) counts as created only.
      if (action.endsWith('.created')) createdIds.add(String(id));
      else if (!createdIds.has(String(id))) updatedIds.add(String(id));
      await this.dependencies.audit.append({ actor, action, subject: { type, id: String(id) }, details });
    };

    const unitIds = await this.importUnits(organization, record);
    const { ids: personIds, adminRemovedIds } = await this.importPeople(organization, unitIds, record);
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
    this.dependencies.logger?.info(summary, 'organization imported');
    return { ...summary, leftIds, adminRemovedIds };
  }

  /**
   * A one-time code (6 digits, valid 24 h) with which `personReference` binds their chat identity.
   * The reference is a person id, a code (编码) or a name that only one person has. A new code voids the
   * person's earlier unused codes. Only a hash of the code is stored; the code is returned once.

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
  ): Promise<{ ids: Map<string, Types.ObjectId>; adminRemovedIds: string[] }> {
    const fileKeys = new Set(organization.people.map((person) => person.importKey));
    const lookupKeys = organization.people.flatMap((person) =>
      person.code && !fileKeys.has(person.nameKey) ? [person.importKey, person.nameKey] : [person.importKey],
    );
    const existing = await PersonModel.find({ importKey: { $in: lookupKeys } }).lean();
    const byKey = new Map(existing.map((person) => [person.importKey, person]));
    const ids = new Map<string, Types.ObjectId>();
    // People in post whose admin role this import takes away: their API sessions end.
    const adminRemovedIds: string[] = [];
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
        if (losesAdminRole(stored, desired)) adminRemovedIds.push(String(stored._id));
      }
      ids.set(person.importKey, stored._id);
    }
    return { ids, adminRemovedIds };
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
  type: AuditEventInput['subject']['type'],
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
