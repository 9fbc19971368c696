/** Figures of the dashboard: drafts by status, percentiles of approval turnaround, the drafts waiting longest. Pure. */
import type { DashboardListing } from '../drafts/draft-reports';
import type { DraftStatusName } from '../shared/contracts/drafts';

/** The p-th percentile (0–100) by nearest rank; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface ApprovedDraftFacts {
  unitId: string;
  /** When the approved version was submitted. */
  submittedAt: Date;
  /** The last approval of that version. */
  approvedAt: Date;
}

/** Median and p90 turnaround in minutes per unit, units with the most approvals first. */
export function turnaroundByUnit(
  drafts: readonly ApprovedDraftFacts[],
): { unitId: string; approved: number; medianMinutes: number; p90Minutes: number }[] {
  const byUnit = new Map<string, number[]>();
  for (const draft of drafts) {
    const minutes = Math.max(0, (draft.approvedAt.getTime() - draft.submittedAt.getTime()) / 60_000);
    byUnit.set(draft.unitId, [...(byUnit.get(draft.unitId) ?? []), minutes]);
  }
  return [...byUnit.entries()]
    .map(([unitId, minutes]) => ({
      unitId,
      approved: minutes.length,
      medianMinutes: Math.round(percentile(minutes, 50) * 10) / 10,
      p90Minutes: Math.round(percentile(minutes, 90) * 10) / 10,
    }))
    .sort((left, right) => right.approved - left.approved || left.unitId.localeCompare(right.unitId));
}

/** The drafts as the dashboard reads them (src/drafts/draft-reports.ts). */
type ListedDraft = Pick<DashboardListing, 'status' | 'unitId' | 'versionCreatedAt' | 'approvedAt' | 'updatedAt'>;

/** How many of the drafts are in each status. */
export function countByStatus(drafts: readonly Pick<ListedDraft, 'status'>[]): Record<DraftStatusName, number> {
  const counts = { in_review: 0, approved: 0, published: 0, rejected: 0, withdrawn: 0 };
  for (const { status } of drafts) counts[status] += 1;
  return counts;
}

/** The approved and published drafts' turnaround facts: their current version's last approval in the window. */
export function approvalsSince(drafts: readonly ListedDraft[], windowStart: Date): ApprovedDraftFacts[] {
  return drafts.flatMap(({ status, unitId, versionCreatedAt, approvedAt, updatedAt }) =>
    (status === 'approved' || status === 'published') &&
    updatedAt >= windowStart &&
    approvedAt &&
    approvedAt >= windowStart
      ? [{ unitId: String(unitId), submittedAt: versionCreatedAt, approvedAt }]
      : [],
  );
}

/**
 * The drafts in review waiting longest since their current version was submitted, at most `length`:
 * chosen among the `length × 5` changed least recently, as the list has always been.
 */
export function waitingLongest<T extends ListedDraft>(drafts: readonly T[], length: number): T[] {
  return drafts
    .filter((draft) => draft.status === 'in_review')
    .sort((left, right) => left.updatedAt.getTime() - right.updatedAt.getTime())
    .slice(0, length * 5)
    .sort((left, right) => left.versionCreatedAt.getTime() - right.versionCreatedAt.getTime())
    .slice(0, length);
}
