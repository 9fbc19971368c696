/**
 * Inquiry settings as they are kept and used (inquiry-setting-rules.ts): the policy in force for an
 * inquiry of a unit and account, and an admin's change to a unit's deadlines or an account's
 * acknowledgement, recorded in the trail. All settings are read at once and kept for a minute.
 */
import type { Clock } from '../shared/clock';
import { TtlCache } from '../shared/ttl-cache';
import { ValidationError } from '../shared/errors';
import type { AuditTrail } from '../audit/audit-service';
import type { InquiryPolicy } from './inquiry-rules';
import { checkAccountInquirySettings, checkUnitInquirySettings, resolveInquiryPolicy } from './inquiry-setting-rules';
import type { AccountInquirySettings, UnitInquirySettings } from './inquiry-setting-rules';
import { InquirySettingModel } from './inquiry-setting-model';
import type { InquirySetting } from './inquiry-setting-model';
import { unitAndAccountKey } from './inquiry-setting-rules';
import type { UnitAndAccount } from './inquiry-setting-rules';

export interface InquirySettingsDependencies {
  clock: Clock;
  audit: Pick<AuditTrail, 'append'>;
  defaults: InquiryPolicy;
  people: { unitLineage(unitIds: string[]): Promise<Map<string, { ancestorIds: string[] }>> };
}

export class InquirySettings {
  private readonly cache: TtlCache<Map<string, InquirySetting>>;

  constructor(private readonly dependencies: InquirySettingsDependencies) {
    this.cache = new TtlCache(60_000, dependencies.clock);
  }

  /** The policy in force for an inquiry answered by `unitId` for the account `accountId`. */
  async policyFor(unitId: string, accountId: string | null): Promise<InquiryPolicy> {
    const pair = { unitId, accountId };
    return (await this.policiesFor([pair])).get(unitAndAccountKey(pair)) as InquiryPolicy;
  }

  /** The policies of several units and accounts, keyed by unitAndAccountKey (one read of the unit tree). */
  async policiesFor(pairs: UnitAndAccount[]): Promise<Map<string, InquiryPolicy>> {
    const unitIds = [...new Set(pairs.map((pair) => pair.unitId))];
    const [settings, lineage] = await Promise.all([this.all(), this.dependencies.people.unitLineage(unitIds)]);
    return new Map(
      pairs.map((pair) => {
        const chain = [...(lineage.get(pair.unitId)?.ancestorIds ?? []), pair.unitId];
        const unitLayers = chain.flatMap((id) => settings.get(`unit:${id}`) ?? []);
        const account = pair.accountId ? (settings.get(`account:${pair.accountId}`) ?? null) : null;
        return [unitAndAccountKey(pair), resolveInquiryPolicy(this.dependencies.defaults, unitLayers, account)];
      }),
    );
  }

  /** The unit's own deadlines ({} when it has none) and those in force for it. */
  async forUnit(unitId: string): Promise<{ own: UnitInquirySettings; inForce: InquiryPolicy }> {
    const own = (await this.all()).get(`unit:${unitId}`);
    return { own: own ? unitPart(own) : {}, inForce: await this.policyFor(unitId, null) };
  }

  /** The account's own acknowledgement ({} when it has none) and what is in force for it. */
  async forAccount(
    unitId: string,
    accountId: string,
  ): Promise<{ own: AccountInquirySettings; inForce: InquiryPolicy }> {
    const own = (await this.all()).get(`account:${accountId}`);
    return { own: own ? accountPart(own) : {}, inForce: await this.policyFor(unitId, accountId) };
  }

  /** Sets a unit's own deadlines (fields not given keep their value); recorded under the unit. */
  async setForUnit(actor: { personId: string; via: string }, unitId: string, changes: UnitInquirySettings) {
    const current = await this.forUnit(unitId);
    const own: UnitInquirySettings = {
      ...current.own,
      ...defined({
        acknowledgeWorkingHours: changes.acknowledgeWorkingHours,
        maxWorkingDays: changes.maxWorkingDays,
        answerApproval: changes.answerApproval,
      }),
      answerWorkingDays: { ...current.own.answerWorkingDays, ...defined(changes.answerWorkingDays ?? {}) },
    };
    const inherited = await this.policyFor(unitId, null);
    const refusal = checkUnitInquirySettings(own, inherited);
    if (refusal) throw new ValidationError('INQUIRY_SETTINGS_INVALID', refusal);
    await this.store(actor, `unit:${unitId}`, { type: 'unit', id: unitId }, own);
    return this.forUnit(unitId);
  }

  /** Sets an account's acknowledgement (automatic or not, its wording); recorded under the account. */
  async setForAccount(
    actor: { personId: string; via: string },
    account: { id: string; unitId: string },
    changes: AccountInquirySettings,
  ) {
    const current = await this.forAccount(account.unitId, account.id);
    const own: AccountInquirySettings = { ...current.own, ...defined(changes) };
    const refusal = checkAccountInquirySettings(own);
    if (refusal) throw new ValidationError('INQUIRY_SETTINGS_INVALID', refusal);
    await this.store(actor, `account:${account.id}`, { type: 'account', id: account.id }, own);
    return this.forAccount(account.unitId, account.id);
  }

  private async store(
    actor: { personId: string; via: string },
    key: string,
    subject: { type: 'unit' | 'account'; id: string },
    settings: UnitInquirySettings | AccountInquirySettings,
  ): Promise<void> {
    const now = this.dependencies.clock.now();
    // Recorded first: a stop in between leaves a change announced and not made, never one made unrecorded.
    await this.dependencies.audit.append({
      actor,
      action: 'inquiry-settings.set',
      subject,
      details: { settings },
    });
    await InquirySettingModel.replaceOne(
      { _id: key },
      { ...settings, updatedAt: now, updatedById: actor.personId },
      { upsert: true },
    );
    this.cache.clear();
  }

  private all(): Promise<Map<string, InquirySetting>> {
    return this.cache.get('all', async () => {
      const records = await InquirySettingModel.find({}).lean<InquirySetting[]>();
      return new Map(records.map((record) => [record._id, record]));
    });
  }
}

function unitPart(record: InquirySetting): UnitInquirySettings {
  return defined({
    acknowledgeWorkingHours: record.acknowledgeWorkingHours,
    answerWorkingDays: record.answerWorkingDays ? defined(record.answerWorkingDays) : undefined,
    maxWorkingDays: record.maxWorkingDays,
    answerApproval: record.answerApproval,
  });
}

function accountPart(record: InquirySetting): AccountInquirySettings {
  return defined({ autoAcknowledge: record.autoAcknowledge, acknowledgementTemplate: record.acknowledgementTemplate });
}

/** The fields that are set (null and undefined dropped). */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined && field !== null),
  ) as Partial<T>;
}
