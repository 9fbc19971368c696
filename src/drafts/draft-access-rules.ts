/**
 * Which drafts a person may see through the API (roles checked on the server, R9): an admin the drafts
 * of the units they look after; a leader the drafts of the units and accounts they approve for, and any
 * draft whose route names them; everyone their own. Pure: the scope is read by the people feature.
 */
import type { ViewerScope } from '../people/viewer-scope';

export interface DraftAccessFacts {
  unitId: string;
  accountId: string | null;
  submitterId: string;
  /** Approvers and backups of every step. */
  routePersonIds: string[];
}

export function draftVisibleTo(scope: ViewerScope, draft: DraftAccessFacts): boolean {
  return (
    draft.submitterId === scope.personId ||
    scope.adminUnitIds.includes(draft.unitId) ||
    scope.leaderUnitIds.includes(draft.unitId) ||
    (draft.accountId !== null && scope.leaderAccountIds.includes(draft.accountId)) ||
    draft.routePersonIds.includes(scope.personId)
  );
}

/**
 * The same rule as alternatives of a query (each served by its own index); ids as text. `approverIds`
 * and `backupApproverIds` are those of any step.
 */
export type DraftScopeCondition =
  | { field: 'submitterId'; ids: string[] }
  | { field: 'unitId'; ids: string[] }
  | { field: 'accountId'; ids: string[] }
  | { field: 'approverIds'; ids: string[] }
  | { field: 'backupApproverIds'; ids: string[] };

export function draftScopeConditions(scope: ViewerScope): DraftScopeCondition[] {
  const units = [...new Set([...scope.adminUnitIds, ...scope.leaderUnitIds])];
  const conditions: DraftScopeCondition[] = [
    { field: 'submitterId', ids: [scope.personId] },
    { field: 'approverIds', ids: [scope.personId] },
    { field: 'backupApproverIds', ids: [scope.personId] },
  ];
  if (units.length > 0) conditions.push({ field: 'unitId', ids: units });
  if (scope.leaderAccountIds.length > 0) conditions.push({ field: 'accountId', ids: scope.leaderAccountIds });
  return conditions;
}
