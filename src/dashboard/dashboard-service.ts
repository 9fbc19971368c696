/**
 * The dashboard: drafts by status, approval turnaround per unit over the last 30 days, the drafts
 * waiting longest, what the connected accounts published and how it compared with its approvals (R10),
 * and accounts at risk, which the account registry and cadence features provide
 * through `accountRisks` once they are wired in (until then the section is null).
 */
import type { Clock } from '../shared/clock';
import type { Viewer } from '../people/viewer-scope';
import type { Draft } from '../drafts/draft-model';
import { draftCountsByStatus, draftsApprovedSince, draftsInReviewLongest } from '../drafts/draft-reports';
import type { DraftPeople } from '../drafts/draft-service-types';
import type { AccountAtRisk, Dashboard, RegistryCountsView } from '../shared/contracts/dashboard';
import type { PublicationCountsView } from '../shared/contracts/publication-checks';
import { turnaroundByUnit } from './dashboard-rules';

/** What the registry/cadence features will provide: accounts at risk within the viewer's scope. */
export type AccountRiskProvider = (viewer: Viewer) => Promise<AccountAtRisk[]>;

export interface DashboardDependencies {
  clock: Clock;
  people: Pick<DraftPeople, 'findPeople' | 'unitName'>;
  accountRisks?: AccountRiskProvider;
  /** The registry and annual-review counts for an admin; null for other viewers. */
  registryCounts?: (viewer: Viewer) => Promise<RegistryCountsView | null>;
  /** 发布核验 of the last 30 days on the viewer's connected accounts (R10); null for viewers without accounts. */
  publicationCounts?: (viewer: Viewer) => Promise<PublicationCountsView | null>;
}

const windowDays = 30;
const waitingListLength = 10;

export class DashboardService {
  constructor(private readonly dependencies: DashboardDependencies) {}

  async build(viewer: Viewer): Promise<Dashboard> {
    const now = this.dependencies.clock.now();
    const scope = viewer.scope;
    const windowStart = new Date(now.getTime() - windowDays * 86_400_000);
    const [countsByStatus, approved, waiting, accountsAtRisk, registry, publications] = await Promise.all([
      draftCountsByStatus(scope),
      draftsApprovedSince(scope, windowStart),
      draftsInReviewLongest(scope, waitingListLength * 5),
      this.dependencies.accountRisks ? this.dependencies.accountRisks(viewer) : Promise.resolve(null),
      this.dependencies.registryCounts ? this.dependencies.registryCounts(viewer) : Promise.resolve(null),
      this.dependencies.publicationCounts ? this.dependencies.publicationCounts(viewer) : Promise.resolve(null),
    ]);

    const turnaround = turnaroundByUnit(
      approved.flatMap((draft) => {
        const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
        const approvals = draft.steps.flatMap((step) =>
          step.decisions.filter(
            (decision) => decision.decision === 'approve' && decision.versionNumber === version?.number,
          ),
        );
        const approvedAt = approvals.map((decision) => decision.decidedAt.getTime()).sort((a, b) => b - a)[0];
        if (!version || !approvedAt || approvedAt < windowStart.getTime()) return [];
        return [{ unitId: String(draft.unitId), submittedAt: version.createdAt, approvedAt: new Date(approvedAt) }];
      }),
    );

    const longest = waiting
      .map((draft) => ({ draft, since: currentVersionTime(draft) }))
      .sort((left, right) => left.since.getTime() - right.since.getTime())
      .slice(0, waitingListLength);
    const unitIds = [
      ...new Set([...turnaround.map((row) => row.unitId), ...longest.map(({ draft }) => String(draft.unitId))]),
    ];
    const [unitNames, people] = await Promise.all([
      Promise.all(unitIds.map(async (id) => [id, await this.dependencies.people.unitName(id)] as const)).then(
        (entries) => new Map(entries),
      ),
      this.dependencies.people.findPeople(longest.flatMap(({ draft }) => draft.pendingApproverIds)),
    ]);
    const unit = (id: string) => ({ id, name: unitNames.get(id) ?? '' });

    return {
      generatedAt: now.toISOString(),
      countsByStatus,
      turnaround: {
        windowDays,
        units: turnaround.map(({ unitId, ...figures }) => ({ unit: unit(unitId), ...figures })),
      },
      waitingLongest: longest.map(({ draft, since }) => ({
        id: String(draft._id),
        code: draft.shortCode,
        title: draft.versions.find((version) => version.number === draft.currentVersion)?.title ?? '',
        unit: unit(String(draft.unitId)),
        pendingApprovers: draft.pendingApproverIds.map((id) => ({
          id: String(id),
          name: people.get(String(id))?.name ?? '',
        })),
        waitingSince: since.toISOString(),
        waitingMinutes: Math.max(0, Math.round((now.getTime() - since.getTime()) / 60_000)),
      })),
      accountsAtRisk,
      registry,
      publications,
    };
  }
}

function currentVersionTime(draft: Draft): Date {
  return draft.versions.find((version) => version.number === draft.currentVersion)?.createdAt ?? draft.createdAt;
}
