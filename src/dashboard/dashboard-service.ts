/**
 * The dashboard: drafts by status, approval turnaround per unit over the last 30 days, the drafts
 * waiting longest, what the connected accounts published and how it compared with its approvals (R10),
 * and accounts at risk, which the account registry and cadence features provide
 * through `accountRisks` once they are wired in (until then the section is null).
 */
import type { Clock } from '../shared/clock';
import type { Viewer } from '../people/viewer-scope';
import { dashboardListings } from '../drafts/draft-reports';
import type { DraftPeople } from '../drafts/draft-service-types';
import type { AccountAtRisk, Dashboard, RegistryCountsView } from '../shared/contracts/dashboard';
import type { PublicationCountsView } from '../shared/contracts/publication-checks';
import { approvalsSince, countByStatus, turnaroundByUnit, waitingLongest } from './dashboard-rules';

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
    const [drafts, accountsAtRisk, registry, publications] = await Promise.all([
      dashboardListings(scope),
      this.dependencies.accountRisks ? this.dependencies.accountRisks(viewer) : Promise.resolve(null),
      this.dependencies.registryCounts ? this.dependencies.registryCounts(viewer) : Promise.resolve(null),
      this.dependencies.publicationCounts ? this.dependencies.publicationCounts(viewer) : Promise.resolve(null),
    ]);

    const countsByStatus = countByStatus(drafts);
    const turnaround = turnaroundByUnit(approvalsSince(drafts, windowStart));
    const longest = waitingLongest(drafts, waitingListLength).map((draft) => ({
      draft,
      since: draft.versionCreatedAt,
    }));
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
        title: draft.title,
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
