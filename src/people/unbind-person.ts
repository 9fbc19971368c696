/**
 * An admin's unbind of a person (e.g. who left), the same from the API, `npm run admin -- unbind` and
 * an admin's `解绑 姓名` in chat: every chat identity and openid is released, their API sessions
 * (mini-program logins and CLI tokens) end, the approval items waiting on them move to their delegate
 * or the step's backup, and the admins are told what moved and which drafts now have no approver.
 * Running it again for the same person moves what a new route or delegation now allows.
 * Sessions and drafts are other features': they come in as ports (src/auth/session-service.ts,
 * src/drafts/leaver-handover.ts), so people depends on neither.
 */
import type { PeopleService } from './people-service';

export interface LeaverHandoverReport {
  movedDrafts: { code: string; to: { id: string; name: string }[] }[];
  /** Codes of drafts with an item of the person's that nobody can take. */
  unassignedDrafts: string[];
  /** What the admins were told, for the CLI and chat to show the one who acted. */
  summary: string;
}

/**
 * Moves what waits on a person who left to others and tells the admins; `reason` (解绑, 标为不在职)
 * is recorded with each move and opens the admins' message.
 */
export type LeaverHandover = (
  personId: string,
  actor: { byId: string | null; via: string },
  reason: string,
) => Promise<LeaverHandoverReport>;

export interface UnbindPersonDependencies {
  people: Pick<PeopleService, 'unbindPerson'>;
  sessions: { endSessionsOf(personIds: string[], reason: 'unbound'): Promise<unknown> };
  handOver: LeaverHandover;
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
  return { bindingsRemoved, ...(await dependencies.handOver(personId, actor, '解绑')) };
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
  dependencies: PersonUnbindingDependencies,
  personReference: string,
  actor: { byId: string; via: string },
): Promise<string> {
  const { people } = dependencies;
  const admin = await people.findAdmin(actor.byId);
  const person = await people.findPersonForAdmin(personReference, admin ?? { scopeUnitIds: [] });
  const result = await unbindPerson(dependencies, person.id, actor);
  return describeUnbind(person.name, result);
}

export type PersonUnbindingDependencies = UnbindPersonDependencies & {
  people: Pick<PeopleService, 'unbindPerson' | 'findAdmin' | 'findPersonForAdmin'>;
};

/** The unbind as the composition root wires it once, for the API, the bot and the CLI alike. */
export class PersonUnbinding {
  constructor(private readonly dependencies: PersonUnbindingDependencies) {}

  unbind(personId: string, actor: { byId: string | null; via: string }): Promise<UnbindPersonResult> {
    return unbindPerson(this.dependencies, personId, actor);
  }

  unbindByChat(personReference: string, actor: { byId: string; via: string }): Promise<string> {
    return unbindPersonByChat(this.dependencies, personReference, actor);
  }
}
