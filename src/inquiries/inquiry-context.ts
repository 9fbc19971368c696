/**
 * What the inquiries' intake and the officers' steps share: their dependencies, the inquiry's clock, one
 * audited change (changeAudited, its event kept on the inquiry for the timeline), finding an inquiry and
 * who may act on it, sending to the citizen through the platform, and telling the officers.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { normalizeShortCode, shortCodePattern } from '../shared/short-codes';
import type { AuditTrail } from '../audit/audit-service';
import type { AuditEvent } from '../audit/audit-event-model';
import { changeAudited } from '../audit/audit-ledger';
import type { AuditedChange } from '../audit/audit-ledger';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { WorkingCalendar, WorkingHours } from '../cadence/calendar-rules';
import type { PersonSummary } from '../people/people-records';
import { answeringOfficerIds, inquiryKindWords } from './inquiry-rules';
import { unitAndAccountKey } from './inquiry-setting-rules';
import type { UnitAndAccount } from './inquiry-setting-rules';
import type { InquiryClock, InquiryKind, InquiryPolicy } from './inquiry-rules';
import { InquiryModel } from './inquiry-model';
import type { Inquiry, InquiryTimelineEntry, ReplyChannel, ThreadMessage } from './inquiry-model';
import { importedText, newInquiryText } from './inquiry-messages';
import type { InquiryHeading } from './inquiry-messages';
import { scheduleReminders } from './inquiry-reminders';
import type { InquiryAccount } from './inquiry-account';

export interface InquiryActor {
  personId: string;
  via: string;
}

/** A platform client that can send a 客服 text; the errors it throws are told apart by `replyRefusal`. */
export interface InquiryPlatformClient {
  sendCustomText(openId: string, text: string): Promise<void>;
}

export interface InquiryServiceDependencies {
  clock: Clock;
  logger: Logger;
  timeZone: string;
  audit: AuditTrail;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  /** The deadlines and acknowledgement in force for inquiries of units and accounts (inquiry-settings.ts). */
  settings: { policiesFor(pairs: UnitAndAccount[]): Promise<Map<string, InquiryPolicy>> };
  people: {
    findPeople(ids: string[]): Promise<Map<string, PersonSummary>>;
    findAdmin(personId: string): Promise<{ scopeUnitIds: string[] } | null>;
    adminCoversUnit(admin: { scopeUnitIds: string[] }, unitId: string): Promise<boolean>;
    unitName(unitId: string): Promise<string>;
    officersOf(unitId: string): Promise<PersonSummary[]>;
    officersOfUnits(unitIds: string[]): Promise<Map<string, PersonSummary[]>>;
    findUnitsByName(name: string): Promise<{ id: string; name: string }[]>;
    activeAdmins(): Promise<{ id: string; scopeUnitIds: string[] }[]>;
    unitLineage(unitIds: string[]): Promise<Map<string, { name: string; ancestorIds: string[] }>>;
    /** The unit's approval route, for answers the unit reviews before they go out. */
    resolveRoute(input: {
      unitId: string;
      accountId: string;
      submitterId: string;
    }): Promise<{ steps: { mode: 'any' | 'all'; approverIds: unknown[] }[] }>;
  };
  accounts: {
    findAccounts(ids: string[]): Promise<Map<string, InquiryAccount>>;
    findByName(actor: InquiryActor, name: string): Promise<InquiryAccount>;
  };
  calendar: { workingCalendar(): Promise<WorkingCalendar> };
  /** The working hours of a unit (its reminder settings). */
  workingHoursOf(unitIds: string[]): Promise<Map<string, WorkingHours>>;
  /** The account's platform client while its connection is set; null for accounts without one. */
  platform: { clientFor(accountId: string): Promise<InquiryPlatformClient | null> };
  /** Why the platform refused a reply: its window closed (45015) or its quota is used (45047); null otherwise. */
  replyRefusal(error: unknown): 'window-closed' | 'quota-used' | null;
  maskPersonalData(text: string): string;
}

/** 08:30–18:00, for a unit the reminder settings do not know (gone meanwhile). */
const defaultHours: WorkingHours = { startMinute: 510, endMinute: 1080 };

export class InquiryContext {
  constructor(readonly dependencies: InquiryServiceDependencies) {}

  /** The clock an inquiry of `unitId` runs on. */
  async clockFor(unitId: string): Promise<InquiryClock> {
    return (await this.clocksFor([unitId])).get(unitId) as InquiryClock;
  }

  /** The clocks of several units at once (one read of the unit tree). */
  async clocksFor(unitIds: string[]): Promise<Map<string, InquiryClock>> {
    const [calendar, hours] = await Promise.all([
      this.dependencies.calendar.workingCalendar(),
      this.dependencies.workingHoursOf(unitIds),
    ]);
    const { timeZone } = this.dependencies;
    return new Map(unitIds.map((unitId) => [unitId, { calendar, hours: hours.get(unitId) ?? defaultHours, timeZone }]));
  }

  /** The policy in force for an inquiry answered by `unitId` for the account. */
  async policyFor(unitId: string, accountId: string | null): Promise<InquiryPolicy> {
    const pair = { unitId, accountId };
    return (await this.dependencies.settings.policiesFor([pair])).get(unitAndAccountKey(pair)) as InquiryPolicy;
  }

  /** Sends a text to the citizen through the platform; 'sent', or why it could not go. */
  async sendThroughPlatform(inquiry: Inquiry, text: string): Promise<'sent' | 'window-closed' | 'quota-used'> {
    const client = await this.dependencies.platform.clientFor(String(inquiry.accountId));
    if (!client || !inquiry.citizenId) return 'window-closed';
    try {
      await client.sendCustomText(inquiry.citizenId, text);
      return 'sent';
    } catch (error) {
      const refusal = this.dependencies.replyRefusal(error);
      if (refusal) return refusal;
      throw error;
    }
  }

  async notifyOfficers(
    inquiry: Inquiry,
    account: InquiryAccount,
    how: { acknowledged: boolean; joined: boolean },
    exceptPersonId?: string,
  ): Promise<void> {
    const heading = await this.headingOf(inquiry);
    if (how.joined) {
      const latest = inquiry.messages.findLast((message) => message.direction === 'in');
      heading.text = this.dependencies.maskPersonalData(latest?.text ?? '');
    }
    const recipients = (await this.officersFor(String(inquiry.unitId), account)).filter((id) => id !== exceptPersonId);
    const step = how.joined ? `message:${inquiry.messages.length}` : 'new';
    await this.dependencies.outbox.enqueue(
      recipients.map((personId) => ({
        idempotencyKey: `inquiry:${String(inquiry._id)}:${step}:${personId}`,
        recipient: { personId },
        text: newInquiryText(heading, how),
      })),
    );
  }

  /** The officers who answer inquiries of `unitId` (answeringOfficerIds). */
  async officersFor(unitId: string, account: InquiryAccount | null): Promise<string[]> {
    const officers = await this.dependencies.people.officersOf(unitId);
    return answeringOfficerIds(
      unitId,
      account,
      officers.map((officer) => officer.id),
    );
  }

  /** One notice for an import, instead of one per row. */
  async notifyOfImport(account: InquiryAccount, count: number, actor: InquiryActor): Promise<void> {
    const recipients = (await this.officersFor(account.unitId, account)).filter((id) => id !== actor.personId);
    const at = this.dependencies.clock.now().toISOString();
    await this.dependencies.outbox.enqueue(
      recipients.map((personId) => ({
        idempotencyKey: `inquiry-import:${account.id}:${at}:${personId}`,
        recipient: { personId },
        text: importedText(account.name, count),
      })),
    );
  }

  async reschedule(inquiry: Inquiry): Promise<void> {
    const [clock, policy] = await Promise.all([
      this.clockFor(String(inquiry.unitId)),
      this.policyFor(String(inquiry.unitId), String(inquiry.accountId)),
    ]);
    await scheduleReminders(inquiry, clock, policy, this.dependencies.clock.now(), this.dependencies.maskPersonalData);
  }

  /**
   * One audited change of an inquiry (its event kept on it for the timeline), and its reminder entry
   * brought in step with it: every change goes through here, so no entry lags behind its inquiry.
   */
  async change(
    inquiryId: Types.ObjectId,
    actor: { personId: string | null; via: string },
    decide: (inquiry: Inquiry) => AuditedChange | null,
  ): Promise<Inquiry> {
    const changed = await changeAudited<Inquiry>({
      audit: this.dependencies.audit,
      clock: this.dependencies.clock,
      target: InquiryModel,
      load: async () => {
        const inquiry = await InquiryModel.findById(inquiryId).lean<Inquiry>();
        if (!inquiry) throw inquiryNotFound();
        return inquiry;
      },
      decide,
      actor,
      subjectType: 'inquiry',
      subjectDetails: (inquiry) => ({ accountId: String(inquiry.accountId), code: inquiry.code }),
      busy: () => new ConflictError('INQUIRY_BUSY', '该留言正在被他人处理，请稍后再试'),
      keepEvent: (inquiry, event) => ({ timeline: [...inquiry.timeline, timelineEntryOf(event, noteOf(event))] }),
    });
    await this.reschedule(changed);
    return changed;
  }

  /** An open inquiry by code (Q7K2) or id that the actor may act on. */
  async findOpenForAction(actor: InquiryActor, reference: string): Promise<Inquiry> {
    const inquiry = await this.findByReference(reference);
    const account = (await this.dependencies.accounts.findAccounts([String(inquiry.accountId)])).get(
      String(inquiry.accountId),
    );
    await this.requireMayAct(actor, String(inquiry.unitId), account ?? null);
    if (inquiry.status !== 'open') throw alreadyEnded(inquiry);
    return inquiry;
  }

  async findByReference(reference: string): Promise<Inquiry> {
    const value = reference.trim();
    if (isObjectIdText(value)) {
      const byId = await InquiryModel.findById(value).lean<Inquiry>();
      if (byId) return byId;
    }
    const code = normalizeShortCode(value);
    if (!shortCodePattern.test(code)) throw inquiryNotFound(value);
    const open = await InquiryModel.findOne({ code, closedKey: '' }).lean<Inquiry>();
    if (open) return open;
    const ended = await InquiryModel.findOne({ code }).sort({ closedKey: -1 }).lean<Inquiry>();
    if (!ended) throw inquiryNotFound(value);
    return ended;
  }

  /**
   * Who may act on an inquiry: the answering unit's members, the account's back-office admin (while it
   * is with the account's unit), and admins whose scope covers the answering unit.
   */
  async mayAct(personId: string, unitId: string, account: InquiryAccount | null): Promise<boolean> {
    const person = (await this.dependencies.people.findPeople([personId])).get(personId);
    if (!person) return false;
    if (person.unitIds.includes(unitId)) return true;
    if (account && account.backendAdminId === personId && account.unitId === unitId) return true;
    const admin = await this.dependencies.people.findAdmin(personId);
    return admin ? this.dependencies.people.adminCoversUnit(admin, unitId) : false;
  }

  /** Refuses someone who may not act; `refusal` words it for a step that is not on an inquiry yet (登记, 导入). */
  async requireMayAct(
    actor: InquiryActor,
    unitId: string,
    account: InquiryAccount | null,
    refusal = '该留言不由您所在单位办理，不能操作；如需转办请联系办理单位或管理员',
  ): Promise<void> {
    if (!(await this.mayAct(actor.personId, unitId, account))) {
      throw new ForbiddenError('INQUIRY_NOT_YOURS', refusal);
    }
  }

  async accountById(accountId: string): Promise<InquiryAccount> {
    const account = isObjectIdText(accountId)
      ? (await this.dependencies.accounts.findAccounts([accountId])).get(accountId)
      : null;
    if (!account) throw new NotFoundError('ACCOUNT_NOT_FOUND', '找不到该账号');
    return account;
  }

  /** What a notice or a reply says about an inquiry. */
  async headingOf(inquiry: Inquiry): Promise<InquiryHeading> {
    const account = (await this.dependencies.accounts.findAccounts([String(inquiry.accountId)])).get(
      String(inquiry.accountId),
    );
    return {
      code: inquiry.code,
      accountName: account?.name ?? '',
      kind: inquiry.kind,
      text: this.dependencies.maskPersonalData(inquiry.messages[0]?.text ?? ''),
      answerDueOn: inquiry.answerDueOn,
    };
  }
}

export function inquiryNotFound(reference = ''): NotFoundError {
  return new NotFoundError('INQUIRY_NOT_FOUND', reference ? `找不到留言 ${reference}，请核对编号` : '找不到该留言');
}

export function alreadyEnded(inquiry: Pick<Inquiry, 'code' | 'status'>): ConflictError {
  const how = inquiry.status === 'answered' ? '已答复' : '已标记为无效';
  return new ConflictError('INQUIRY_ENDED', `留言 #${inquiry.code} ${how}，不能再操作`);
}

export function citizenMessage(at: Date, text: string, platformMessageId: string): ThreadMessage {
  return { at, direction: 'in', text, platformMessageId, purpose: '', byPersonId: null, channel: '' };
}

export function ourMessage(
  at: Date,
  text: string,
  purpose: ThreadMessage['purpose'],
  byPersonId: string | null,
  channel: ReplyChannel,
): ThreadMessage {
  return {
    at,
    direction: 'out',
    text,
    platformMessageId: '',
    purpose,
    byPersonId: byPersonId ? new Types.ObjectId(byPersonId) : null,
    channel,
  };
}

export function timelineEntryOf(event: AuditEvent, note: string): InquiryTimelineEntry {
  return {
    sequence: event._id,
    at: event.at,
    action: event.action,
    byPersonId: event.actor.personId ?? null,
    reason: event.reason,
    note,
  };
}

/** The one line a timeline shows for a step: the promise, the channel, the unit, the kind. */
export function noteOf(event: AuditEvent): string {
  const details = event.details as Record<string, unknown>;
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : '');
  switch (event.action) {
    case 'inquiry.extended':
      return `答复期限 ${text('fromDueOn')} → ${text('toDueOn')}`;
    case 'inquiry.acknowledged':
      return `承诺 ${text('promisedOn')} 前答复`;
    case 'inquiry.answered':
      return text('channel') === 'platform' ? '经平台客服消息答复' : '在平台后台答复';
    case 'inquiry.transferred':
      return `转至 ${text('toUnitName')}`;
    case 'inquiry.kind-set':
      return `${inquiryKindWords[text('to') as InquiryKind] ?? text('to')}，答复期限 ${text('answerDueOn')}`;
    default:
      return '';
  }
}
