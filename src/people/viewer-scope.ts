/**
 * Who is asking, and what they may see (the API's roles, checked on every request): an admin sees the
 * units they look after and everything below; a leader the units and accounts whose approval route
 * (or main leadership) names them; everyone their own drafts. PeopleService reuses a viewer for a few
 * seconds only (viewerCacheTtlMs), so a person marked as left or stripped of a role loses access at
 * once in the process that made the change and within seconds elsewhere.
 */
import { Types } from 'mongoose';
import { isObjectIdText } from '../shared/ids';
import { UnitModel } from './unit-model';
import { PersonModel } from './person-model';
import { ApprovalRouteModel } from './approval-route-model';
import { adminScopeOf } from './admin-scope-rules';
import { toSummary } from './people-records';
import type { PersonSummary } from './people-records';

export interface ViewerScope {
  personId: string;
  /** Every unit an admin may see (the subtree of each unit they look after); [] for non-admins. */
  adminUnitIds: string[];
  /** The roots of the admin's subtrees (what `adminOf` names). */
  adminRootUnitIds: string[];
  /** Units whose whole-unit route or main leadership names this leader. */
  leaderUnitIds: string[];
  /** Accounts whose own route names this leader. */
  leaderAccountIds: string[];
}

export interface Viewer extends PersonSummary {
  isAdmin: boolean;
  scope: ViewerScope;
}

// Every route's `ctx.state.viewer` is this Viewer (see RequestViewer in the route kit).
declare module '../shared/route-kit' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface RequestViewer extends Viewer {}
}

/** The active person with what they may see; null for unknown people and people who left. */
export async function findViewer(personId: string): Promise<Viewer | null> {
  if (!isObjectIdText(personId)) return null;
  const person = await PersonModel.findById(personId).lean();
  if (!person?.active) return null;
  const summary = toSummary(person);
  const isAdmin = person.roles.includes('admin');
  const adminRootUnitIds = isAdmin
    ? adminScopeOf({
        adminOfUnitId: person.adminOfUnitId ? String(person.adminOfUnitId) : null,
        unitIds: summary.unitIds,
      })
    : [];
  const [adminUnitIds, leader] = await Promise.all([
    expandSubtrees(adminRootUnitIds),
    person.roles.includes('leader') ? leaderScope(person._id) : { unitIds: [], accountIds: [] },
  ]);
  return {
    ...summary,
    isAdmin,
    scope: {
      personId: summary.id,
      adminUnitIds,
      adminRootUnitIds,
      leaderUnitIds: leader.unitIds,
      leaderAccountIds: leader.accountIds,
    },
  };
}

/** The units and everything below them. */
export async function expandSubtrees(rootIds: string[]): Promise<string[]> {
  if (rootIds.length === 0) return [];
  const roots = rootIds.map((id) => new Types.ObjectId(id));
  const below = await UnitModel.find({ ancestorIds: { $in: roots } }, { _id: 1 }).lean();
  return [...new Set([...rootIds, ...below.map((unit) => String(unit._id))])];
}

async function leaderScope(personId: Types.ObjectId): Promise<{ unitIds: string[]; accountIds: string[] }> {
  const [led, routes] = await Promise.all([
    UnitModel.find({ mainLeaderId: personId }, { _id: 1 }).lean(),
    ApprovalRouteModel.find(
      { $or: [{ 'steps.approverIds': personId }, { 'steps.backupApproverIds': personId }] },
      { unitId: 1, accountId: 1 },
    ).lean(),
  ]);
  const unitIds = new Set(led.map((unit) => String(unit._id)));
  const accountIds = new Set<string>();
  for (const route of routes) {
    if (route.accountId) accountIds.add(String(route.accountId));
    else unitIds.add(String(route.unitId));
  }
  return { unitIds: [...unitIds], accountIds: [...accountIds] };
}
