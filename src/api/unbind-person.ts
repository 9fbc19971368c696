/**
 * An admin's unbind of a person (e.g. who left), the same from the API, `npm run admin -- unbind` and
 * an admin's `解绑 姓名` in chat: every chat identity and openid is released, their mini-program
 * sessions end, the approval items waiting on them move to their delegate or the step's backup
 * (src/drafts/leaver-handover.ts), and the admins are told what moved and which drafts now have no
 * approver. Running it again for the same person moves what a new route or delegation now allows.
 */
import type { Clock } from '../shared/clock';
import type { Outbox } from '../outbox/outbox-service';
import type { PeopleService } from '../people/people-service';
import type { SessionService } from '../auth/session-service';
import { endSessionsOf } from '../auth/session-service';
import type { AuditTrail } from '../audit/audit-service';
import type { Logger } from '../shared/logger';
import { NotFoundError } from '../shared/errors';
import type { DraftService } from '../drafts/draft-service';
import { handOverLeaverItems } from '../drafts/leaver-handover';
import type { LeaverHandoverResult } from '../drafts/leaver-handover';

export interface UnbindPersonDependencies {
  people: PeopleService;
  drafts: DraftService;
  sessions: Pick<SessionService, 'endSessionsOf'>;
  outbox: Pick<Outbox, 'enqueue'>;
  clock: Clock;
}

export interface UnbindPersonResult {
  bindingsRemoved: number;
  movedDrafts: { code: string; to: { id: string; name: string }[] }[];
  /** Codes of drafts with an item of the person's that nobody can take. */
  unassignedDrafts: string[];
  /** What the admins were told, for the CLI and chat to show the one who acted. */
  summary: string;
}

export async function unbindPerson(
  dependencies: UnbindPersonDependencies,
  personId: string,
  actor: { byId: string | null; via: string },
): Promise<UnbindPersonResult> {
  const { people, drafts, sessions, outbox, clock } = dependencies;
  const bindingsRemoved = await people.unbindPerson(personId, actor);
  await sessions.endSessionsOf(personId);
  const handover = await handOverLeaverItems({ drafts, people, clock }, personId, actor);
  const person = await people.findPersonByReference(personId);
  const names = await people.findPeople(handover.moved.flatMap((draft) => draft.toIds));
  const nameOf = (id: string) => {
    const found = names.get(id);
    return found ? (found.title ? `${found.name}（${found.title}）` : found.name) : '（未知人员）';
  };
  const summary = describeHandover(person.name, handover, nameOf);
  const units = [...new Set([...handover.moved, ...handover.unassigned].map((draft) => draft.unitId))];
  if (units.length > 0) {
    const admins = new Map(
      (await Promise.all(units.map((unitId) => people.adminsOf(unitId)))).flat().map((a) => [a.id, a]),
    );
    const at = clock.now().getTime();
    await outbox.enqueue(
      [...admins.values()].map((admin) => ({
        idempotencyKey: `unbind:${personId}:${at}:${admin.id}`,
        recipient: { personId: admin.id },
        text: `${person.name} 已解除绑定。${summary}`,
      })),
    );
  }
  return {
    bindingsRemoved,
    movedDrafts: handover.moved.map((draft) => ({
      code: draft.code,
      to: draft.toIds.map((id) => ({ id, name: names.get(id)?.name ?? '' })),
    })),
    unassignedDrafts: handover.unassigned.map((draft) => draft.code),
    summary,
  };
}

/** What the one who unbound is told (the CLI and chat): bindings released, and where the drafts went. */
export function describeUnbind(personName: string, result: UnbindPersonResult): string {
  return [
    `已解绑 ${personName}：解除 ${result.bindingsRemoved} 个绑定（工作群与小程序），其小程序登录已失效。`,
    result.summary,
  ].join('\n');
}

/**
 * An admin's `解绑 姓名` in chat: the person by name or code, within the admin's units (as the API
 * checks), then the same unbind; answers what the admin is told.
 */
export async function unbindPersonByChat(
  dependencies: Omit<UnbindPersonDependencies, 'sessions'> & { audit: AuditTrail; logger?: Logger },
  personReference: string,
  actor: { byId: string; via: string },
): Promise<string> {
  const { people } = dependencies;
  const [person, admin] = await Promise.all([
    people.findPersonByReference(personReference),
    people.findAdmin(actor.byId),
  ]);
  const covered = admin ? await Promise.all(person.unitIds.map((unitId) => people.adminCoversUnit(admin, unitId))) : [];
  if (!covered.includes(true)) {
    throw new NotFoundError('PERSON_NOT_FOUND', `找不到“${personReference}”，或其不在您的管理范围内`);
  }
  const sessions = { endSessionsOf: (personId: string) => endSessionsOf(dependencies, personId) };
  const result = await unbindPerson({ ...dependencies, sessions }, person.id, actor);
  return describeUnbind(person.name, result);
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
