/**
 * Reading the account registry (R4): an account for an admin, the admin's list, the account a chat
 * message or a draft names, and the counts for the dashboard. AccountService adds the changes.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText, toObjectId } from '../shared/ids';
import type { AdminSummary, PersonSummary } from '../people/people-service';
import { AccountModel, accountStatuses } from './account-model';
import type { Account, AccountPlatform, AccountStatus } from './account-model';
import { draftRefusal, platformLabels } from './account-rules';
import type { ClosureRole } from './account-rules';

/** Who acts, and the identity the request came through (for the audit trail). */
export interface RegistryActor {
  personId: string;
  via: string;
}

export interface RegistryPeople {
  findAdmin(personId: string): Promise<AdminSummary | null>;
  adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean>;
  adminCoversPerson(admin: Pick<AdminSummary, 'scopeUnitIds'>, personId: string): Promise<boolean>;
  adminsOf(unitId?: string): Promise<PersonSummary[]>;
  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonSummary>>;
  unitName(unitId: string): Promise<string>;
  unitsWithin(scopeUnitIds: string[]): Promise<string[]>;
}

/**
 * Who may change an account: `admin` only an admin whose scope covers it (the API: the managing office's
 * registry, which shows an admin nothing outside their scope); otherwise its staff too (the leader in
 * charge and the backend admin take their closure steps in chat).
 */
export interface RegistryAccess {
  admin: boolean;
}

export interface AccountQueryDependencies {
  clock: Clock;
  people: RegistryPeople;
}

export interface RegistryCounts {
  byStatus: Record<AccountStatus, number>;
  filingOverdue: number;
  /** Active accounts whose certification expires within 90 days. */
  certificationExpiring: number;
  interactionOff: number;
}

const pageLimit = 100;

export class AccountQueries {
  constructor(protected readonly dependencies: AccountQueryDependencies) {}

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
    return this.onlyOneNamed(visible, name, '请联系管理员处理');
  }

  /**
   * The account an operator names on the server's command line (by id, or by name among every account),
   * with no scope: whoever runs the server's CLI holds its configuration already.
   */
  async findForOperator(reference: string): Promise<Account> {
    const value = reference.trim();
    if (isObjectIdText(value)) return this.load(value);
    const named = await AccountModel.find({ name: value, status: { $ne: 'rejected' } })
      .sort({ _id: 1 })
      .lean<Account[]>();
    return this.onlyOneNamed(named, value, '请改用账号编号');
  }

  /**
   * Of the accounts with this name, the one still open (or the only one); an unknown name and a
   * shared one say so, the latter naming the units and `ambiguousHint` saying what to do.
   */
  private async onlyOneNamed(named: Account[], name: string, ambiguousHint: string): Promise<Account> {
    const open = named.filter((account) => account.status !== 'closed');
    const matches = open.length > 0 ? open : named;
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
        `有 ${matches.length} 个名为“${name}”的账号（${described.join('、')}），${ambiguousHint}`,
      );
    }
    return matches[0];
  }

  /** A unit's open account by name or platform (see findOpenAccountId). */
  findAccountId(unitId: string, reference: string): Promise<string | null> {
    return findOpenAccountId(unitId, reference);
  }

  /**
   * The account a draft of `unitId` goes to: the one it names, or the unit's only running account; null
   * when the unit has none registered. Several without a name, or a closing account, are refused.
   */
  async accountForDraft(
    unitId: string,
    name: string | null,
    options: { strict: boolean } = { strict: true },
  ): Promise<{ id: string; name: string; platform: AccountPlatform } | null> {
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
      return { id: String(named[0]._id), name: named[0].name, platform: named[0].platform };
    }
    const open = accounts.filter((account) => !draftRefusal(account));
    if (open.length === 1) return { id: String(open[0]._id), name: open[0].name, platform: open[0].platform };
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
    const byStatus = Object.fromEntries(accountStatuses.map((status) => [status, 0])) as Record<AccountStatus, number>;
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

  /** The active accounts of these units, with what the dashboard's risk check reads. */
  listActiveAccountsIn(
    unitIds: string[],
  ): Promise<
    Pick<
      Account,
      '_id' | 'unitId' | 'name' | 'platform' | 'filedAt' | 'filingDueAt' | 'certification' | 'interactionEnabled'
    >[]
  > {
    return AccountModel.find(
      { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) }, status: 'active' },
      { unitId: 1, name: 1, platform: 1, filedAt: 1, filingDueAt: 1, certification: 1, interactionEnabled: 1 },
    ).lean();
  }

  /** Reads accounts by id for other features (annual review); missing ids are absent. */
  async findAccounts(ids: (string | Types.ObjectId)[]): Promise<Map<string, Account>> {
    const accounts = await AccountModel.find({ _id: { $in: ids.map((id) => new Types.ObjectId(String(id))) } }).lean<
      Account[]
    >();
    return new Map(accounts.map((account) => [String(account._id), account]));
  }

  /** The unit of each account, in one query (the audit trail's visibility); unknown ids are absent. */
  async unitsOf(ids: string[]): Promise<Map<string, string>> {
    const objectIds = ids.filter(isObjectIdText).map((id) => new Types.ObjectId(id));
    if (objectIds.length === 0) return new Map();
    const accounts = await AccountModel.find({ _id: { $in: objectIds } }, { unitId: 1 }).lean<Account[]>();
    return new Map(accounts.map((account) => [String(account._id), String(account.unitId)]));
  }

  /** The active accounts of some units (the dashboard's registry risks). */
  listActiveIn(unitIds: string[]): Promise<Account[]> {
    return AccountModel.find({
      unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) },
      status: 'active',
    }).lean<Account[]>();
  }

  /**
   * The accounts an inspection may look at in these units (考核自查): running ones, and closed ones, whose
   * report for a date before their closure still counts. The caller cuts them to the date.
   */
  accountsForReadiness(unitIds: string[]): Promise<Account[]> {
    return AccountModel.find({
      unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) },
      status: { $in: ['active', 'closing', 'closed'] },
    }).lean<Account[]>();
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
      .cursor({ batchSize: 10_000 });
  }

  /** The running accounts (active or closing) of these units, oldest first. */
  async runningAccountsOfUnits(unitIds: string[]): Promise<Account[]> {
    return AccountModel.find({
      unitId: { $in: unitIds.map((id) => toObjectId(id, () => invalidId('单位'))) },
      status: { $in: ['active', 'closing'] },
    })
      .lean<Account[]>()
      .then((accounts) => accounts.sort((left, right) => String(left._id).localeCompare(String(right._id))));
  }

  /**
   * The account for an admin who may change it, as the registry's own changes check: an admin whose
   * scope covers it. Another admin reads it as unknown; anyone else is told it is for admins.
   */
  async findForAdminChange(actor: RegistryActor, accountId: string): Promise<Account> {
    const account = await this.load(accountId);
    await this.requireAccess(actor, account, { admin: true });
    return account;
  }

  /**
   * The actor's roles on the account, when they may change it (`admin`: only an admin whose scope covers
   * it; otherwise its staff too). Anyone with no role on the account reads it as unknown.
   */
  protected async requireAccess(
    actor: RegistryActor,
    account: Account,
    access: RegistryAccess,
  ): Promise<ClosureRole[]> {
    const roles = await this.rolesOn(actor, account);
    if (access.admin && !roles.includes('admin')) {
      if (await this.dependencies.people.findAdmin(actor.personId)) throw accountNotFound();
      throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以办理账号开办、备案和变更');
    }
    if (roles.length === 0) throw accountNotFound();
    return roles;
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

  protected async load(accountId: string): Promise<Account> {
    if (!isObjectIdText(accountId)) throw accountNotFound();
    const account = await AccountModel.findById(accountId).lean<Account>();
    if (!account) throw accountNotFound();
    return account;
  }
}

export function accountNotFound(): NotFoundError {
  return new NotFoundError('ACCOUNT_NOT_FOUND', '找不到该账号，或该账号不在您的管理范围内');
}

export function invalidId(word: string) {
  return new ValidationError('INVALID_ID', `${word}编号无效`);
}

/**
 * A unit's open account by name, platform key or platform label: how an approval route in the
 * organization file names its account. Needs no people, so the composition root can give it to the
 * people feature before the registry (which needs people) is built.
 */
export async function findOpenAccountId(unitId: string, reference: string): Promise<string | null> {
  if (!isObjectIdText(unitId)) return null;
  const accounts = await AccountModel.find({ unitId: new Types.ObjectId(unitId), closedKey: '' }).lean<Account[]>();
  const value = reference.trim();
  const found = accounts.find(
    (account) => account.name === value || account.platform === value || platformLabels[account.platform] === value,
  );
  return found ? String(found._id) : null;
}
