import {
  auditSubjectOwners,
  auditSubjectVisible,
  isAuditSubjectType,
  isOrganizationSubject,
} from '../../../src/audit/audit-visibility-rules';
import type { AuditReader, AuditSubjectFacts } from '../../../src/audit/audit-visibility-rules';

/** An admin of the town (and its office below it), who is not the top admin. */
const townAdmin: AuditReader = {
  scope: {
    personId: 'town-admin',
    adminUnitIds: ['town', 'town-office'],
    adminRootUnitIds: ['town'],
    leaderUnitIds: [],
    leaderAccountIds: [],
  },
  wholeOrganization: false,
};
const topAdmin: AuditReader = {
  scope: { ...townAdmin.scope, personId: 'top-admin', adminUnitIds: ['county'], adminRootUnitIds: ['county'] },
  wholeOrganization: true,
};

const ofUnits = (...unitIds: string[]): AuditSubjectFacts => ({ owner: 'unit', unitIds });
const person = (personId: string, unitIds: string[], adminScopeUnitIds: string[] = []): AuditSubjectFacts => ({
  owner: 'person',
  personId,
  unitIds,
  adminScopeUnitIds,
});
const draft = (visible: boolean): AuditSubjectFacts => ({ owner: 'draft', visible });

describe('who may read the audit events about a subject', () => {
  test.each([
    ['an account of a unit below theirs', 'account', ofUnits('town-office'), true],
    ['an annual review of another branch', 'annual-review', ofUnits('education'), false],
    ['an approval route of their own unit', 'approval-route', ofUnits('town'), true],
    ['a unit outside their branch', 'unit', ofUnits('education'), false],
    ['a record whose unit is unknown', 'account', ofUnits(), false],
    ['a draft the drafts feature lets them see', 'draft', draft(true), true],
    ['a draft the drafts feature keeps from them', 'draft', draft(false), false],
    ['an officer of their units', 'person', person('officer', ['town-office']), true],
    ['a person in their unit and in another branch too', 'person', person('officer', ['town', 'education']), false],
    ['an admin who looks after the whole county', 'person', person('county-admin', ['town'], ['county']), false],
    ['an admin who looks after their office', 'person', person('office-admin', ['town-office'], ['town-office']), true],
    ['themselves', 'person', person('town-admin', ['town'], ['town']), true],
    ['a mini-program openid bound to someone of their units', 'mini-program', person('officer', ['town']), true],
    ['a subject gone from the database', 'approval-route', null, false],
    ['facts of another kind than the type', 'person', ofUnits('town'), false],
    ['the organisation import', 'organization', null, false],
    ['a calendar day', 'calendar-day', null, false],
    ['the annual review cycle', 'annual-review-cycle', null, false],
    ['an export', 'export', null, false],
    ['a type the system never writes', 'session', ofUnits('town'), false],
  ] as const)('when a branch admin asks about %s', (_, type, facts, visible) => {
    expect(auditSubjectVisible(townAdmin, type, facts)).toBe(visible);
  });

  test('when the top admin asks, then every type the system writes is readable, gone or not, and no other', () => {
    for (const type of Object.keys(auditSubjectOwners)) {
      expect([type, auditSubjectVisible(topAdmin, type, null)]).toEqual([type, true]);
    }
    expect(auditSubjectVisible(topAdmin, 'session', null)).toBe(false);
    expect(auditSubjectVisible(topAdmin, 'constructor', null)).toBe(false);
  });

  test('when a type is looked up, then only the listed ones are known and four are organisation-wide', () => {
    expect(isAuditSubjectType('toString')).toBe(false);
    expect(
      Object.keys(auditSubjectOwners).filter((type) => isAuditSubjectType(type) && isOrganizationSubject(type)),
    ).toEqual(['organization', 'annual-review-cycle', 'calendar-day', 'export']);
  });
});
