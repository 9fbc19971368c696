/**
 * An admin's unbind of a person (e.g. who left), the same from the API and `npm run admin -- unbind`:
 * every chat identity and openid is released, their mini-program sessions end, and the admins are told
 * which drafts still wait on them so someone can hand them over (转交) or re-route.
 */
import type { Clock } from '../shared/clock';
import type { Outbox } from '../outbox/outbox-service';
import type { PeopleService } from '../people/people-service';
import type { SessionService } from '../auth/session-service';
import { DraftModel } from '../drafts/draft-model';

export interface UnbindPersonDependencies {
  people: PeopleService;
  sessions: Pick<SessionService, 'endSessionsOf'>;
  outbox: Pick<Outbox, 'enqueue'>;
  clock: Clock;
}

export interface UnbindPersonResult {
  bindingsRemoved: number;
  movedDrafts: { code: string; to: { id: string; name: string }[] }[];
  /** Codes of drafts still waiting on the person. */
  unassignedDrafts: string[];
}

export async function unbindPerson(
  dependencies: UnbindPersonDependencies,
  personId: string,
  actor: { byId: string | null; via: string },
): Promise<UnbindPersonResult> {
  const { people, sessions, outbox, clock } = dependencies;
  const bindingsRemoved = await people.unbindPerson(personId, actor);
  await sessions.endSessionsOf(personId);
  const waiting = await DraftModel.find(
    { pendingApproverIds: personId, status: 'in_review' },
    { shortCode: 1, unitId: 1 },
  ).lean();
  if (waiting.length > 0) {
    const person = await people.findPersonByReference(personId);
    const admins = await people.adminsOf(String(waiting[0].unitId));
    await outbox.enqueue(
      admins.map((admin) => ({
        idempotencyKey: `unbind:${personId}:${clock.now().getTime()}:${admin.id}`,
        recipient: { personId: admin.id },
        text: `${person.name} 已解除绑定，以下稿件仍在等其审核：${waiting.map((draft) => `#${draft.shortCode}`).join('、')}。请安排备审人处理或调整审核路由。`,
      })),
    );
  }
  return { bindingsRemoved, movedDrafts: [], unassignedDrafts: waiting.map((draft) => draft.shortCode) };
}
