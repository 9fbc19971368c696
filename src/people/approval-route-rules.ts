/**
 * Which steps of approval a draft goes through (R1): route resolution and "nobody approves their own draft". Pure.
 */
import { ConflictError } from '../shared/errors';
import type { ApprovalMode } from './approval-route-model';
import { unique } from '../shared/unique';

export interface UnitNode {
  id: string;
  parentId: string | null;
  mainLeaderId: string | null;
}

export interface RouteStepIds {
  mode: ApprovalMode;
  approverIds: string[];
  backupApproverIds: string[];
}

export interface RouteDefinition {
  unitId: string;
  accountId: string | null;
  steps: RouteStepIds[];
  ccIds: string[];
}

export interface RouteResolutionInput {
  unitId: string;
  accountId?: string | null;
  submitterId: string;
  /** The draft's unit and its ancestors (more is fine). */
  units: ReadonlyMap<string, UnitNode>;
  /** The routes configured for the draft's unit (others are ignored). */
  routes: readonly RouteDefinition[];
  /** People who may not approve any more (left, deactivated): treated as if absent. */
  inactivePersonIds?: ReadonlySet<string>;
}

export interface ResolvedRouteIds {
  steps: RouteStepIds[];
  ccIds: string[];
}

export class RouteHasNoApproverError extends ConflictError {
  constructor() {
    super(
      'ROUTE_HAS_NO_APPROVER',
      '找不到可以审核这篇稿件的领导（投稿人不能审核自己的稿件，本单位及上级单位也没有其他主要领导），请联系管理员配置审核路由',
    );
  }
}

/**
 * The steps a draft goes through (R1):
 * 1. the route configured for (unit, account), else for the unit, else one 或签 step with the unit's main
 *    leader (the nearest one up the tree when the unit has none);
 * 2. nobody approves their own draft: the submitter (and anyone inactive) is removed from every step,
 *    from the backups and from the cc list;
 * 3. a step left without approvers goes to the next approver up: the nearest main leader, from the
 *    draft's unit upwards, who is not the submitter. If that leader already approves another step, the
 *    emptied step is dropped instead (they review the draft there, not twice); otherwise they are taken
 *    off the backups of the other steps for the same reason;
 * 4. when no step is left → ROUTE_HAS_NO_APPROVER.
 */
export function resolveApprovalRoute(input: RouteResolutionInput): ResolvedRouteIds {
  const inactive = input.inactivePersonIds ?? new Set<string>();
  const eligible = (personId: string) => personId !== input.submitterId && !inactive.has(personId);
  const accountId = input.accountId ?? null;
  const configured =
    (accountId && input.routes.find((route) => route.unitId === input.unitId && route.accountId === accountId)) ||
    input.routes.find((route) => route.unitId === input.unitId && route.accountId === null);
  const template: RouteStepIds[] = configured
    ? configured.steps
    : [{ mode: 'any', approverIds: [], backupApproverIds: [] }];

  const steps = template.map((step) => {
    const approverIds = unique(step.approverIds).filter(eligible);
    return {
      mode: step.mode,
      approverIds,
      backupApproverIds: unique(step.backupApproverIds).filter((id) => eligible(id) && !approverIds.includes(id)),
    };
  });

  const resolved: RouteStepIds[] = [];
  const escalated = new Set<string>();
  steps.forEach((step, index) => {
    if (step.approverIds.length > 0) {
      resolved.push(step);
      return;
    }
    const leader = nextLeaderUp(input.unitId, input.units, eligible);
    if (!leader) return;
    const approvesElsewhere = [...resolved, ...steps.slice(index + 1)].some((other) =>
      other.approverIds.includes(leader),
    );
    if (approvesElsewhere) return;
    escalated.add(leader);
    resolved.push({
      mode: step.mode,
      approverIds: [leader],
      backupApproverIds: step.backupApproverIds.filter((id) => id !== leader),
    });
  });
  if (resolved.length === 0) throw new RouteHasNoApproverError();

  // A leader who took an emptied step reviews the draft once: not again as another step's backup.
  const routeSteps = resolved.map((step) =>
    step.approverIds.some((id) => escalated.has(id))
      ? step
      : { ...step, backupApproverIds: step.backupApproverIds.filter((id) => !escalated.has(id)) },
  );
  return { steps: routeSteps, ccIds: unique(configured?.ccIds ?? []).filter(eligible) };
}

/** The nearest main leader from `unitId` upwards (the unit itself first) who passes `eligible`. */
export function nextLeaderUp(
  unitId: string,
  units: ReadonlyMap<string, UnitNode>,
  eligible: (personId: string) => boolean,
): string | null {
  const visited = new Set<string>();
  for (let unit = units.get(unitId); unit && !visited.has(unit.id); unit = units.get(unit.parentId ?? '')) {
    visited.add(unit.id);
    if (unit.mainLeaderId && eligible(unit.mainLeaderId)) return unit.mainLeaderId;
  }
  return null;
}
