import { adminScopeOf, isActiveAdmin, losesAdminRole, scopeCoversUnit } from '../../../src/people/admin-scope-rules';

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
