import { adminScopeOf, scopeCoversUnit } from '../../../src/people/admin-scope-rules';

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
