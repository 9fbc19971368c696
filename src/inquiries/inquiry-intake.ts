/**
 * Taking inquiries in (R8): a follower's message pushed by a connected 公众号 opens one (or joins the
 * follower's open one) and is acknowledged with the promised date; one registered by hand (chat, API,
 * mini-program, a platform's export) is checked and opened. The received event is recorded first, keyed
 * by the inquiry's id, and the inquiry keeps it.
 */
import { Types } from 'mongoose';
import { ValidationError } from '../shared/errors';
import { objectIdOfKey } from '../shared/ids';
import { drawShortCode } from '../shared/short-codes';
import { wellFormed } from '../shared/text-normalization';
import { isUniqueConflict } from '../shared/database';
import { acknowledgementText, checkInquiryText, deadlinesFor } from './inquiry-rules';
import type { InquiryKind, InquiryPolicy, InquirySource } from './inquiry-rules';
import { InquiryModel } from './inquiry-model';
import type { Inquiry, InquiryTimelineEntry } from './inquiry-model';
import { findJoinableInquiryId, scheduleReminders } from './inquiry-reminders';
import type { InquiryAccount } from './inquiry-account';
import type { InquiryActor, InquiryContext } from './inquiry-context';
import { citizenMessage, ourMessage, timelineEntryOf } from './inquiry-context';
import { readInquiryImport } from './inquiry-import-rules';

/** A user message pushed by a connected account. */
export interface PlatformMessage {
  openId: string;
  content: string;
  msgId: string;
  at: Date;
}

export interface ManualRegistration {
  accountId?: string;
  accountName?: string;
  text: string;
  /** Who wrote it, as the platform shows them ("微博用户 张三", "来电 138****"). */
  citizenLabel?: string;
  /** When it was sent to the account; now when not given. */
  receivedAt?: Date;
  kind?: InquiryKind;
}

/** Why someone outside an account's unit and scope may not register its inquiries (the account is not named). */
const notYourAccount = '不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内';

export class InquiryIntake {
  constructor(private readonly context: InquiryContext) {}

  /**
   * A user's text pushed by a connected account: joins the user's open inquiry there when it came
   * within the join window, else opens one and acknowledges it. The same MsgId never counts twice.
   */
  async receivePlatformMessage(accountId: string, message: PlatformMessage): Promise<Inquiry | null> {
    const account = (await this.context.dependencies.accounts.findAccounts([accountId])).get(accountId);
    if (!account) {
      this.context.dependencies.logger.warn({ accountId }, 'inquiry pushed for an unknown account was not kept');
      return null;
    }
    const text = wellFormed(message.content);
    const policy = await this.context.policyFor(account.unitId, account.id);
    const joinFrom = new Date(message.at.getTime() - policy.joinWindowMinutes * 60_000);
    const joinableId = await findJoinableInquiryId(account.id, message.openId, joinFrom);
    const found = joinableId ? await InquiryModel.findById(joinableId).lean<Inquiry>() : null;
    const open = found?.status === 'open' ? found : null;
    if (open) {
      if (open.messages.some((kept) => kept.platformMessageId === message.msgId)) return open;
      const joined = await this.context.change(open._id, { personId: null, via: 'platform' }, (inquiry) => ({
        action: 'inquiry.message-received',
        changes: {
          messages: [...inquiry.messages, citizenMessage(message.at, text, message.msgId)],
          lastCitizenMessageAt: message.at,
          repliesInWindow: 0,
        },
      }));
      await this.context.notifyOfficers(joined, account, { acknowledged: false, joined: true });
      return joined;
    }
    const created = await this.open({
      id: objectIdOfKey('inquiry', `${account.id}:${message.msgId}`),
      account,
      source: 'platform',
      citizenId: message.openId,
      citizenLabel: '公众号用户',
      text,
      platformMessageId: message.msgId,
      receivedAt: message.at,
      kind: 'consultation',
      actor: { personId: null, via: 'platform' },
    });
    const acknowledged = policy.autoAcknowledge ? await this.acknowledge(created, policy) : created;
    await this.context.notifyOfficers(acknowledged, account, {
      acknowledged: acknowledged.acknowledgedAt !== null,
      joined: false,
    });
    return acknowledged;
  }

  /** An inquiry registered by hand (chat 登记留言, the API, the mini-program, an import). */
  async register(actor: InquiryActor, input: ManualRegistration): Promise<Inquiry> {
    const account = input.accountId
      ? await this.context.accountById(input.accountId)
      : await this.context.dependencies.accounts.findByName(actor, input.accountName ?? '');
    const text = wellFormed(input.text ?? '');
    const refusal = checkInquiryText(text);
    if (refusal) throw new ValidationError('INQUIRY_TEXT_INVALID', refusal);
    const now = this.context.dependencies.clock.now();
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime() + 60_000) {
      throw new ValidationError('INQUIRY_TIME_INVALID', '留言时间不能晚于现在');
    }
    await this.context.requireMayAct(actor, account.unitId, account, notYourAccount);
    const created = await this.open({
      id: new Types.ObjectId(),
      account,
      source: 'manual',
      citizenId: '',
      citizenLabel: wellFormed(input.citizenLabel ?? '').slice(0, 60) || '留言人',
      text,
      platformMessageId: '',
      receivedAt,
      kind: input.kind ?? 'consultation',
      actor,
    });
    await this.context.notifyOfficers(created, account, { acknowledged: false, joined: false }, actor.personId);
    return created;
  }

  /**
   * A platform's export (CSV) for one account: each good row registered once (a row imported again is
   * skipped), the rows that cannot be read reported with their line; the officers get one notice.
   */
  async importFile(
    actor: InquiryActor,
    accountId: string,
    content: string,
  ): Promise<{ imported: number; alreadyThere: number; errors: string[] }> {
    const account = await this.context.accountById(accountId);
    await this.context.requireMayAct(actor, account.unitId, account, notYourAccount);
    const { clock, timeZone } = this.context.dependencies;
    const reading = readInquiryImport(content, { accountId: account.id, timeZone, now: clock.now() });
    const ids = reading.rows.map((row) => objectIdOfKey('inquiry-import', row.key));
    const existing = new Set(
      (await InquiryModel.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((found) => String(found._id)),
    );
    let imported = 0;
    for (const [index, row] of reading.rows.entries()) {
      if (existing.has(String(ids[index]))) continue;
      await this.open({
        id: ids[index],
        account,
        source: 'import',
        citizenId: '',
        citizenLabel: row.citizenLabel || '留言人',
        text: row.text,
        platformMessageId: '',
        receivedAt: row.receivedAt,
        kind: row.kind,
        actor,
      });
      imported += 1;
    }
    if (imported > 0) await this.context.notifyOfImport(account, imported, actor);
    return { imported, alreadyThere: existing.size, errors: reading.errors };
  }

  private async open(input: {
    id: Types.ObjectId;
    account: InquiryAccount;
    source: InquirySource;
    citizenId: string;
    citizenLabel: string;
    text: string;
    platformMessageId: string;
    receivedAt: Date;
    kind: InquiryKind;
    actor: { personId: string | null; via: string };
  }): Promise<Inquiry> {
    const existing = await InquiryModel.findById(input.id).lean<Inquiry>();
    if (existing) return existing;
    const [clock, policy] = await Promise.all([
      this.context.clockFor(input.account.unitId),
      this.context.policyFor(input.account.unitId, input.account.id),
    ]);
    const deadlines = deadlinesFor(clock, input.receivedAt, input.kind, policy);
    const now = this.context.dependencies.clock.now();
    // The event first, keyed by the inquiry's id: a retry records it once, and the inquiry keeps it.
    const { event } = await this.context.dependencies.audit.append({
      key: `inquiry:${String(input.id)}:r0`,
      actor: input.actor,
      action: 'inquiry.received',
      subject: { type: 'inquiry', id: String(input.id) },
      subjectVersion: 1,
      details: {
        accountId: input.account.id,
        source: input.source,
        kind: input.kind,
        answerDueOn: deadlines.answerDueOn,
        acknowledgeDueAt: deadlines.acknowledgeDueAt.toISOString(),
      },
    });
    for (let attempt = 0; ; attempt += 1) {
      const document: Omit<Inquiry, 'timeline'> & { timeline: InquiryTimelineEntry[] } = {
        _id: input.id,
        revision: 1,
        updatedAt: now,
        code: drawShortCode(),
        closedKey: '',
        accountId: new Types.ObjectId(input.account.id),
        unitId: new Types.ObjectId(input.account.unitId),
        accountUnitId: new Types.ObjectId(input.account.unitId),
        source: input.source,
        citizenId: input.citizenId,
        citizenLabel: input.citizenLabel,
        kind: input.kind,
        status: 'open',
        invalidReason: '',
        receivedAt: input.receivedAt,
        lastCitizenMessageAt: input.receivedAt,
        repliesInWindow: 0,
        acknowledgeDueAt: deadlines.acknowledgeDueAt,
        acknowledgedAt: null,
        answerDueOn: deadlines.answerDueOn,
        originalDueOn: deadlines.answerDueOn,
        extensions: [],
        answeredAt: null,
        answeredById: null,
        answeredByUnitId: null,
        answerText: '',
        answerChannel: '',
        messages: [citizenMessage(input.receivedAt, input.text, input.platformMessageId)],
        registeredById: input.actor.personId ? new Types.ObjectId(input.actor.personId) : null,
        pendingAnswer: null,
        timeline: [timelineEntryOf(event, deadlines.answerDueOn)],
      };
      try {
        await InquiryModel.create(document);
        await scheduleReminders(document, clock, policy, now, this.context.dependencies.maskPersonalData);
        return document;
      } catch (error) {
        // A code taken by another open inquiry: draw again. The same id inserted meanwhile: that one.
        if (!isUniqueConflict(error) || attempt >= 5) throw error;
        const raced = await InquiryModel.findById(input.id).lean<Inquiry>();
        if (raced) return raced;
      }
    }
  }

  /** The 知晓性回复 through the platform, stating the recorded promise; the inquiry as it is when it cannot go. */
  private async acknowledge(inquiry: Inquiry, policy: InquiryPolicy): Promise<Inquiry> {
    const text = acknowledgementText(policy.acknowledgementTemplate, inquiry.answerDueOn);
    const sent = await this.context.sendThroughPlatform(inquiry, text);
    if (sent !== 'sent') return inquiry;
    const at = this.context.dependencies.clock.now();
    return this.context.change(inquiry._id, { personId: null, via: 'platform' }, (current) => ({
      action: 'inquiry.acknowledged',
      details: { promisedOn: current.answerDueOn, text },
      changes: {
        acknowledgedAt: at,
        repliesInWindow: current.repliesInWindow + 1,
        messages: [...current.messages, ourMessage(at, text, 'acknowledgement', null, 'platform')],
      },
    }));
  }
}
