/**
 * Loads what audit-visibility-rules needs to know about each subject, from the features that own the
 * subjects (through the ports below, wired in src/api/), for one subject (GET /audit/events) or for
 * the batches of an export: one query per subject type per batch, and the reader's drafts once per
 * export, so a long export never costs a query per event.
 */
import type { ViewerScope } from '../people/viewer-scope';
import { auditSubjectVisible, isAuditSubjectType, isOrganizationSubject } from './audit-visibility-rules';
import type { AuditSubjectFacts, AuditSubjectType, OrganizationSubjectType } from './audit-visibility-rules';
import type { AuditSubject } from './audit-event-model';

/** A person's units, and the units they look after as an admin ([] for others). */
export interface PersonReach {
  unitIds: string[];
  adminScopeUnitIds: string[];
}

/** Look-ups by id; ids that are malformed, unknown or gone are absent from the answer. */
export interface AuditSubjectSources {
  /** Of a few drafts, those the reader may see (draft-access-rules). */
  visibleDrafts(scope: ViewerScope, ids: string[]): Promise<Set<string>>;
  /** Every draft the reader may see that was created before `until`: the drafts export's own query. */
  visibleDraftsBefore(scope: ViewerScope, until: Date): Promise<Set<string>>;
  accountUnits(ids: string[]): Promise<Map<string, string>>;
  annualReviewUnits(ids: string[]): Promise<Map<string, string>>;
  approvalRouteUnits(ids: string[]): Promise<Map<string, string>>;
  inquiryUnits(ids: string[]): Promise<Map<string, string>>;
  personReach(ids: string[]): Promise<Map<string, PersonReach>>;
  /** openid → the person it is bound to in the mini-program. */
  miniProgramPeople(openids: string[]): Promise<Map<string, string>>;
  /** Whether these units include a root unit (one with no ancestors). */
  coversWholeOrganization(unitIds: string[]): Promise<boolean>;
}

/** Of a batch of subjects, the keys (auditSubjectKey) of those the reader may see. */
export type AuditSubjectFilter = (subjects: readonly AuditSubject[]) => Promise<Set<string>>;

export function auditSubjectKey(subject: AuditSubject): string {
  return `${subject.type}\u0000${subject.id}`;
}

type FactsLoader = (ids: string[]) => Promise<Map<string, AuditSubjectFacts>>;
type FactsLoaders = Record<Exclude<AuditSubjectType, OrganizationSubjectType>, FactsLoader>;

export class AuditVisibility {
  constructor(private readonly sources: AuditSubjectSources) {}

  /**
   * The filter for one reader; whether they are the top admin is asked once, here. `exportUntil`
   * (the end of an export's range) has the reader's drafts read once, with the drafts export's query,
   * instead of batch by batch: on the embedded database a draft look-up by a list of ids reads the
   * whole collection (75 s for 100 ids among 20,000 drafts under load), as the one query does once.
   */
  async filterFor(scope: ViewerScope, options: { exportUntil?: Date } = {}): Promise<AuditSubjectFilter> {
    const reader = {
      scope,
      wholeOrganization: await this.sources.coversWholeOrganization(scope.adminRootUnitIds),
    };
    const loaders = this.loadersFor(scope, options.exportUntil);
    return async (subjects) => {
      const idsByType = new Map<string, Set<string>>();
      for (const subject of subjects) {
        idsByType.set(subject.type, (idsByType.get(subject.type) ?? new Set()).add(subject.id));
      }
      const visible = new Set<string>();
      for (const [type, ids] of idsByType) {
        const load =
          !reader.wholeOrganization && isAuditSubjectType(type) && !isOrganizationSubject(type) ? loaders[type] : null;
        const facts = load ? await load([...ids]) : new Map<string, AuditSubjectFacts>();
        for (const id of ids) {
          if (auditSubjectVisible(reader, type, facts.get(id) ?? null)) visible.add(auditSubjectKey({ type, id }));
        }
      }
      return visible;
    };
  }

  /** Whether the reader may see the events about one subject. */
  async subjectVisible(scope: ViewerScope, subject: AuditSubject): Promise<boolean> {
    const filter = await this.filterFor(scope);
    return (await filter([subject])).has(auditSubjectKey(subject));
  }

  private loadersFor(scope: ViewerScope, exportUntil: Date | undefined): FactsLoaders {
    const { sources } = this;
    let exportDrafts: Promise<Set<string>> | null = null;
    const visibleDrafts = (ids: string[]) =>
      exportUntil
        ? (exportDrafts ??= sources.visibleDraftsBefore(scope, exportUntil))
        : sources.visibleDrafts(scope, ids);
    const ofUnit = (load: (ids: string[]) => Promise<Map<string, string>>): FactsLoader => {
      return async (ids) => mapValues(await load(ids), (unitId) => ({ owner: 'unit', unitIds: [unitId] }));
    };
    const ofPeople = async (ids: string[]) =>
      mapValues(await sources.personReach(ids), (reach, personId): AuditSubjectFacts => ({
        owner: 'person',
        personId,
        ...reach,
      }));
    return {
      draft: async (ids) => {
        const visible = await visibleDrafts(ids);
        return new Map(ids.filter((id) => visible.has(id)).map((id) => [id, { owner: 'draft', visible: true }]));
      },
      account: ofUnit((ids) => sources.accountUnits(ids)),
      'annual-review': ofUnit((ids) => sources.annualReviewUnits(ids)),
      'approval-route': ofUnit((ids) => sources.approvalRouteUnits(ids)),
      inquiry: ofUnit((ids) => sources.inquiryUnits(ids)),
      unit: async (ids) => new Map(ids.map((id) => [id, { owner: 'unit', unitIds: [id] }])),
      person: ofPeople,
      'mini-program': async (openids) => {
        const people = await sources.miniProgramPeople(openids);
        const facts = await ofPeople([...new Set(people.values())]);
        return new Map(
          [...people].flatMap(([openid, personId]) => {
            const found = facts.get(personId);
            return found ? [[openid, found] as const] : [];
          }),
        );
      },
    };
  }
}

function mapValues<V, W>(map: Map<string, V>, to: (value: V, key: string) => W): Map<string, W> {
  return new Map([...map].map(([key, value]) => [key, to(value, key)]));
}
