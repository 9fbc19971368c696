/**
 * Which audit events an admin may read (GET /audit/events and the audit export decide the same way):
 * every subject type the system writes, with whose it is; a type not listed here is never shown. The
 * top admin (whose scope holds a root unit) reads everything; a branch admin reads about a subject only
 * when it belongs to the units they look after. Pure: the facts about each subject are loaded by
 * audit-visibility.ts.
 */
import type { ViewerScope } from '../people/viewer-scope';

/**
 * Each subject type and whose it is: a draft's (the drafts feature's own rule, draft-access-rules, as
 * for the draft's timeline and the drafts export), a unit's (the unit the record belongs to), a
 * person's, or the whole organisation's (the top admin only). `AuditTrail.append` takes only these
 * types, so an event cannot be written about a subject no rule covers.
 */
export const auditSubjectOwners = {
  draft: 'draft',
  account: 'unit',
  'annual-review': 'unit',
  'approval-route': 'unit',
  // A public inquiry: the unit of the account it was sent to.
  inquiry: 'unit',
  unit: 'unit',
  // Bindings, bind codes, delegations and mini-program sessions are recorded under the person.
  person: 'person',
  // A refused mini-program login, by openid: the person the openid is bound to, if anyone.
  'mini-program': 'person',
  organization: 'organization',
  'annual-review-cycle': 'organization',
  'calendar-day': 'organization',
  export: 'organization',
} as const satisfies Record<string, 'draft' | 'unit' | 'person' | 'organization'>;

export type AuditSubjectType = keyof typeof auditSubjectOwners;
type OwnerOf<T extends AuditSubjectType> = (typeof auditSubjectOwners)[T];
/** The types whose events only the top admin reads. */
export type OrganizationSubjectType = {
  [T in AuditSubjectType]: OwnerOf<T> extends 'organization' ? T : never;
}[AuditSubjectType];

/** What decides who may read about one subject, loaded from the feature that owns it. */
export type AuditSubjectFacts =
  /** The drafts feature's verdict, reached where the drafts are read. */
  | { owner: 'draft'; visible: boolean }
  | { owner: 'unit'; unitIds: string[] }
  | { owner: 'person'; personId: string; unitIds: string[]; adminScopeUnitIds: string[] };

export interface AuditReader {
  scope: ViewerScope;
  /** The top admin: their scope holds a root unit (one with no ancestors). */
  wholeOrganization: boolean;
}

export function isAuditSubjectType(type: string): type is AuditSubjectType {
  return Object.hasOwn(auditSubjectOwners, type);
}

export function isOrganizationSubject(type: AuditSubjectType): type is OrganizationSubjectType {
  return auditSubjectOwners[type] === 'organization';
}

/**
 * Whether `reader` may read the events about a subject of `type`, given its facts (null when the
 * subject is unknown or gone). A person's events (bindings, logins, delegations) are readable only by
 * an admin whose scope covers all of the person's units and the units the person looks after, so a
 * branch admin cannot read about the admin above them; everyone reads their own.
 */
export function auditSubjectVisible(reader: AuditReader, type: string, facts: AuditSubjectFacts | null): boolean {
  if (!isAuditSubjectType(type)) return false;
  if (reader.wholeOrganization) return true;
  if (!facts || facts.owner !== auditSubjectOwners[type]) return false;
  const inScope = (unitIds: string[]) => unitIds.every((unitId) => reader.scope.adminUnitIds.includes(unitId));
  switch (facts.owner) {
    case 'draft':
      return facts.visible;
    case 'unit':
      return facts.unitIds.length > 0 && inScope(facts.unitIds);
    case 'person':
      return (
        facts.personId === reader.scope.personId ||
        (facts.unitIds.length > 0 && inScope(facts.unitIds) && inScope(facts.adminScopeUnitIds))
      );
  }
}
