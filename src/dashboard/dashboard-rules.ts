/** Figures of the dashboard: percentiles of approval turnaround. Pure. */

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
