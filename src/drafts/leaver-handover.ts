/**
 * An admin's unbind of a person who left, on the drafts side (issue 13): every draft in review whose
 * step waits on that person moves the item to their delegate or the step's backup, each draft through
 * its own recorded transition (DraftService.handOverFromLeaver). Drafts where nobody can take the
 * item are reported, so the admins can set a route or a delegation.
 */
import type { Clock } from '../shared/clock';
import { isAppError } from '../shared/errors';
import type { LeaverHandover, LeaverHandoverReport } from '../people/unbind-person';
import type { DraftService } from './draft-service';
import { isAlreadyRecorded } from './draft-service-types';
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
  reason = '解绑',
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
    reason,
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
      const change = await drafts.handOverFromLeaver({ personId: input.byId, via: actor.via }, state.shortCode, input);
      if (isAlreadyRecorded(change)) continue; // nothing moved
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

export interface LeaverNoticeDependencies {
  drafts: DraftService;
  people: LeaverHandoverPeople & {
    findPersonByReference(reference: string): Promise<{ id: string; name: string }>;
    findPeople(ids: string[]): Promise<Map<string, { name: string; title: string }>>;
    adminsOf(unitId: string): Promise<{ id: string }[]>;
  };
  outbox: {
    enqueue(entries: { idempotencyKey: string; recipient: { personId: string }; text: string }[]): Promise<void>;
  };
  clock: Clock;
}

/**
 * Moves what waits on a person who left (unbound, or marked 在职 = 否 by an import) and tells the
 * admins of the drafts' units what moved and which drafts now have no approver, with how to fix that.
 * `reason` (解绑, 标为不在职) is recorded with each move and opens the admins' message.
 */
export async function handOverAndTell(
  dependencies: LeaverNoticeDependencies,
  personId: string,
  actor: { byId: string | null; via: string },
  reason: string,
): Promise<LeaverHandoverReport> {
  const { people, outbox, clock } = dependencies;
  const handover = await handOverLeaverItems(dependencies, personId, actor, reason);
  const person = await people.findPersonByReference(personId);
  const names = await people.findPeople(handover.moved.flatMap((draft) => draft.toIds));
  const nameOf = (id: string) => {
    const found = names.get(id);
    return found ? (found.title ? `${found.name}（${found.title}）` : found.name) : '（未知人员）';
  };
  const summary = describeHandover(person.name, handover, nameOf);
  const units = [...new Set([...handover.moved, ...handover.unassigned].map((draft) => draft.unitId))];
  if (units.length > 0) {
    const admins = (await Promise.all(units.map((unitId) => people.adminsOf(unitId)))).flat();
    const at = clock.now().getTime();
    await outbox.enqueue(
      [...new Set(admins.map((admin) => admin.id))].map((adminId) => ({
        idempotencyKey: `leaver:${personId}:${at}:${adminId}`,
        recipient: { personId: adminId },
        text: `${person.name} 已${reason}。${summary}`,
      })),
    );
  }
  return {
    movedDrafts: handover.moved.map((draft) => ({
      code: draft.code,
      to: draft.toIds.map((id) => ({ id, name: names.get(id)?.name ?? '' })),
    })),
    unassignedDrafts: handover.unassigned.map((draft) => draft.code),
    summary,
  };
}

/** handOverAndTell as the people feature's port (src/people/unbind-person.ts). */
export function leaverHandover(dependencies: LeaverNoticeDependencies): LeaverHandover {
  return (personId, actor, reason) => handOverAndTell(dependencies, personId, actor, reason);
}

/** The admins' message: where each draft went, and which now have no approver and how to fix that. */
function describeHandover(personName: string, handover: LeaverHandoverResult, nameOf: (id: string) => string): string {
  const lines: string[] = [];
  if (handover.moved.length) {
    const moves = handover.moved.map((draft) => `#${draft.code} → ${draft.toIds.map(nameOf).join('、')}`);
    lines.push(`其待审稿件已转给备审人（已发送审核请求，投稿人已获知）：${moves.join('；')}。`);
  }
  if (handover.unassigned.length) {
    const drafts = handover.unassigned.map((draft) => `#${draft.code}（第${draft.stepNumbers.join('、')}步）`);
    lines.push(
      `以下稿件现在没有审核人：${drafts.join('、')}。请为该步骤设置备审人（审核路线，npm run admin -- import），` +
        `或为${personName}设置代理（npm run admin -- delegate ${personName} 代理人 开始日期 结束日期），` +
        `然后再执行一次解绑 ${personName}，稿件即转给备审人或代理人。`,
    );
  }
  return lines.length ? lines.join('\n') : '没有在等其审核的稿件。';
}
