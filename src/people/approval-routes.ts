/**
 * Approval routes: which steps and approvers a draft of a unit (and account) goes through, resolved by
 * the pure approval-route-rules from the unit tree and the routes set, and cached per unit, account and
 * submitter; and removing a route (recorded in the audit trail).
 */
import { Types } from 'mongoose';
import type { TtlCache } from '../shared/ttl-cache';
import { NotFoundError } from '../shared/errors';
import { toObjectId } from '../shared/ids';
import type { AuditTrail } from '../audit/audit-service';
import { UnitModel } from './unit-model';
import type { Unit } from './unit-model';
import { PersonModel } from './person-model';
import { ApprovalRouteModel } from './approval-route-model';
import type { ApprovalMode, ApprovalRoute } from './approval-route-model';
import { resolveApprovalRoute } from './approval-route-rules';
import type { RouteDefinition, UnitNode } from './approval-route-rules';
import { adminActor, invalidId, unitNotFound, validObjectIds } from './people-records';
import type { AdminActionOptions } from './people-records';

export interface ResolvedRoute {
  steps: { mode: ApprovalMode; approverIds: Types.ObjectId[]; backupApproverIds: Types.ObjectId[] }[];
  ccIds: Types.ObjectId[];
}

export class ApprovalRoutes {
  private readonly routes: TtlCache<ResolvedRoute>;

  constructor(
    private readonly dependencies: { audit: AuditTrail },
    organizationCache: <V>() => TtlCache<V>,
    /** Forgets everything PeopleService cached, after a change made here. */
    private readonly forgetOrganization: () => void,
  ) {
    this.routes = organizationCache();
  }

  /** Forgets the routes cached (after a change to the organisation). */
  forget(): void {
    this.routes.clear();
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
      // The route as it was (unit, account, steps, cc), so the trail can show what was removed.
      details: { ...toRouteDefinition(route) },
    });
    this.forgetOrganization();
    return route;
  }

  /** The unit of each approval route, in one query; unknown ids (and removed routes) are absent. */
  async approvalRouteUnits(ids: string[]): Promise<Map<string, string>> {
    const objectIds = validObjectIds(ids);
    if (objectIds.length === 0) return new Map();
    const routes = await ApprovalRouteModel.find({ _id: { $in: objectIds } }, { unitId: 1 }).lean<ApprovalRoute[]>();
    return new Map(routes.map((route) => [String(route._id), String(route.unitId)]));
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
