/**
 * Reminder settings per unit (see reminder-policy-rules.ts): read whole and cached for a minute, set
 * by an admin whose scope covers the unit, every change in the audit trail.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { TtlCache } from '../shared/ttl-cache';
import { isObjectIdText, toObjectIdOrNull } from '../shared/ids';
import type { AuditTrail } from '../audit/audit-service';
import { ReminderPolicyModel } from './reminder-policy-model';
import { checkReminderPolicy, resolveReminderPolicy } from './reminder-policy-rules';
import type { ReminderPolicy } from './reminder-policy-rules';
import type { CalendarActor } from './calendar-service';

export interface PolicyPeople {
  unitLineage(unitIds: string[]): Promise<Map<string, { name: string; ancestorIds: string[] }>>;
  adminCoversUnit(admin: { scopeUnitIds: string[] }, unitId: string): Promise<boolean>;
}

export interface ReminderPolicyServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  people: PolicyPeople;
  /** The configured defaults, for units without settings of their own. */
  defaults: ReminderPolicy;
}

export class ReminderPolicyService {
  private readonly cache: TtlCache<Map<string, ReminderPolicy>>;

  constructor(private readonly dependencies: ReminderPolicyServiceDependencies) {
    this.cache = new TtlCache(60_000, dependencies.clock);
  }

  get defaults(): ReminderPolicy {
    return this.dependencies.defaults;
  }

  /** Unit id → its own settings (units without any are absent). */
  unitPolicies(): Promise<Map<string, ReminderPolicy>> {
    return this.cache.get('all', async () => {
      const records = await ReminderPolicyModel.find({}).lean();
      return new Map(records.map((record) => [String(record.unitId), pickPolicy(record)]));
    });
  }

  /** The settings in force for each unit of `lineage` (own, nearest ancestor's, or the defaults). */
  async policiesFor(lineage: Map<string, { ancestorIds: string[] }>): Promise<Map<string, ReminderPolicy>> {
    const policies = await this.unitPolicies();
    return new Map(
      [...lineage].map(([id, unit]) => [
        id,
        resolveReminderPolicy({ id, ancestorIds: unit.ancestorIds }, policies, this.dependencies.defaults),
      ]),
    );
  }

  async policyFor(unitId: string): Promise<ReminderPolicy & { inherited: boolean }> {
    const lineage = await this.dependencies.people.unitLineage([unitId]);
    if (!lineage.has(unitId)) throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位');
    const own = (await this.unitPolicies()).get(unitId);
    return { ...((await this.policiesFor(lineage)).get(unitId) ?? this.dependencies.defaults), inherited: !own };
  }

  /** Sets a unit's own settings; fields not given keep what is in force for it now. */
  async setPolicy(
    actor: CalendarActor & { scopeUnitIds?: string[] },
    unitId: string,
    changes: Partial<ReminderPolicy>,
  ): Promise<ReminderPolicy> {
    if (!isObjectIdText(unitId)) throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位');
    if (
      actor.scopeUnitIds &&
      !(await this.dependencies.people.adminCoversUnit({ scopeUnitIds: actor.scopeUnitIds }, unitId))
    ) {
      throw new ForbiddenError('UNIT_OUTSIDE_SCOPE', '该单位不在您的管理范围内');
    }
    const { inherited: _inherited, ...current } = await this.policyFor(unitId);
    const policy = pickPolicy({ ...current, ...changes });
    const problem = checkReminderPolicy(policy);
    if (problem) throw new ValidationError('REMINDER_POLICY_INVALID', problem);
    const setById = toObjectIdOrNull(actor.personId, () => new ValidationError('PERSON_ID_INVALID', '操作人编号无效'));
    const existing = await ReminderPolicyModel.findOne({ unitId: new Types.ObjectId(unitId) }, { _id: 1 }).lean();
    const fields = { ...policy, setById, setAt: this.dependencies.clock.now() };
    if (existing) await ReminderPolicyModel.updateOne({ _id: existing._id }, { $set: fields });
    else await ReminderPolicyModel.create({ unitId, ...fields });
    await this.dependencies.audit.append({
      actor: { personId: setById, via: actor.via },
      action: 'reminder-policy.set',
      subject: { type: 'unit', id: unitId },
      details: { ...policy },
    });
    this.cache.clear();
    return policy;
  }
}

function pickPolicy(source: ReminderPolicy): ReminderPolicy {
  return {
    remindAfterWorkingHours: Number(source.remindAfterWorkingHours),
    escalateAfterWorkingHours: Number(source.escalateAfterWorkingHours),
    workdayStart: String(source.workdayStart),
    workdayEnd: String(source.workdayEnd),
    baselineCounts: source.baselineCounts,
  };
}
