/**
 * An admin's unbind of a person (e.g. who left), the same from the API, `npm run admin -- unbind` and
 * an admin's `解绑 姓名` in chat: every chat identity and openid is released, their API sessions
 * (mini-program logins and CLI tokens) end, the approval items waiting on them move to their delegate
 * or the step's backup (src/drafts/leaver-handover.ts), and the admins are told what moved and which
 * drafts now have no approver. Running it again for the same person moves what a new route or
 * delegation now allows.
 */
import type { Clock } from '../shared/clock';
import type { Outbox } from '../outbox/outbox-service';
import type { PeopleService } from '../people/people-service';
import type { SessionService } from '../auth/session-service';
import { endSessionsOf } from '../auth/session-service';
import type { SessionEndReason } from '../auth/session-model';
import type { AuditTrail } from '../audit/audit-service';
import type { Logger } from '../shared/logger';
import type { DraftService } from '../drafts/draft-service';
import { handOverAndTell } from '../drafts/leaver-handover';
import type { LeaverHandoverReport } from '../drafts/leaver-handover';

export interface UnbindPersonDependencies {
  people: PeopleService;
  drafts: DraftService;
  sessions: Pick<SessionService, 'endSessionsOf'>;
  outbox: Pick<Outbox, 'enqueue'>;
  clock: Clock;
}

export interface UnbindPersonResult extends LeaverHandoverReport {
  bindingsRemoved: number;
}

export async function unbindPerson(
  dependencies: UnbindPersonDependencies,
  personId: string,
  actor: { byId: string | null; via: string },
): Promise<UnbindPersonResult> {
  const bindingsRemoved = await dependencies.people.unbindPerson(personId, actor);
  await dependencies.sessions.endSessionsOf([personId], 'unbound');
  return { bindingsRemoved, ...(await handOverAndTell(dependencies, personId, actor, '解绑')) };
}

/** What the one who unbound is told (the CLI and chat): bindings released, and where the drafts went. */
export function describeUnbind(personName: string, result: UnbindPersonResult): string {
  return [
    `已解绑 ${personName}：解除 ${result.bindingsRemoved} 个绑定（工作群与小程序），其小程序登录和接口令牌已失效。`,
    result.summary,
  ].join('\n');
}

/**
 * An admin's `解绑 姓名` in chat: the person by name or code among those the admin may act on (as the
 * API checks, see adminMayActOnPerson), then the same unbind; answers what the admin is told. Anyone
 * else, the top admin for a branch admin included, reads as not found.
 */
export async function unbindPersonByChat(
  dependencies: Omit<UnbindPersonDependencies, 'sessions'> & { audit: AuditTrail; logger?: Logger },
  personReference: string,
  actor: { byId: string; via: string },
): Promise<string> {
  const { people } = dependencies;
  const admin = await people.findAdmin(actor.byId);
  const person = await people.findPersonForAdmin(personReference, admin ?? { scopeUnitIds: [] });
  const sessions = {
    endSessionsOf: (personIds: string[], reason: SessionEndReason) => endSessionsOf(dependencies, personIds, reason),
  };
  const result = await unbindPerson({ ...dependencies, sessions }, person.id, actor);
  return describeUnbind(person.name, result);
}
