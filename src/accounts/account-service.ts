/**
 * The account registry (R4) as the API, the chat and the jobs use it: opening applications and their
 * decision, the filing and its deadline, re-filings of the leader or admin with their history, the
 * interaction function, the certification, and the closure workflow. Every change is an audit event
 * with actor and reason, written together with the record (changeAudited, src/audit/audit-ledger.ts); every
 * message goes through the outbox with a deterministic key.
 */
import { Types } from 'mongoose';
import type { Logger } from '../shared/logger';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { toObjectId } from '../shared/ids';
import { addDays, civilDate, instantAt } from '../shared/wall-clock';
import type { AuditTrail } from '../audit/audit-service';
import { changeAudited } from '../audit/audit-ledger';
import type { AuditedChange } from '../audit/audit-ledger';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, PersonSummary } from '../people/people-service';
import { AccountModel } from './account-model';
import type { Account, AccountPlatform, ClosureStep } from './account-model';
import {
  accountStatusWords,
  closureStepRefusal,
  closureStepWords,
  closureWithdrawalRefusal,
  describeAccount,
  platformLabels,
  statusAfterClosureStep,
} from './account-rules';
import type { ClosureRole } from './account-rules';
import { AccountQueries, accountNotFound, invalidId } from './account-queries';
import type { AccountQueryDependencies, RegistryAccess, RegistryActor } from './account-queries';

export type { RegistryAccess } from './account-queries';
import { collectRegistryReminders } from './registry-reminders';
import { filingDeadline } from './filing-deadline-rules';
import type { FilingDeadlinePolicy } from './filing-deadline-rules';
import type { WorkingCalendar } from '../cadence/calendar-rules';
import {
  closureNextHints,
  closureStepText,
  closureWithdrawnText,
  interactionOffText,
  openingDecisionText,
  refilingText,
} from './account-messages';
import { unique } from '../shared/unique';

export interface RegistryOutbox {
  enqueue(entries: OutboxEntry[]): Promise<void>;
}

export interface RegistryConfig {
  filingDeadline: FilingDeadlinePolicy;
  timeZone: string;
}

export interface AccountServiceDependencies extends AccountQueryDependencies {
  audit: AuditTrail;
  outbox: RegistryOutbox;
  config: RegistryConfig;
  /** The shared working-day calendar: official days with the admins' local overrides (CalendarService). */
  calendar: { workingCalendar(): Promise<WorkingCalendar> };
  logger?: Logger;
}

const staffOrAdmin: RegistryAccess = { admin: false };

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

export class AccountService extends AccountQueries {
  constructor(protected override readonly dependencies: AccountServiceDependencies) {
    super(dependencies);
  }

  /**
   * The registry's daily reminders for `today` (a calendar date), see registry-reminders.ts. A repeated
   * or concurrent run sends nothing twice; a run after downtime sends what was missed.
   */
  async sendRegistryReminders(today: string): Promise<number> {
    const entries = await collectRegistryReminders(today, {
      people: this.dependencies.people,
      timeZone: this.dependencies.config.timeZone,
    });
    await this.dependencies.outbox.enqueue(entries);
    return entries.length;
  }

  /** An opening application (申请表) by an admin of the unit; the unit may hold one account per platform. */
  async apply(actor: RegistryActor, input: AccountApplication): Promise<Account> {
    const admin = await this.requireAdminOf(actor, input.unitId);
    const unitId = toObjectId(input.unitId, () => invalidId('单位'));
    await this.requirePersonNamedBy(admin, input.leaderInChargeId, '所填的分管领导');
    await this.requirePersonNamedBy(admin, input.backendAdminId, '所填的后台管理员');
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
      openedAt: instantAt(input.openedOn, 0, this.dependencies.config.timeZone),
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
    const calendar = await this.dependencies.calendar.workingCalendar();
    let lastDay = '';
    const account = await this.change(accountId, actor, { admin: true }, (current) => {
      if (current.status !== 'applying') {
        throw new ConflictError(
          'ACCOUNT_NOT_APPLYING',
          `账号${describeAccount(current)}${accountStatusWords[current.status]}，不是待审批的开办申请`,
        );
      }
      const approved = input.decision === 'approve';
      const deadline = this.deadlineFor(current.openedAt ?? now, calendar);
      lastDay = deadline.lastDay;
      const decided = { decision: approved ? 'approved' : 'rejected', byId: actor.personId, at: now, reason };
      return {
        action: approved ? 'account.opening-approved' : 'account.opening-rejected',
        reason,
        changes: approved
          ? {
              status: 'active',
              openingApproval: { ...decided, documentNumber: input.documentNumber.trim() },
              filingDueAt: instantAt(addDays(deadline.lastDay, 1), 0, this.dependencies.config.timeZone),
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
    const field = input.role === 'leader' ? 'leaderInChargeId' : 'backendAdminId';
    const roleWord = input.role === 'leader' ? '分管领导' : '后台管理员';
    let fromId = '';
    const account = await this.change(accountId, actor, { admin: true }, async (current) => {
      // change() lets only an admin whose scope covers the account this far.
      const admin = await this.dependencies.people.findAdmin(actor.personId);
      if (!admin) throw accountNotFound();
      const person = await this.requirePersonNamedBy(admin, input.personId, '变更后的人员');
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
      refilingText(account, roleWord, names.get(fromId)?.name ?? '（原人员）', names.get(input.personId)?.name ?? ''),
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
    const expiresAt = input.expiresOn ? instantAt(input.expiresOn, 0, this.dependencies.config.timeZone) : null;
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
    access: RegistryAccess = staffOrAdmin,
  ): Promise<Account> {
    const now = this.dependencies.clock.now();
    const url = input.url?.trim() ?? '';
    const account = await this.change(accountId, actor, access, (current, roles) => {
      const refusal = closureStepRefusal(current, input.step, roles, url);
      if (refusal) {
        throw refusal.kind === 'forbidden'
          ? new ForbiddenError('CLOSURE_STEP_FORBIDDEN', refusal.message)
          : new ConflictError('CLOSURE_STEP_REFUSED', `账号${describeAccount(current)}：${refusal.message}`);
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
    // The revision tells a request made again after a withdrawal apart from the first one.
    await this.tell(
      `account:${accountId}:closure:${input.step}:r${account.revision}`,
      recipients,
      closureStepText(account, closureStepWords[input.step], closureNextHints[input.step]),
    );
    return account;
  }

  /**
   * Withdraws a closure request that is not approved yet (by its requester or an admin): the account is
   * active again and takes drafts; the withdrawn request stays in the audit trail.
   */
  async withdrawClosure(
    actor: RegistryActor,
    accountId: string,
    note: string,
    access: RegistryAccess = staffOrAdmin,
  ): Promise<Account> {
    const account = await this.change(accountId, actor, access, (current, roles) => {
      const refusal = closureWithdrawalRefusal(current, { personId: actor.personId, roles });
      if (refusal) {
        throw refusal.kind === 'forbidden'
          ? new ForbiddenError('CLOSURE_WITHDRAWAL_FORBIDDEN', refusal.message)
          : new ConflictError('CLOSURE_NOT_WITHDRAWABLE', `账号${describeAccount(current)}：${refusal.message}`);
      }
      const request = current.closure[0];
      return {
        action: 'account.closure.withdrawn',
        reason: note,
        changes: { status: 'active', closure: [] },
        details: {
          requestedById: String(request.byId),
          requestedAt: request.at.toISOString(),
          requestNote: request.note,
        },
      };
    });
    const admins = await this.dependencies.people.adminsOf(String(account.unitId));
    await this.tell(
      `account:${accountId}:closure-withdrawn:r${account.revision}`,
      [account.leaderInChargeId, account.backendAdminId, ...admins.map((admin) => admin.id)],
      closureWithdrawnText(account, note),
    );
    return account;
  }

  private deadlineFor(openedAt: Date, calendar: WorkingCalendar) {
    const { config, logger } = this.dependencies;
    const deadline = filingDeadline(civilDate(openedAt, config.timeZone), config.filingDeadline, calendar);
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

  /**
   * A person an admin names on an account (leader in charge, backend admin): someone within the admin's
   * scope, all of whose units are theirs (R9: the account's people answer for it). An unknown id and an
   * id outside read alike, so neither whether it exists nor the name leaks.
   */
  private async requirePersonNamedBy(admin: AdminSummary, personId: string, what: string): Promise<PersonSummary> {
    const person = (await this.dependencies.people.adminCoversPerson(admin, personId))
      ? (await this.dependencies.people.findPeople([personId])).get(personId)
      : undefined;
    if (!person) throw new ValidationError('PERSON_NOT_IN_SCOPE', `找不到${what}，或其不在您的管理范围内`);
    return person;
  }

  /**
   * Loads the account, checks the actor (`admin`: only an admin whose scope covers it; otherwise its
   * staff too), asks `decide` for the change and writes it with its audit event (see changeAudited). A
   * `decide` that returns null changes nothing. Anyone with no role on the account reads it as unknown.
   */
  private change(
    accountId: string,
    actor: RegistryActor,
    options: RegistryAccess,
    decide: (account: Account, roles: ClosureRole[]) => AuditedChange | null | Promise<AuditedChange | null>,
  ): Promise<Account> {
    return changeAudited({
      audit: this.dependencies.audit,
      clock: this.dependencies.clock,
      target: AccountModel,
      load: () => this.load(accountId),
      decide: async (account) => decide(account, await this.requireAccess(actor, account, options)),
      actor,
      subjectType: 'account',
      busy: () => new ConflictError('ACCOUNT_BUSY', '该账号正在被他人修改，请稍后再试'),
    });
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

function platformTaken(existing: Account): ConflictError {
  return new ConflictError(
    'ACCOUNT_PLATFORM_TAKEN',
    `本单位在${platformLabels[existing.platform]}已有账号“${existing.name}”（${accountStatusWords[existing.status]}），同一单位同一平台只能开设一个账号`,
  );
}
