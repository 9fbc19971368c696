import {
  adminMayActOnPerson,
  adminScopeOf,
  isActiveAdmin,
  losesAdminRole,
  scopeCoversPerson,
  scopeCoversUnit,
} from '../../../src/people/admin-scope-rules';
import type { PersonPlace, UnitPlace } from '../../../src/people/admin-scope-rules';

describe("an admin's scope", () => {
  const county = 'county';
  const office = 'office';
  const town = { id: 'town', ancestorIds: [county] };
  const townOffice = { id: 'town-office', ancestorIds: [county, 'town'] };

  test.each([
    [
      'the unit named as theirs covers itself and everything below it',
      { adminOfUnitId: county, unitIds: [office] },
      [true, true],
    ],
    ['a unit below covers only its own branch', { adminOfUnitId: 'town', unitIds: [] }, [true, true]],
    ['without a named unit, their own units are the scope', { adminOfUnitId: null, unitIds: [office] }, [false, false]],
    [
      'without a named unit or a unit of their own, nothing is covered',
      { adminOfUnitId: null, unitIds: [] },
      [false, false],
    ],
  ])('when %s', (_, admin, [coversTown, coversTownOffice]) => {
    const scope = adminScopeOf(admin);
    expect(scopeCoversUnit(scope, town)).toBe(coversTown);
    expect(scopeCoversUnit(scope, townOffice)).toBe(coversTownOffice);
  });

  test('when the admin looks after a town, then a sibling department is outside', () => {
    expect(
      scopeCoversUnit(adminScopeOf({ adminOfUnitId: 'town', unitIds: [] }), { id: office, ancestorIds: [county] }),
    ).toBe(false);
  });
});

describe('whom an admin may act on', () => {
  const county: UnitPlace = { id: 'county', ancestorIds: [] };
  const office: UnitPlace = { id: 'office', ancestorIds: ['county'] };
  const town: UnitPlace = { id: 'town', ancestorIds: ['county'] };
  const townOffice: UnitPlace = { id: 'town-office', ancestorIds: ['county', 'town'] };
  const officer = (...units: UnitPlace[]): PersonPlace => ({ units, adminScope: [] });
  const admin = (root: UnitPlace, ...units: UnitPlace[]): PersonPlace => ({ units, adminScope: [root] });

  // [the target, whether the admin may act on them, the admin's scope, the target's place]
  test.each([
    ['an officer of a unit below the scope', true, ['town'], officer(townOffice)],
    ["an officer of the scope's own unit", true, ['town'], officer(town)],
    ['an officer of a sibling unit', false, ['town'], officer(office)],
    ['an officer with one unit inside and one outside', false, ['town'], officer(townOffice, office)],
    ['a person with no unit', false, ['county'], officer()],
    ['an admin of a unit below', true, ['town'], admin(townOffice, townOffice)],
    ['an admin of the same unit, or the admin themselves', false, ['town'], admin(town, town)],
    ["the top admin, who sits in a unit of a branch admin's scope", false, ['office'], admin(county, office)],
    ['an admin whose own unit is inside but who looks after a wider one', false, ['town'], admin(county, townOffice)],
    ['a branch admin, for the top admin', true, ['county'], admin(town, town)],
    ['the top admin, for the top admin', false, ['county'], admin(county, office)],
  ])('when the target is %s, then the admin may act on them: %p', (_, allowed, scope, target) => {
    expect(adminMayActOnPerson(scope, target)).toBe(allowed);
  });

  test('when an admin of equal scope is named (as a delegate), then their units are within the scope though they may not be acted on', () => {
    const peer = admin(town, town);
    expect(scopeCoversPerson(['town'], peer)).toBe(true);
    expect(adminMayActOnPerson(['town'], peer)).toBe(false);
  });
});

describe('losing the admin role (what ends API sessions after an import)', () => {
  const admin = { active: true, roles: ['leader', 'admin'] };
  test.each([
    ['the role is taken and they stay in post', admin, { active: true, roles: ['leader'] }, true],
    ['they keep the role', admin, { active: true, roles: ['admin'] }, false],
    [
      'they are marked as left (told apart: their approvals move on as well)',
      admin,
      { active: false, roles: [] },
      false,
    ],
    ['they had left already', { active: false, roles: ['admin'] }, { active: true, roles: ['officer'] }, false],
    ['they were never an admin', { active: true, roles: ['officer'] }, { active: true, roles: ['leader'] }, false],
  ])('when %s', (_, before, after, loses) => {
    expect(losesAdminRole(before, after)).toBe(loses);
  });

  test('when a person is in post with the admin role, then they are an admin; otherwise not', () => {
    expect(
      [admin, { active: false, roles: ['admin'] }, { active: true, roles: ['officer'] }].map(isActiveAdmin),
    ).toEqual([true, false, false]);
  });
});
