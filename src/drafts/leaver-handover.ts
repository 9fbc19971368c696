/**
 * An admin's unbind of a person who left, on the drafts side (issue 13): every draft in review whose
 * step waits on that person moves the item to their delegate or the step's backup, each draft through
 * its own recorded transition (DraftService.handOverFromLeaver). Drafts where nobody can take the
 * item are reported, so the admins can set a route or a delegation.
 */
import type { Clock } from '../shared/clock';
import { isAppError } from '../shared/errors';
import type { DraftService } from './draft-service';
import { leaverItems } from './leaver-handover-rules';

export interface LeaverHandoverPeople {
  delegateOf(personId: string, at: Date): Promise<string | null>;
  activePersonIds(ids: string[]): Promise<Set<string>>;
}

export interface LeaverHandoverResult {
  /** Drafts whose items moved, with the people who took them. */
  moved: { code: string; unitId: string; toIds: string[] }[];
  /** Drafts where an item of the leaver's has nobody to take it: no backup, no delegate. */
  unassigned: { code: string; unitId: string; stepNumbers: number[] }[];
}

export async function handOverLeaverItems(
  dependencies: { drafts: DraftService; people: LeaverHandoverPeople; clock: Clock },
  leaverId: string,
  actor: { byId: string | null; via: string },
): Promise<LeaverHandoverResult> {
  const { drafts, people, clock } = dependencies;
  const inReview = await drafts.listInReview();
  const delegateId = await people.delegateOf(leaverId, clock.now());
  const candidates = new Set<string>(delegateId ? [delegateId] : []);
  for (const { state } of inReview) {
    for (const step of state.steps) for (const id of step.backupApproverIds) candidates.add(id);
  }
  const active = await people.activePersonIds([...candidates]);
  const input = {
    leaverId,
    byId: actor.byId ?? '',
    delegateId,
    unavailableIds: [...candidates].filter((id) => !active.has(id)),
  };
  const result: LeaverHandoverResult = { moved: [], unassigned: [] };
  for (const { state, unitId } of inReview) {
    const items = leaverItems(state, { ...input, now: clock.now() });
    const stranded = items.filter((item) => item.toId === null && !item.covered);
    if (stranded.length) {
      result.unassigned.push({ code: state.shortCode, unitId, stepNumbers: stranded.map((item) => item.stepNumber) });
    }
    if (!items.some((item) => item.toId !== null)) continue;
    try {
      await drafts.handOverFromLeaver({ personId: input.byId, via: actor.via }, state.shortCode, input);
    } catch (error) {
      // Decided, withdrawn or revised meanwhile: nothing waits on the leaver there any more.
      if (isAppError(error) && error.code === 'NOTHING_TO_HAND_OVER') continue;
      if (isAppError(error) && error.code === 'DRAFT_NOT_IN_REVIEW') continue;
      throw error;
    }
    const toIds = [...new Set(items.flatMap((item) => item.toId ?? []))];
    result.moved.push({ code: state.shortCode, unitId, toIds });
  }
  return result;
}
