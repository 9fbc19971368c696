/**
 * The account registry (R4) as the API, the chat and the jobs use it: opening applications and their
 * decision, the filing and its deadline, re-filings of the leader or admin with their history, the
 * interaction function, the certification, and the closure workflow. Every change is an audit event
 * with actor and reason, written together with the record (src/audit/audited-transition.ts); every
 * message goes through the outbox with a deterministic key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText, toObjectId } from '../shared/ids';
import { addCalendarDays, calendarDateOf, startOfCalendarDate } from '../shared/wall-time';
import type { AuditTrail } from '../audit/audit-service';
import { applyAuditedTransition } from '../audit/audited-transition';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, PersonSummary } from '../people/people-service';
import { AccountModel } from './account-model';
import type { Account, AccountPlatform, AccountStatus, ClosureStep } from './account-model';
import {
  accountStatusWords,
  closureStepRefusal,
  closureStepWords,
  describeAccount,
  draftRefusal,
  dueCertificationReminder,
  platformLabels,
  statusAfterClosureStep,
} from './account-rules';
import type { ClosureRole } from './account-rules';
import { filingDeadline } from './filing-deadline-rules';
import type { FilingDeadlinePolicy, WorkingDayCalendar } from './filing-deadline-rules';
import {
  certificationReminderText,
  closureNextHints,
  closureStepText,
  filingOverdueText,
  interactionOffText,
  openingDecisionText,
  refilingText,
} from './account-messages';

/** Who acts, and the identity the request came through (for the audit trail). */
export interface RegistryActor {
  personId: string;
  via: string;
}

export interface RegistryPeople {
  findAdmin(personId: string): Promise<AdminSummary | null>;
  adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean>;
  adminsOf(unitId?: string): Promise<PersonSummary[]>;
  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonSummary>>;
  unitName(unitId: string): Promise<string>;
  unitsWithin(scopeUnitIds: string[]): Promise<string[]>;
}

export interface RegistryOutbox {
  enqueue(entries: OutboxEntry[]): Promise<void>;
}

export interface RegistryConfig {
  filingDeadline: FilingDeadlinePolicy;
  timeZone: string;
}

export interface AccountServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  outbox: RegistryOutbox;
  people: RegistryPeople;
  config: RegistryConfig;
  calendar: WorkingDayCalendar;
  logger?: Logger;
}

export interface AccountApplication {
  unitId: string;
  platform: AccountPlatform;
  name: string;
  purpose: string;
  scope: string;
  leaderInChargeId: string;
  backendAdminId: string;
  backendAdminPhone: string;
  /** The date opened on the platform, "2026-11-02". */
  openedOn: string;
}

export interface RegistryCounts {
  byStatus: Record<AccountStatus, number>;
  filingOverdue: number;
  /** Active accounts whose certification expires within 90 days. */
  certificationExpiring: number;
  interactionOff: number;
}

const maxAttempts = 8;
const pageLimit = 100;

export class AccountService {
  constructor(private readonly dependencies: AccountServiceDependencies) {}

  /** An opening application (申请表) by an admin of the unit; the unit may hold one account per platform. */
  async apply(actor: RegistryActor, input: AccountApplication): Promise<Account> {
    await this.requireAdminOf(actor, input.unitId);
    const unitId = toObjectId(input.unitId, () => invalidId('单位'));
    const people = await this.dependencies.people.findPeople([input.leaderInChargeId, input.backendAdminId]);
    for (const [id, word] of [
      [input.leaderInChargeId, '分管领导'],
      [input.backendAdminId, '后台管理员'],
    ] as const) {
      if (!people.has(id)) throw new ValidationError('PERSON_NOT_FOUND', `找不到所填的${word}，请先在人员名单中登记`);
    }
    const existing = await AccountModel.findOne({ unitId, platform: input.platform, closedKey: '' }).lean<Account>();
    if (existing) throw platformTaken(existing);
    const account = await AccountModel.create({
      unitId,
      platform: input.platform,
      name: input.name.trim(),
      purpose: input.purpose,
      scope: input.scope,
      leaderInChargeId: new Types.ObjectId(input.leaderInChargeId),
      backendAdminId: new Types.ObjectId(input.backendAdminId),
      backendAdminPhone: input.backendAdminPhone,
      applicantId: new Types.ObjectId(actor.personId),
      openedAt: startOfCalendarDate(input.openedOn, this.dependencies.config.timeZone),
      status: 'applying',
    }).catch(async (error: unknown) => {
      // Another application for the same platform won the race: name it, as the check above would have.
      const winner = await AccountModel.findOne({ unitId, platform: input.platform, closedKey: '' }).lean<Account>();
      throw winner ? platformTaken(winner) : error;
    });
    await this.dependencies.audit.append({
      key: `account:${String(account._id)}:applied`,
      actor,
      action: 'account.applied',
      subject: { type: 'account', id: String(account._id) },
      subjectVersion: 0,
      details: { unitId: input.unitId, platform: input.platform, name: account.name, openedOn: input.openedOn },
    });
    return account.toObject<Account>();
  }

  /** The managing office approves (with its document number) or rejects (with a reason) an application. */
  async decideOpening(
    actor: RegistryActor,
    accountId: string,
    input: { decision: 'approve' | 'reject'; reason: string; documentNumber: string },
  ): Promise<Account> {
    const reason = input.reason.trim();
    if (input.decision === 'reject' && !reason) {
      throw new ValidationError('REASON_REQUIRED', '不批准开办须写明理由');
    }
    const now = this.dependencies.clock.now();
    let lastDay = '';
    const account = await this.change(accountId, actor, { admin: true }, (current) => {
      if (current.status !== 'applying') {
        throw new ConflictError(
          'ACCOUNT_NOT_APPLYING',
          `账号${describeAccount(current)}${accountStatusWords[current.status]}，不是待审批的开办申请`,
        );
      }
      const approved = input.decision === 'approve';
      const deadline = this.deadlineFor(current.openedAt ?? now);
      lastDay = deadline.lastDay;
      const decided = { decision: approved ? 'approved' : 'rejected', byId: actor.personId, at: now, reason };
      return {
        action: approved ? 'account.opening-approved' : 'account.opening-rejected',
        reason,
        changes: approved
          ? {
              status: 'active',
              openingApproval: { ...decided, documentNumber: input.documentNumber.trim() },
              filingDueAt: startOfCalendarDate(addCalendarDays(deadline.lastDay, 1), this.dependencies.config.timeZone),
            }
          : {
              status: 'rejected',
              openingApproval: { ...decided, documentNumber: '' },
              closedKey: accountId,
            },
        details: approved ? { filingLastDay: deadline.lastDay, calendarKnown: deadline.calendarKnown } : {},
      };
    });
    const approved = account.status === 'active';
    await this.tell(
      `account:${accountId}:opening-decision`,
      [account.backendAdminId, account.leaderInChargeId],
      openingDecisionText(account, approved, lastDay, reason),
    );
    return account;
  }

  /** The opening filed with the managing office (备案); lifts the filing deadline. */
  async fileOpening(actor: RegistryActor, accountId: string, note: string): Promise<Account> {
    const now = this.dependencies.clock.now();
    return this.change(accountId, actor, { admin: true }, (current) => {
      if (current.status === 'applying' || current.status === 'rejected') {
        throw new ConflictError('ACCOUNT_NOT_OPEN', `账号${describeAccount(current)}尚未获准开办，不能备案`);
      }
      if (current.filedAt) throw new ConflictError('ACCOUNT_ALREADY_FILED', `账号${describeAccount(current)}已备案`);
      return {
        action: 'account.filed',
        reason: note,
        changes: {
          filedAt: now,
          filings: [...current.filings, filing('opening', now, actor.personId, note, null, null)],
        },
      };
    });
  }

  /** A change of the leader in charge or the backend admin, re-filed with its history (R4). */
  async refile(
    actor: RegistryActor,
    accountId: string,
    input: { role: 'leader' | 'admin'; personId: string; phone?: string; note: string },
  ): Promise<Account> {
    const now = this.dependencies.clock.now();
    const person = (await this.dependencies.people.findPeople([input.personId])).get(input.personId);
    if (!person) throw new ValidationError('PERSON_NOT_FOUND', '找不到变更后的人员，请先在人员名单中登记');
    const field = input.role === 'leader' ? 'leaderInChargeId' : 'backendAdminId';
    const roleWord = input.role === 'leader' ? '分管领导' : '后台管理员';
    let fromId = '';
    const account = await this.change(accountId, actor, { admin: true }, (current) => {
      if (current.status !== 'active' && current.status !== 'closing') {
        throw new ConflictError(
          'ACCOUNT_NOT_OPEN',
          `账号${describeAccount(current)}${accountStatusWords[current.status]}，不能变更备案`,
        );
      }
      fromId = String(current[field]);
      if (fromId === input.personId) {
        throw new ValidationError('REFILING_UNCHANGED', `${person.name}已是该账号的${roleWord}，无需变更`);
      }
      const kind = input.role === 'leader' ? 'leader-change' : 'admin-change';
      const changes: Record<string, unknown> = {
        [field]: new Types.ObjectId(input.personId),
        filings: [...current.filings, filing(kind, now, actor.personId, input.note, current[field], input.personId)],
      };
      if (input.role === 'admin' && input.phone !== undefined) changes.backendAdminPhone = input.phone;
      return { action: `account.${kind}`, reason: input.note, changes, details: { fromId, toId: input.personId } };
    });
    const names = await this.dependencies.people.findPeople([fromId, input.personId]);
    await this.tell(
      `account:${accountId}:refiled:${account.filings.length}`,
      [new Types.ObjectId(fromId), new Types.ObjectId(input.personId)],
      refilingText(account, roleWord, names.get(fromId)?.name ?? '（原人员）', person.name),
    );
    return account;
  }

  /** Records whether the interaction function (留言/评论) is on; turning it off warns (a national veto). */
  async setInteraction(actor: RegistryActor, accountId: string, enabled: boolean, note = ''): Promise<Account> {
    const account = await this.change(accountId, actor, { admin: true }, (current) => {
      if (current.interactionEnabled === enabled) return null;
      return {
        action: enabled ? 'account.interaction-on' : 'account.interaction-off',
        reason: note,
        changes: { interactionEnabled: enabled },
      };
    });
    if (!enabled) {
      const unitName = await this.dependencies.people.unitName(String(account.unitId));
      const admins = await this.dependencies.people.adminsOf(String(account.unitId));
      await this.tell(
        `account:${accountId}:interaction-off:r${account.revision}`,
        [account.leaderInChargeId, account.backendAdminId, ...admins.map((admin) => admin.id)],
        interactionOffText(account, unitName),
        'alert',
      );
    }
    return account;
  }

  async setCertification(
    actor: RegistryActor,
    accountId: string,
    input: { certified: boolean; expiresOn: string | null },
  ): Promise<Account> {
    const expiresAt = input.expiresOn ? startOfCalendarDate(input.expiresOn, this.dependencies.config.timeZone) : null;
    return this.change(accountId, actor, { admin: true }, () => ({
      action: 'account.certification-set',
      changes: { certification: { certified: input.certified, expiresAt } },
      details: { certified: input.certified, expiresOn: input.expiresOn },
    }));
  }

  /**
   * One step of the closure workflow, strictly in order: 申请关停 → 批准关停 → 停更公告 (with its link)
   * → 平台注销 → 关停备案. The request moves the account to 'closing'; the filing closes it.
   */
  async advanceClosure(
    actor: RegistryActor,
    accountId: string,
    input: { step: ClosureStep; note: string; url?: string },
  ): Promise<Account> {
    const now = this.dependencies.clock.now();
    const url = input.url?.trim() ?? '';
    const account = await this.change(accountId, actor, { admin: false }, (current, roles) => {
      const refusal = closureStepRefusal(current, input.step, roles, url);
      if (refusal) {
        const forbidden = refusal.startsWith('只有');
        throw forbidden
          ? new ForbiddenError('CLOSURE_STEP_FORBIDDEN', refusal)
          : new ConflictError('CLOSURE_STEP_REFUSED', `账号${describeAccount(current)}：${refusal}`);
      }
      const changes: Record<string, unknown> = {
        status: statusAfterClosureStep(input.step),
        closure: [
          ...current.closure,
          { step: input.step, at: now, byId: new Types.ObjectId(actor.personId), note: input.note, url },
        ],
      };
      if (input.step === 'filed') {
        changes.closedKey = accountId;
        changes.filings = [...current.filings, filing('closure', now, actor.personId, input.note, null, null)];
      }
      return { action: `account.closure.${input.step}`, reason: input.note, changes, details: url ? { url } : {} };
    });
    const admins = await this.dependencies.people.adminsOf(String(account.unitId));
    const recipients =
      input.step === 'requested'
        ? admins.map((admin) => admin.id)
        : [account.leaderInChargeId, account.backendAdminId, ...admins.map((admin) => admin.id)];
    await this.tell(
      `account:${accountId}:closure:${input.step}`,
      recipients,
      closureStepText(account, closureStepWords[input.step], closureNextHints[input.step]),
    );
    return account;
  }

  /** One account for an admin of its unit; out of scope reads as not found. */
  async getForAdmin(admin: AdminSummary, accountId: string): Promise<Account> {
    const account = await this.load(accountId);
    if (!(await this.dependencies.people.adminCoversUnit(admin, String(account.unitId)))) throw accountNotFound();
    return account;
  }

  /** The accounts within an admin's scope, oldest first, a page at a time (cursor: the last id seen). */
  async listForAdmin(
    admin: AdminSummary,
    options: { status?: AccountStatus; cursor?: string; limit?: number },
  ): Promise<{ accounts: Account[]; nextCursor: string | null }> {
    const unitIds = await this.dependencies.people.unitsWithin(admin.scopeUnitIds);
    const limit = Math.min(options.limit ?? 50, pageLimit);
    const filter: Record<string, unknown> = { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) } };
    if (options.status) filter.status = options.status;
    if (options.cursor) filter._id = { $gt: toObjectId(options.cursor, () => invalidId('分页游标')) };
    const accounts = await AccountModel.find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<Account[]>();
    const page = accounts.slice(0, limit);
    return { accounts: page, nextCursor: accounts.length > limit ? String(page[page.length - 1]._id) : null };
  }

  /**
   * The account a chat message names (by name, with or without “”/@): among those the person may see (an
   * admin's scope, or the accounts of their units and those they keep). Unknown and shared names say so.
   */
  async findByName(actor: RegistryActor, rawName: string): Promise<Account> {
    const name = rawName.replace(/^[@“"「『]+|[”"」』]+$/g, '').trim();
    if (!name) throw new ValidationError('ACCOUNT_NAME_MISSING', '请写明账号名称');
    const candidates = await AccountModel.find({ name, status: { $ne: 'rejected' } })
      .sort({ _id: 1 })
      .lean<Account[]>();
    const visible: Account[] = [];
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    const person = (await this.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    for (const account of candidates) {
      const keeps = [String(account.leaderInChargeId), String(account.backendAdminId)].includes(actor.personId);
      const ownUnit = person?.unitIds.includes(String(account.unitId)) ?? false;
      const inScope = admin ? await this.dependencies.people.adminCoversUnit(admin, String(account.unitId)) : false;
      if (keeps || ownUnit || inScope) visible.push(account);
    }
    const open = visible.filter((account) => account.status !== 'closed');
    const matches = open.length > 0 ? open : visible;
    if (matches.length === 0) {
      throw new NotFoundError('ACCOUNT_NOT_FOUND', `找不到名为“${name}”的账号，请核对账号名称（须与备案名称一致）`);
    }
    if (matches.length > 1) {
      const described = await Promise.all(
        matches.map(
          async (account) =>
            `${await this.dependencies.people.unitName(String(account.unitId))}的${platformLabels[account.platform]}`,
        ),
      );
      throw new ValidationError(
        'ACCOUNT_AMBIGUOUS',
        `有 ${matches.length} 个名为“${name}”的账号（${described.join('、')}），请联系管理员处理`,
      );
    }
    return matches[0];
  }

  /** AccountDirectory for the people feature: a unit's open account by name or platform. */
  async findAccountId(unitId: string, reference: string): Promise<string | null> {
    if (!isObjectIdText(unitId)) return null;
    const accounts = await AccountModel.find({ unitId: new Types.ObjectId(unitId), closedKey: '' }).lean<Account[]>();
    const value = reference.trim();
    const found = accounts.find(
      (account) => account.name === value || account.platform === value || platformLabels[account.platform] === value,
    );
    return found ? String(found._id) : null;
  }

  /**
   * The account a draft of `unitId` goes to: the one it names, or the unit's only running account; null
   * when the unit has none registered. Several without a name, or a closing account, are refused.
   */
  async accountForDraft(
    unitId: string,
    name: string | null,
    options: { strict: boolean } = { strict: true },
  ): Promise<{ id: string; name: string } | null> {
    const accounts = await AccountModel.find({
      unitId: toObjectId(unitId, () => invalidId('单位')),
      status: { $in: ['active', 'closing', 'closed'] },
    }).lean<Account[]>();
    if (name) {
      const named = accounts
        .filter((account) => account.name === name)
        .sort((left, right) => (left.status === 'closed' ? 1 : right.status === 'closed' ? -1 : 0));
      if (named.length === 0) {
        const known = accounts.filter((account) => !draftRefusal(account)).map((account) => account.name);
        throw new NotFoundError(
          'ACCOUNT_NOT_FOUND',
          `本单位没有名为“${name}”的账号${known.length ? `，可选：${known.join('、')}` : ''}`,
        );
      }
      const refusal = draftRefusal(named[0]);
      if (refusal) throw new ConflictError('ACCOUNT_NOT_TAKING_DRAFTS', `账号“${name}”：${refusal}`);
      return { id: String(named[0]._id), name: named[0].name };
    }
    const open = accounts.filter((account) => !draftRefusal(account));
    if (open.length === 1) return { id: String(open[0]._id), name: open[0].name };
    if (open.length > 1 && options.strict) {
      throw new ValidationError(
        'ACCOUNT_NOT_NAMED',
        `本单位有 ${open.length} 个账号（${open.map((account) => account.name).join('、')}），请写明发往哪个账号：投稿 @账号名 标题`,
      );
    }
    return null;
  }

  /** The account's name for messages; '' when unknown. */
  async accountNameOf(accountId: string): Promise<string> {
    if (!isObjectIdText(accountId)) return '';
    const account = await AccountModel.findById(accountId, { name: 1 }).lean<Pick<Account, 'name'>>();
    return account?.name ?? '';
  }

  /** Dashboard counts for the units of an admin's scope. */
  async countRegistry(unitIds: string[]): Promise<RegistryCounts> {
    const now = this.dependencies.clock.now();
    const match = { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) } };
    const accounts = await AccountModel.find(match, {
      status: 1,
      filedAt: 1,
      filingDueAt: 1,
      certification: 1,
      interactionEnabled: 1,
    }).lean<Pick<Account, 'status' | 'filedAt' | 'filingDueAt' | 'certification' | 'interactionEnabled'>[]>();
    const byStatus = Object.fromEntries(
      (['applying', 'rejected', 'active', 'closing', 'closed'] as const).map((status) => [status, 0]),
    ) as Record<AccountStatus, number>;
    const soon = now.getTime() + 90 * 86_400_000;
    let filingOverdue = 0;
    let certificationExpiring = 0;
    let interactionOff = 0;
    for (const account of accounts) {
      byStatus[account.status] += 1;
      if (account.status !== 'active') continue;
      if (!account.filedAt && account.filingDueAt && account.filingDueAt <= now) filingOverdue += 1;
      const expiresAt = account.certification.expiresAt?.getTime();
      if (expiresAt !== undefined && expiresAt <= soon) certificationExpiring += 1;
      if (!account.interactionEnabled) interactionOff += 1;
    }
    return { byStatus, filingOverdue, certificationExpiring, interactionOff };
  }

  /**
   * The registry's daily reminders for `today` (a calendar date): overdue filings (once per account)
   * and certification expiries (90, 30 and 7 days before). Keys are job + account + day + recipient, so
   * a repeated or concurrent run sends nothing twice, and a run after downtime sends what was missed.
   */
  async sendRegistryReminders(today: string): Promise<number> {
    const { timeZone } = this.dependencies.config;
    const endOfToday = startOfCalendarDate(addCalendarDays(today, 1), timeZone);
    const entries: OutboxEntry[] = [];
    const overdue = await AccountModel.find({
      status: 'active',
      filedAt: null,
      filingDueAt: { $lte: endOfToday },
    }).lean<Account[]>();
    const adminsByUnit = new Map<string, Promise<PersonSummary[]>>();
    for (const account of overdue) {
      const dueAt = account.filingDueAt as Date;
      const lastDay = addCalendarDays(calendarDateOf(dueAt, timeZone), -1);
      if (lastDay >= today) continue;
      const unitId = String(account.unitId);
      const unitName = await this.dependencies.people.unitName(unitId);
      if (!adminsByUnit.has(unitId)) adminsByUnit.set(unitId, this.dependencies.people.adminsOf(unitId));
      const admins = (await adminsByUnit.get(unitId)) ?? [];
      const recipients = unique([String(account.leaderInChargeId), ...admins.map((admin) => admin.id)]);
      entries.push(
        ...recipients.map((personId) => ({
          idempotencyKey: `filing-overdue:${String(account._id)}:${lastDay}:${personId}`,
          recipient: { personId },
          text: filingOverdueText(account, unitName, lastDay),
        })),
      );
    }
    const horizon = startOfCalendarDate(addCalendarDays(today, 91), timeZone);
    const expiring = await AccountModel.find({
      status: 'active',
      'certification.expiresAt': { $gt: endOfToday, $lte: horizon },
    }).lean<Account[]>();
    for (const account of expiring) {
      const expiresOn = calendarDateOf(account.certification.expiresAt as Date, timeZone);
      const due = dueCertificationReminder(expiresOn, today, addCalendarDays);
      if (!due) continue;
      const recipients = unique([String(account.backendAdminId), String(account.leaderInChargeId)]);
      entries.push(
        ...recipients.map((personId) => ({
          idempotencyKey: `certification-expiry:${String(account._id)}:${due.day}:${personId}`,
          recipient: { personId },
          text: certificationReminderText(account, expiresOn, due.daysBefore),
        })),
      );
    }
    await this.dependencies.outbox.enqueue(entries);
    return entries.length;
  }

  /** Reads accounts by id for other features (annual review); missing ids are absent. */
  async findAccounts(ids: (string | Types.ObjectId)[]): Promise<Map<string, Account>> {
    const accounts = await AccountModel.find({ _id: { $in: ids.map((id) => new Types.ObjectId(String(id))) } }).lean<
      Account[]
    >();
    return new Map(accounts.map((account) => [String(account._id), account]));
  }

  /** The running accounts (active or closing), for opening the annual review: a cursor over id and names. */
  listRunningAccounts(): AsyncIterable<
    Pick<Account, '_id' | 'unitId' | 'name' | 'platform' | 'leaderInChargeId' | 'backendAdminId'>
  > {
    return AccountModel.find(
      { status: { $in: ['active', 'closing'] } },
      { unitId: 1, name: 1, platform: 1, leaderInChargeId: 1, backendAdminId: 1 },
    )
      .lean()
      .cursor({ batchSize: 5000 });
  }

  /** Whether the person may act for the managing office on this account (an admin whose scope covers it). */
  async rolesOn(
    actor: RegistryActor,
    account: Pick<Account, 'unitId' | 'leaderInChargeId' | 'backendAdminId'>,
  ): Promise<ClosureRole[]> {
    const roles: ClosureRole[] = [];
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    if (admin && (await this.dependencies.people.adminCoversUnit(admin, String(account.unitId)))) roles.push('admin');
    if ([String(account.leaderInChargeId), String(account.backendAdminId)].includes(actor.personId)) {
      roles.push('account-keeper');
    }
    return roles;
  }

  private deadlineFor(openedAt: Date) {
    const { config, calendar, logger } = this.dependencies;
    const deadline = filingDeadline(calendarDateOf(openedAt, config.timeZone), config.filingDeadline, calendar);
    if (!deadline.calendarKnown) {
      logger?.warn(
        { lastDay: deadline.lastDay },
        'official calendar of the year not known yet: weekends only were counted',
      );
    }
    return deadline;
  }

  private async requireAdminOf(actor: RegistryActor, unitId: string): Promise<AdminSummary> {
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    if (!admin) throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以办理账号开办、备案和变更');
    if (!(await this.dependencies.people.adminCoversUnit(admin, unitId))) {
      throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，或该单位不在您的管理范围内');
    }
    return admin;
  }

  private async load(accountId: string): Promise<Account> {
    if (!isObjectIdText(accountId)) throw accountNotFound();
    const account = await AccountModel.findById(accountId).lean<Account>();
    if (!account) throw accountNotFound();
    return account;
  }

  /**
   * Loads the account, checks the actor (`admin`: only an admin whose scope covers it), asks `decide` for
   * the change and writes it with its audit event; retried when another writer took the revision. A
   * `decide` that returns null changes nothing.
   */
  private async change(
    accountId: string,
    actor: RegistryActor,
    options: { admin: boolean },
    decide: (
      account: Account,
      roles: ClosureRole[],
    ) => {
      action: string;
      reason?: string;
      changes: Record<string, unknown>;
      details?: Record<string, unknown>;
    } | null,
  ): Promise<Account> {
    for (let attempt = 1; ; attempt += 1) {
      const account = await this.load(accountId);
      const roles = await this.rolesOn(actor, account);
      if (options.admin && !roles.includes('admin')) {
        const admin = await this.dependencies.people.findAdmin(actor.personId);
        if (admin) throw accountNotFound();
        throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以办理账号开办、备案和变更');
      }
      if (roles.length === 0) throw accountNotFound();
      const decided = decide(account, roles);
      if (!decided) return account;
      const outcome = await applyAuditedTransition(
        this.dependencies.audit,
        AccountModel,
        account,
        decided.changes,
        {
          actor,
          action: decided.action,
          subject: { type: 'account', id: accountId },
          reason: decided.reason ?? '',
          details: decided.details ?? {},
        },
        this.dependencies.clock.now(),
      );
      if (outcome === 'applied') return this.load(accountId);
      if (attempt >= maxAttempts) {
        throw new ConflictError('ACCOUNT_BUSY', '该账号正在被他人修改，请稍后再试');
      }
      await sleep(20 * attempt);
    }
  }

  private async tell(
    key: string,
    recipients: (Types.ObjectId | string)[],
    text: string,
    kind: OutboxEntry['kind'] = 'notice',
  ): Promise<void> {
    await this.dependencies.outbox.enqueue(
      unique(recipients.map(String)).map((personId) => ({
        idempotencyKey: `${key}:${personId}`,
        recipient: { personId },
        text,
        kind,
      })),
    );
  }
}

function filing(
  kind: Account['filings'][number]['kind'],
  at: Date,
  byId: string,
  note: string,
  fromId: Types.ObjectId | string | null,
  toId: Types.ObjectId | string | null,
) {
  return {
    kind,
    filedAt: at,
    filedById: new Types.ObjectId(byId),
    note,
    fromId: fromId ? new Types.ObjectId(String(fromId)) : null,
    toId: toId ? new Types.ObjectId(String(toId)) : null,
  };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

function platformTaken(existing: Account): ConflictError {
  return new ConflictError(
    'ACCOUNT_PLATFORM_TAKEN',
    `本单位在${platformLabels[existing.platform]}已有账号“${existing.name}”（${accountStatusWords[existing.status]}），同一单位同一平台只能开设一个账号`,
  );
}

function accountNotFound(): NotFoundError {
  return new NotFoundError('ACCOUNT_NOT_FOUND', '找不到该账号，或该账号不在您的管理范围内');
}

function invalidId(word: string) {
  return new ValidationError('INVALID_ID', `${word}编号无效`);
}
