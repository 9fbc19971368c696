/**
 * Chat identities and the one-time codes people bind them with (DESIGN: identity is by a stable
 * binding, never by display name). A bind code is spent through a claimed write
 * (src/shared/claimed-write.ts), so two people racing with one code cannot both bind.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, ValidationError } from '../shared/errors';
import { applyAtRevision } from '../shared/claimed-write';
import { toObjectIdOrNull } from '../shared/ids';
import type { AuditTrail } from '../audit/audit-service';
import { PersonModel } from './person-model';
import { IdentityBindingModel } from './identity-binding-model';
import type { IdentityKind } from './identity-binding-model';
import { BindCodeModel } from './bind-code-model';
import {
  bindCodeLifetimeMs,
  miniProgramBindCodeLifetimeMs,
  bindCodeState,
  formatBindCode,
  hashBindCode,
  normalizeBindCode,
} from './bind-code-rules';
import { adminActor, findPersonRecord, invalidId, toSummary } from './people-records';
import type { AdminActionOptions, PersonSummary } from './people-records';

export class IdentityBindings {
  constructor(private readonly dependencies: { clock: Clock; audit: AuditTrail; logger?: Logger }) {}

  /**
   * A one-time code (6 digits, valid 24 h) with which `personReference` binds their chat identity.
   * The reference is a person id, a code (编码) or a name that only one person has. A new code voids the
   * person's earlier unused codes. Only a hash of the code is stored; the code is returned once.
   */
  async createBindCode(
    personReference: string,
    options: AdminActionOptions,
    kind: IdentityKind = 'chat',
  ): Promise<{ code: string; expiresAt: Date; person: PersonSummary }> {
    const person = await findPersonRecord(personReference);
    if (!person.active) {
      throw new ValidationError('PERSON_INACTIVE', `“${person.name}”已标为不在职，不能为其生成绑定码`);
    }
    const now = this.dependencies.clock.now();
    const lifetimeMs = kind === 'chat' ? bindCodeLifetimeMs : miniProgramBindCodeLifetimeMs;
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    const earlier = await BindCodeModel.find({ personId: person._id, usedAt: null, revokedAt: null }).lean();
    for (const code of earlier) {
      if ((code.kind ?? 'chat') === kind && bindCodeState(code, now) === 'usable') {
        await applyAtRevision(BindCodeModel, code, { revokedAt: now }, now);
      }
    }

    for (let attempt = 1; ; attempt += 1) {
      const code = formatBindCode(randomInt(0, 1_000_000));
      const codeHash = hashBindCode(code);
      try {
        const stored = await BindCodeModel.create({
          codeHash,
          kind,
          personId: person._id,
          createdById: toObjectIdOrNull(options.byId, invalidId('操作人')),
          createdAt: now,
          expiresAt,
        });
        await this.dependencies.audit.append({
          actor: adminActor(options),
          action: 'bind-code.created',
          subject: { type: 'person', id: String(person._id) },
          details: { bindCodeId: String(stored._id), kind, expiresAt: expiresAt.toISOString() },
        });
        return { code, expiresAt, person: toSummary(person) };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 20) throw error;
        await retireDeadCode(codeHash, now);
      }
    }
  }

  /**
   * Binds a chat identity (provider = puppet name, externalId = contact id) or a mini-program openid
   * (provider = appid) to the person a bind code of that kind was made for. The code is spent by the first binding: concurrent uses of one code bind once.
   * Sending a code again from an identity already bound to the same person changes nothing.
   */
  async bindIdentity(
    kind: IdentityKind,
    input: { code: string; provider: string; externalId: string },
  ): Promise<PersonSummary> {
    const provider = input.provider.trim();
    const externalId = input.externalId.trim();
    if (!provider || !externalId) {
      throw new ValidationError('CHAT_IDENTITY_MISSING', '无法识别您的聊天身份，请稍后重试');
    }
    const code = normalizeBindCode(input.code);
    const stored = code ? await BindCodeModel.findOne({ codeHash: hashBindCode(code) }).lean() : null;
    // A chat code does not bind a mini-program and the other way round: each is made for one.
    if (!stored || (stored.kind ?? 'chat') !== kind) throw bindCodeError('invalid', kind);
    const now = this.dependencies.clock.now();
    const state = bindCodeState(stored, now);
    if (state !== 'usable') throw bindCodeError(state, kind);

    const person = await PersonModel.findById(stored.personId).lean();
    if (!person || !person.active) {
      throw new ValidationError('PERSON_INACTIVE', '该绑定码对应的人员已不在职，请联系管理员');
    }
    const bound = await IdentityBindingModel.findOne({ kind, provider, externalId }).lean();
    if (bound && bound.personId.equals(person._id)) return toSummary(person);
    if (bound) throw identityAlreadyBound();

    const usedBy = { provider, externalId };
    if ((await applyAtRevision(BindCodeModel, stored, { usedAt: now, usedBy }, now)) === 'lost') {
      const current = await BindCodeModel.findById(stored._id).lean();
      throw bindCodeError(current?.revokedAt ? 'revoked' : 'used', kind);
    }
    const binding = await IdentityBindingModel.create({
      kind,
      provider,
      externalId,
      personId: person._id,
      boundAt: now,
    });
    await this.dependencies.audit.append({
      key: `identity.bound:${String(binding._id)}`,
      actor: { personId: person._id, via: `${provider}:${externalId}` },
      action: 'identity.bound',
      subject: { type: 'person', id: String(person._id) },
      details: { kind, provider, externalId, bindCodeId: String(stored._id) },
    });
    this.dependencies.logger?.info({ personId: String(person._id), kind, provider }, 'identity bound');
    return toSummary(person);
  }

  /** The active person bound to this identity; null for strangers and people marked as left. */
  async findPersonByIdentity(kind: IdentityKind, provider: string, externalId: string): Promise<PersonSummary | null> {
    const binding = await IdentityBindingModel.findOne({ kind, provider, externalId }).lean();
    if (!binding) return null;
    const person = await PersonModel.findById(binding.personId).lean();
    return person?.active ? toSummary(person) : null;
  }

  /** A person's own `解绑` from chat: this chat identity no longer acts for them. */
  async unbindChatIdentity(provider: string, externalId: string): Promise<PersonSummary | null> {
    const binding = await IdentityBindingModel.findOne({ kind: 'chat', provider, externalId }).lean();
    if (!binding) return null;
    const person = await PersonModel.findById(binding.personId).lean();
    await IdentityBindingModel.deleteOne({ _id: binding._id });
    await this.dependencies.audit.append({
      key: `identity.unbound:${String(binding._id)}`,
      actor: { personId: binding.personId, via: `${provider}:${externalId}` },
      action: 'identity.unbound',
      subject: { type: 'person', id: String(binding.personId) },
      details: { kind: 'chat', provider, externalId, by: 'self' },
    });
    return person ? toSummary(person) : null;
  }

  /** An admin's unbind of a person (e.g. who left): every chat identity and openid is released. */
  async unbindPerson(personId: string, options: AdminActionOptions): Promise<number> {
    const bindings = await IdentityBindingModel.find({
      personId: toObjectIdOrNull(personId, invalidId('人员')),
    }).lean();
    for (const binding of bindings) {
      await IdentityBindingModel.deleteOne({ _id: binding._id });
      await this.dependencies.audit.append({
        key: `identity.unbound:${String(binding._id)}`,
        actor: adminActor(options),
        action: 'identity.unbound',
        subject: { type: 'person', id: personId },
        details: { kind: binding.kind, provider: binding.provider, externalId: binding.externalId, by: 'admin' },
      });
    }
    return bindings.length;
  }
}

/** Frees the digits of a dead code (used, voided or expired) so they can be drawn again. */
async function retireDeadCode(codeHash: string, now: Date): Promise<void> {
  const holder = await BindCodeModel.findOne({ codeHash }).lean();
  if (holder && bindCodeState(holder, now) !== 'usable') {
    await BindCodeModel.updateOne({ _id: holder._id }, { $set: { codeHash: `retired:${String(holder._id)}` } });
  }
}

function bindCodeError(
  state: 'invalid' | 'used' | 'revoked' | 'expired',
  kind: IdentityKind,
): ValidationError | ConflictError {
  if (kind === 'mini-program') {
    return state === 'used'
      ? new ConflictError('BIND_CODE_USED', '该绑定码已被使用，请在工作群私聊机器人重新发送“小程序绑定”获取新码')
      : new ValidationError(
          state === 'invalid' ? 'BIND_CODE_INVALID' : 'BIND_CODE_EXPIRED',
          state === 'invalid'
            ? '绑定码不正确，请核对机器人发给您的 6 位数字'
            : '该绑定码已失效（有效期 10 分钟），请私聊机器人重新发送“小程序绑定”获取新码',
        );
  }
  switch (state) {
    case 'invalid':
      return new ValidationError(
        'BIND_CODE_INVALID',
        '绑定码不正确，请核对管理员提供的 6 位数字后重新发送“绑定 123456”',
      );
    case 'used':
      return new ConflictError('BIND_CODE_USED', '该绑定码已被使用，每个绑定码只能用一次，请联系管理员重新获取');
    case 'revoked':
      return new ValidationError('BIND_CODE_EXPIRED', '该绑定码已作废（管理员已生成新的绑定码），请使用最新的绑定码');
    case 'expired':
      return new ValidationError('BIND_CODE_EXPIRED', '该绑定码已过期（有效期 24 小时），请联系管理员重新获取');
  }
}

function identityAlreadyBound(): ConflictError {
  return new ConflictError('IDENTITY_ALREADY_BOUND', '该身份已绑定到其他人员，如需更换请联系管理员解绑');
}
