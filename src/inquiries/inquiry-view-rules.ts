/**
 * Reading inquiries for the API and the 留言台账, pure: which inquiries a viewer sees (as a filter), who
 * reads the citizen's text unmasked, a month's bounds, and the figures of several groups taken together.
 */
import { workingMinutesBetween } from '../cadence/calendar-rules';
import { civilDate, instantAt } from '../shared/wall-clock';
import { inquiryFigures } from './inquiry-rules';
import type { InquiryClock, InquiryFigureInput, InquiryFigures, InquiryStatus } from './inquiry-rules';

/** What the scope of a viewer holds (ViewerScope and the person's own units). */
export interface InquiryViewerFacts {
  isAdmin: boolean;
  unitIds: string[];
  adminUnitIds: string[];
  leaderUnitIds: string[];
  leaderAccountIds: string[];
}

/**
 * The inquiries a viewer sees, as the branches of an `$or` (ids as text): an admin those answered by
 * or kept for an account of a unit they look after; anyone else those of their own units, and a leader
 * besides those of the accounts and units whose approval route names them. Empty: nothing.
 */
export function inquiryScopeBranches(viewer: InquiryViewerFacts): InquiryScopeBranch[] {
  const byUnits = (ids: string[]): InquiryScopeBranch[] =>
    ids.length > 0
      ? [
          { field: 'unitId', ids },
          { field: 'accountUnitId', ids },
        ]
      : [];
  if (viewer.isAdmin) return byUnits(viewer.adminUnitIds);
  return [
    ...byUnits([...new Set([...viewer.unitIds, ...viewer.leaderUnitIds])]),
    ...(viewer.leaderAccountIds.length > 0 ? [{ field: 'accountId' as const, ids: viewer.leaderAccountIds }] : []),
  ];
}

export interface InquiryScopeBranch {
  field: 'unitId' | 'accountUnitId' | 'accountId';
  ids: string[];
}

/** Whether the viewer sees the inquiry (the same decision as the list's filter). */
export function inquiryVisibleTo(
  viewer: InquiryViewerFacts,
  inquiry: { unitId: string; accountUnitId: string; accountId: string },
): boolean {
  return inquiryScopeBranches(viewer).some((branch) => branch.ids.includes(inquiry[branch.field]));
}

/**
 * Who reads the citizen's text as written: the assignee — the answering unit's members, and the
 * account's back-office admin while it is with the account's unit. Everyone else, admins included,
 * reads it masked.
 */
export function readsUnmasked(
  viewer: { id: string; unitIds: string[] },
  inquiry: { unitId: string; accountUnitId: string },
  backendAdminId: string,
): boolean {
  if (viewer.unitIds.includes(inquiry.unitId)) return true;
  return backendAdminId === viewer.id && inquiry.unitId === inquiry.accountUnitId;
}

/** [from, until) of a month ("2026-11") in `timeZone`. */
export function monthRange(month: string, timeZone: string): { from: Date; until: Date } {
  const first = `${month}-01`;
  const [year, number] = month.split('-').map(Number);
  const next = number === 12 ? `${year + 1}-01-01` : `${year}-${String(number + 1).padStart(2, '0')}-01`;
  return { from: instantAt(first, 0, timeZone), until: instantAt(next, 0, timeZone) };
}

/** Open and past the promised date: due by the end of `answerDueOn`, so overdue from the next day on. */
export function isOverdue(
  inquiry: { status: InquiryStatus; answerDueOn: string },
  now: Date,
  timeZone: string,
): boolean {
  return inquiry.status === 'open' && inquiry.answerDueOn < civilDate(now, timeZone);
}

/** A group's inquiries and the clock of its unit. */
export interface FigureGroup {
  inputs: readonly InquiryFigureInput[];
  clock: InquiryClock;
}

/**
 * The figures of several groups together: the counts added up, the rates taken from the sums, and the
 * median and p90 over every answer, each measured on its own group's working hours (the nearest rank,
 * as inquiryFigures takes it).
 */
export function totalInquiryFigures(groups: readonly FigureGroup[], now: Date): InquiryFigures {
  const parts = groups.map((group) => inquiryFigures(group.inputs, now, group.clock));
  const sum = (pick: (figures: InquiryFigures) => number) => parts.reduce((total, part) => total + pick(part), 0);
  const hours = groups
    .flatMap((group) =>
      group.inputs
        .filter((input) => input.status === 'answered' && input.answeredAt)
        .map(
          (input) =>
            workingMinutesBetween(
              group.clock.calendar,
              input.receivedAt,
              input.answeredAt as Date,
              group.clock.hours,
              group.clock.timeZone,
            ) / 60,
        ),
    )
    .sort((left, right) => left - right);
  const answered = sum((part) => part.answered);
  const answeredOnTime = sum((part) => part.answeredOnTime);
  const overdue = sum((part) => part.overdue);
  const valid = sum((part) => part.valid);
  return {
    received: sum((part) => part.received),
    valid,
    answered,
    answerRate: ratio(answered, valid),
    answeredOnTime,
    onTimeRate: ratio(answeredOnTime, answered + overdue),
    medianAnswerWorkingHours: nearestRank(hours, 0.5),
    p90AnswerWorkingHours: nearestRank(hours, 0.9),
    overdue,
  };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

function nearestRank(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] * 10) / 10;
}
