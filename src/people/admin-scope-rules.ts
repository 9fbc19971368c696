/** Which units an admin looks after (管理范围), and whom they may act on. Pure. */

/** A unit with its ancestors' ids, root first. */
export interface UnitPlace {
  id: string;
  ancestorIds: readonly string[];
}

/**
 * A person as the scope rules see them: the units they belong to and, for an admin, the units they look
 * after (the roots of their scope; [] for everyone else).
 */
export interface PersonPlace {
  units: readonly UnitPlace[];
  adminScope: readonly UnitPlace[];
}

/**
 * The units an admin looks after (管理范围): the unit named as theirs to administer, or, when none is
 * named, the units they belong to. Each covers everything below it.
 */
export function adminScopeOf(admin: { adminOfUnitId: string | null; unitIds: readonly string[] }): string[] {
  return admin.adminOfUnitId ? [admin.adminOfUnitId] : [...admin.unitIds];
}

/** Whether a unit (with its ancestors, root first) lies within an admin's scope. */
export function scopeCoversUnit(scope: readonly string[], unit: UnitPlace): boolean {
  return scope.includes(unit.id) || unit.ancestorIds.some((ancestorId) => scope.includes(ancestorId));
}

/**
 * Whether every unit of the person lies within the scope: a person who also works elsewhere belongs to
 * another admin too. A person with no unit is in nobody's scope.
 */
export function scopeCoversPerson(scope: readonly string[], person: Pick<PersonPlace, 'units'>): boolean {
  return person.units.length > 0 && person.units.every((unit) => scopeCoversUnit(scope, unit));
}

/**
 * Whether an admin with this scope (its roots) may act on the person (a bind code, unbinding, their
 * delegations): the scope covers all of the person's units and, when the person is an admin, reaches
 * strictly above each root of theirs. So nobody acts on an admin of equal or wider scope, themselves
 * included: a bind code for the top admin would let a branch admin log in as her (issue 21). The
 * operator's CLI is not bound by this.
 */
export function adminMayActOnPerson(scope: readonly string[], person: PersonPlace): boolean {
  return (
    scopeCoversPerson(scope, person) &&
    person.adminScope.every((root) => root.ancestorIds.some((ancestorId) => scope.includes(ancestorId)))
  );
}

/** The admins whose scope covers the unit; every admin when none does, so nothing about a unit goes unseen. */
export function adminsCovering<A extends { scopeUnitIds: readonly string[] }>(
  admins: readonly A[],
  unit: UnitPlace,
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
