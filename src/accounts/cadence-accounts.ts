/**
 * The registry's reads for the cadence check (R4) and the platform sweep (R10): the accounts they
 * follow, as the registry stands. They read accounts only through these, with projections so a daily
 * read of every account stays small.
 */
import { Types } from 'mongoose';
import { AccountModel } from './account-model';
import type { Account } from './account-model';

export interface TrackedAccount {
  id: string;
  unitId: string;
  name: string;
  platform: string;
  cadenceDays: number;
  leaderId: string;
  /** The backend admin (后台管理员): the officer who runs the account day to day. */
  officerId: string;
  /** Opened on (or registered on, before an opening date is recorded). */
  since: Date;
}

const projection = {
  unitId: 1,
  name: 1,
  platform: 1,
  cadenceDays: 1,
  leaderInChargeId: 1,
  backendAdminId: 1,
  openedAt: 1,
  createdAt: 1,
} as const;

type ProjectedAccount = Pick<
  Account,
  | '_id'
  | 'unitId'
  | 'name'
  | 'platform'
  | 'cadenceDays'
  | 'leaderInChargeId'
  | 'backendAdminId'
  | 'openedAt'
  | 'createdAt'
>;

function toTracked(account: ProjectedAccount): TrackedAccount {
  return {
    id: String(account._id),
    unitId: String(account.unitId),
    name: account.name,
    platform: account.platform,
    cadenceDays: account.cadenceDays,
    leaderId: String(account.leaderInChargeId),
    officerId: String(account.backendAdminId),
    since: account.openedAt ?? account.createdAt,
  };
}

export class CadenceAccounts {
  /** Every active account, in one query. */
  async listActive(): Promise<TrackedAccount[]> {
    const accounts = await AccountModel.find({ status: 'active' }, projection)
      .batchSize(5000)
      .lean<ProjectedAccount[]>();
    return accounts.map(toTracked);
  }

  /** Active accounts of these units, or whose leader in charge is `leaderId`. */
  async listActiveFor(input: { unitIds: string[]; leaderId?: string }): Promise<TrackedAccount[]> {
    const or: Record<string, unknown>[] = [{ unitId: { $in: input.unitIds.map((id) => new Types.ObjectId(id)) } }];
    if (input.leaderId) or.push({ leaderInChargeId: new Types.ObjectId(input.leaderId) });
    const accounts = await AccountModel.find({ status: 'active', $or: or }, projection).lean<ProjectedAccount[]>();
    return accounts.map(toTracked);
  }

  /** These accounts, whatever their status (the platform sweep's connected accounts), in one query. */
  async findTracked(accountIds: string[]): Promise<TrackedAccount[]> {
    if (accountIds.length === 0) return [];
    const accounts = await AccountModel.find(
      { _id: { $in: accountIds.map((id) => new Types.ObjectId(id)) } },
      projection,
    ).lean<ProjectedAccount[]>();
    return accounts.map(toTracked);
  }

  /** The unit's account when it has exactly one active account (a draft that names none is its post). */
  async soleActiveAccountOf(unitId: string): Promise<string | null> {
    const accounts = await AccountModel.find({ unitId: new Types.ObjectId(unitId), status: 'active' }, { _id: 1 })
      .limit(2)
      .lean();
    return accounts.length === 1 ? String(accounts[0]._id) : null;
  }
}
