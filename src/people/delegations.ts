/**
 * Delegations: who decides for a person while they are away (set, cancelled and ended early, each
 * recorded in the audit trail), and who stands in for whom at a given time, by the pure delegation-rules.
 */
import { Types } from 'mongoose';
import type { TtlCache } from '../shared/ttl-cache';
import type { Clock } from '../shared/clock';
import { NotFoundError, ValidationError } from '../shared/errors';
import { normalizeText } from '../shared/text-normalization';
import { toObjectId, toObjectIdOrNull } from '../shared/ids';
import { unique } from '../shared/unique';
import type { AuditTrail } from '../audit/audit-service';
import { PersonModel } from './person-model';
import { DelegationModel } from './delegation-model';
import type { Delegation } from './delegation-model';
import { checkDelegation, chooseDelegationsToEnd, principalsOf } from './delegation-rules';
import type { DelegationInvolvement, DelegationPeriod } from './delegation-rules';
import { adminActor, invalidId, personNotFound } from './people-records';
import type { AdminActionOptions } from './people-records';

/** Who lets whom decide for them, when, and which admin (or nobody: the CLI) set it up. */
export interface DelegationRequest {
  personId: string;
  delegateId: string;
  from: Date;
  until: Date;
  byId: string | null;
  via?: string;
}

export class Delegations {
  private readonly delegators: TtlCache<string[]>;

  constructor(
    private readonly dependencies: { clock: Clock; audit: AuditTrail },
    organizationCache: <V>() => TtlCache<V>,
    /** Forgets everything PeopleService cached, after a change made here. */
    private readonly forgetOrganization: () => void,
  ) {
    this.delegators = organizationCache();
  }

  /** Forgets who stands in for whom (after a change to the organisation). */
  forget(): void {
    this.delegators.clear();
  }

  /**
   * Lets `delegateId` decide for `personId` from `from` (inclusive) until `until` (exclusive), e.g. while
   * the person is on leave. Where periods overlap, the delegation set last applies.
   */
  async setDelegation(input: DelegationRequest): Promise<void> {
    const personId = toObjectId(input.personId, invalidId('被代理人'));
    const delegateId = toObjectId(input.delegateId, invalidId('代理人'));
    const now = this.dependencies.clock.now();
    checkDelegation({
      personId: String(personId),
      delegateId: String(delegateId),
      from: input.from,
      until: input.until,
      now,
    });
    const people = await PersonModel.find({ _id: { $in: [personId, delegateId] } }).lean();
    const person = people.find((candidate) => candidate._id.equals(personId));
    const delegate = people.find((candidate) => candidate._id.equals(delegateId));
    if (!person) throw personNotFound(input.personId);
    if (!delegate) throw personNotFound(input.delegateId);
    if (!delegate.active)
      throw new ValidationError('PERSON_INACTIVE', `“${delegate.name}”已标为不在职，不能担任代理人`);

    const delegation = await DelegationModel.create({
      personId,
      delegateId,
      from: input.from,
      until: input.until,
      createdById: toObjectIdOrNull(input.byId, invalidId('操作人')),
      createdAt: now,
    });
    await this.dependencies.audit.append({
      key: `delegation.set:${String(delegation._id)}`,
      actor: adminActor({ byId: input.byId, via: input.via }),
      action: 'delegation.set',
      subject: { type: 'person', id: String(personId) },
      details: {
        delegationId: String(delegation._id),
        delegateId: String(delegateId),
        from: input.from.toISOString(),
        until: input.until.toISOString(),
      },
    });
    this.forgetOrganization();
  }

  /**
   * Ends a delegation early: from now on the delegate no longer decides for the person. `until` moves
   * to now (the record keeps when it was meant to end in the audit event).
   */
  async cancelDelegation(delegationId: string, options: AdminActionOptions): Promise<Delegation> {
    const id = toObjectId(delegationId, invalidId('代理'));
    const delegation = await DelegationModel.findById(id).lean<Delegation>();
    const now = this.dependencies.clock.now();
    if (!delegation || delegation.until.getTime() <= now.getTime()) {
      throw new NotFoundError('DELEGATION_NOT_FOUND', '找不到该代理，或它已经结束');
    }
    const cancelledById = toObjectIdOrNull(options.byId, invalidId('操作人'));
    await DelegationModel.updateOne({ _id: id }, { $set: { until: now, cancelledAt: now, cancelledById } });
    await this.dependencies.audit.append({
      key: `delegation.cancelled:${String(id)}`,
      actor: adminActor(options),
      action: 'delegation.cancelled',
      subject: { type: 'person', id: String(delegation.personId) },
      details: {
        delegationId: String(id),
        delegateId: String(delegation.delegateId),
        plannedUntil: delegation.until.toISOString(),
      },
    });
    this.forgetOrganization();
    return { ...delegation, until: now, cancelledAt: now, cancelledById };
  }

  /** The delegations a person gave that have not ended, for `取消代理` in chat. */
  currentDelegationsOf(personId: string): Promise<Delegation[]> {
    const now = this.dependencies.clock.now();
    return DelegationModel.find({ personId: toObjectId(personId, invalidId('人员')), until: { $gt: now } })
      .sort({ from: 1 })
      .lean<Delegation[]>();
  }

  /**
   * `取消代审 [姓名]` in chat: the person on leave, or their delegate, ends the delegations between them
   * early (planned ones too). Returns what ended, for the reply and a note to the other person.
   */
  async endOwnDelegations(personId: string, otherName: string, via: string): Promise<DelegationInvolvement[]> {
    const id = toObjectId(personId, invalidId('人员'));
    const now = this.dependencies.clock.now();
    const [given, held] = await Promise.all([
      DelegationModel.find({ personId: id, until: { $gt: now } }).lean<Delegation[]>(),
      DelegationModel.find({ delegateId: id, until: { $gt: now } }).lean<Delegation[]>(),
    ]);
    const otherIds = [...given.map((d) => d.delegateId), ...held.map((d) => d.personId)];
    const others = await PersonModel.find({ _id: { $in: otherIds } }, { name: 1 }).lean();
    const nameOf = (other: Types.ObjectId) =>
      others.find((person) => person._id.equals(other))?.name ?? '（已删除人员）';
    const involved: DelegationInvolvement[] = [
      ...given.map((d) => ({
        id: String(d._id),
        side: 'gave' as const,
        otherId: String(d.delegateId),
        otherName: nameOf(d.delegateId),
      })),
      ...held.map((d) => ({
        id: String(d._id),
        side: 'holds' as const,
        otherId: String(d.personId),
        otherName: nameOf(d.personId),
      })),
    ];
    if (involved.length === 0) throw new NotFoundError('DELEGATION_NOT_FOUND', '您目前没有进行中或待生效的代审安排');
    const choice = chooseDelegationsToEnd(involved, normalizeText(otherName));
    if (choice.kind === 'none') {
      throw new NotFoundError(
        'DELEGATION_NOT_FOUND',
        `您与“${choice.name}”之间没有进行中的代审安排。目前有：${unique(involved.map((d) => d.otherName)).join('、')}`,
      );
    }
    if (choice.kind === 'ambiguous') {
      throw new ValidationError(
        'DELEGATION_AMBIGUOUS',
        `您有多项代审安排（${choice.names.join('、')}），请写明结束哪一项，例如“取消代审 ${choice.names[0]}”`,
      );
    }
    for (const delegation of choice.delegations) await this.cancelDelegation(delegation.id, { byId: personId, via });
    return choice.delegations;
  }

  /** Who stands in for `personId` at `at` by a delegation (the one set last, where several are in force); null for none. */
  async delegateOf(personId: string, at: Date): Promise<string | null> {
    if (!Types.ObjectId.isValid(personId)) return null;
    const open = await DelegationModel.find({ personId: new Types.ObjectId(personId), until: { $gt: at } }).lean();
    const inForce = open
      .filter((delegation) => delegation.from.getTime() <= at.getTime())
      .sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime());
    return inForce.length ? String(inForce.at(-1)?.delegateId) : null;
  }

  /** The people `delegateId` stands in for at `at` (not transitively). */
  delegatorsOf(delegateId: string, at: Date): Promise<string[]> {
    const minute = Math.floor(at.getTime() / 60_000);
    return this.delegators.get(`${delegateId}:${minute}`, () => this.loadDelegators(delegateId, at));
  }

  private async loadDelegators(delegateId: string, at: Date): Promise<string[]> {
    if (!Types.ObjectId.isValid(delegateId)) return [];
    const inForce = { from: { $lte: at }, until: { $gt: at } };
    const direct = await DelegationModel.find({ delegateId: new Types.ObjectId(delegateId), ...inForce }).lean();
    if (direct.length === 0) return [];
    const competing = await DelegationModel.find({
      personId: {
        $in: [...new Set(direct.map((delegation) => String(delegation.personId)))].map((id) => new Types.ObjectId(id)),
      },
      ...inForce,
    }).lean();
    return principalsOf(competing.map(toDelegationPeriod), delegateId, at);
  }
}

function toDelegationPeriod(delegation: Delegation): DelegationPeriod {
  return {
    id: String(delegation._id),
    personId: String(delegation.personId),
    delegateId: String(delegation.delegateId),
    from: delegation.from,
    until: delegation.until,
    createdAt: delegation.createdAt,
  };
}
