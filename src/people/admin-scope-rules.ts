/** Which units an admin looks after (管理范围). Pure. */

/**
 * The units an admin looks after (管理范围): the unit named as theirs to administer, or, when none is
 * named, the units they belong to. Each covers everything below it.
 */
export function adminScopeOf(admin: { adminOfUnitId: string | null; unitIds: readonly string[] }): string[] {
  return admin.adminOfUnitId ? [admin.adminOfUnitId] : [...admin.unitIds];
}

/** Whether a unit (with its ancestors, root first) lies within an admin's scope. */
export function scopeCoversUnit(
  scope: readonly string[],
  unit: { id: string; ancestorIds: readonly string[] },
): boolean {
  return scope.includes(unit.id) || unit.ancestorIds.some((ancestorId) => scope.includes(ancestorId));
}
/** The admins whose scope covers the unit; every admin when none does, so nothing about a unit goes unseen. */
export function adminsCovering<A extends { scopeUnitIds: readonly string[] }>(
  admins: readonly A[],
  unit: { id: string; ancestorIds: readonly string[] },
): A[] {
  const covering = admins.filter((admin) => scopeCoversUnit(admin.scopeUnitIds, unit));
  return covering.length > 0 ? covering : [...admins];
}

/** Whether a person's record makes them an admin: in post, with the admin role. */
export function isActiveAdmin(person: { active: boolean; roles: readonly string[] }): boolean {
  return person.active && person.roles.includes('admin');
}

/**
 * Whether a change to a person's record takes the admin role from someone who stays in post; one who
 * is marked as left is told apart, since their pending approvals move on as well.
 */
export function losesAdminRole(
  before: { active: boolean; roles: readonly string[] },
  after: { active: boolean; roles: readonly string[] },
): boolean {
  return isActiveAdmin(before) && after.active && !after.roles.includes('admin');
}
