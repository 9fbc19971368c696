/**
 * What the annual review is built from (its ports on people, accounts, the outbox and the audit trail),
 * shared by the service and the November cycle so neither imports the other for it.
 */
import type { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { AuditTrail } from '../audit/audit-service';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, PersonSummary } from '../people/people-service';
import type { AccountService } from '../accounts/account-service';

export interface AnnualReviewConfig {
  timeZone: string;
  /** November days on which the account's admin and leader are reminded (default 1, 15, 25, 30). */
  reminderDays: readonly number[];
}

export interface AnnualReviewPeople {
  findAdmin(personId: string): Promise<AdminSummary | null>;
  adminCoversUnit(admin: Pick<AdminSummary, 'scopeUnitIds'>, unitId: string): Promise<boolean>;
  adminsOf(unitId?: string): Promise<PersonSummary[]>;
  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonSummary>>;
  unitsWithin(scopeUnitIds: string[]): Promise<string[]>;
}

export interface AnnualReviewDependencies {
  clock: Clock;
  audit: AuditTrail;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  people: AnnualReviewPeople;
  accounts: Pick<
    AccountService,
    | 'findByName'
    | 'findAccounts'
    | 'listRunningAccounts'
    | 'runningAccountsOfUnits'
    | 'rolesOn'
    | 'countRegistry'
    | 'listActiveIn'
  >;
  config: AnnualReviewConfig;
  logger?: Logger;
}
