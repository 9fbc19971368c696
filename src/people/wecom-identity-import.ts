/**
 * WeCom UserIDs in the organization file (`企业微信账号`): a UserID is stable within a corp, so a
 * person whose UserID the admin lists is bound on the WeCom app at import, without a bind code (bind
 * codes keep working). A UserID already bound to someone else stops the import before anything is
 * written; a binding that already exists is left as it is.
 */
import type { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import { ConflictError } from '../shared/errors';
import type { AuditTrail } from '../audit/audit-service';
import { IdentityBindingModel } from './identity-binding-model';
import { PersonModel } from './person-model';
import { wecomAppProvider } from './organization-import-rules';
import type { NormalizedOrganization } from './organization-import-rules';

/** Throws IDENTITY_ALREADY_BOUND naming the UserID when the file gives one that belongs to another person. */
export async function checkWecomUserIds(organization: NormalizedOrganization): Promise<void> {
  const listed = organization.people.filter((person) => person.wecomUserId);
  if (listed.length === 0) return;
  const bindings = await IdentityBindingModel.find({
    kind: 'chat',
    provider: wecomAppProvider,
    externalId: { $in: listed.map((person) => person.wecomUserId) },
  }).lean();
  if (bindings.length === 0) return;
  const owners = await PersonModel.find({ _id: { $in: bindings.map((binding) => binding.personId) } }).lean();
  const ownerKeys = new Map(owners.map((owner) => [String(owner._id), owner.importKey]));
  for (const binding of bindings) {
    const person = listed.find((candidate) => candidate.wecomUserId === binding.externalId);
    const ownerKey = ownerKeys.get(String(binding.personId));
    if (person && ownerKey !== person.importKey && ownerKey !== person.nameKey) {
      throw new ConflictError(
        'IDENTITY_ALREADY_BOUND',
        `企业微信账号“${binding.externalId}”已绑定到其他人员，未导入任何内容；如需更换请先解绑`,
      );
    }
  }
}

/** Binds each listed UserID to its person (ids by import key); returns how many bindings were new. */
export async function bindWecomUserIds(
  organization: NormalizedOrganization,
  personIds: Map<string, Types.ObjectId>,
  dependencies: { audit: AuditTrail; clock: Clock; actor: { personId: Types.ObjectId | null; via: string } },
): Promise<number> {
  let created = 0;
  for (const person of organization.people) {
    const personId = personIds.get(person.importKey);
    if (!person.wecomUserId || !personId) continue;
    const identity = { kind: 'chat' as const, provider: wecomAppProvider, externalId: person.wecomUserId };
    if (await IdentityBindingModel.exists(identity)) continue;
    const binding = await IdentityBindingModel.create({ ...identity, personId, boundAt: dependencies.clock.now() });
    await dependencies.audit.append({
      key: `identity.bound:${String(binding._id)}`,
      actor: dependencies.actor,
      action: 'identity.bound',
      subject: { type: 'person', id: String(personId) },
      details: { ...identity, by: 'organization-import' },
    });
    created += 1;
  }
  return created;
}
