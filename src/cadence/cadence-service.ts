/**
 * Publishing cadence (R6) as the draft flow, the daily job, the chat and the dashboard use it: posts
 * are recorded from 已发布 reports; once a day every active account is measured and the warnings that
 * became due go out through the outbox, each once per gap (see cadence-rules.ts).
 *
 * The daily check reads in bulk — every active account, every account's state, the units, the
 * policies, the admins and the reminders already given among those due — so its database commands do
 * not grow with the number of accounts. A warning is enqueued before it is recorded as given: a crash
 * in between enqueues it again next time, which the outbox's idempotency key turns into nothing.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isOnlyDuplicates, translateDatabaseError } from '../shared/database';
import { civilDate } from '../shared/wall-clock';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, UnitLineage } from '../people/people-service';
import { adminsCovering } from '../people/admin-scope-rules';
import type { PublishedDraft } from '../drafts/draft-service-types';
import type { AccountCadenceView } from '../shared/contracts';
import { PostModel } from './post-model';
import { CadenceStateModel } from './cadence-state-model';
import type { CadenceState } from './cadence-state-model';
import { ReminderRecordModel } from './reminder-record-model';
import {
  cadenceRisk,
  cadenceWarningKey,
  describeCadenceReport,
  dueCadenceWarnings,
  measureCadence,
} from './cadence-rules';
import type { AccountReportLine, CadenceAccount, CadenceFigures, CadenceRecipientRole } from './cadence-rules';
import type { CalendarService } from './calendar-service';
import type { ReminderPolicyService } from './reminder-policy-service';
import type { CadenceAccounts, TrackedAccount } from '../accounts/cadence-accounts';
import type { PostLedger } from './post-ledger';
import { defaultReminderPolicy } from './reminder-policy-rules';

export interface CadencePeople {
  unitLineage(unitIds: string[]): Promise<Map<string, UnitLineage>>;
  unitsWithin(scopeUnitIds: string[]): Promise<string[]>;
  activeAdmins(): Promise<AdminSummary[]>;
  findAdmin(personId: string): Promise<AdminSummary | null>;
}

export interface CadenceDrafts {
  listPublishedSince(since: Date): Promise<PublishedDraft[]>;
}

export interface CadenceServiceDependencies {
  clock: Clock;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  people: CadencePeople;
  calendar: CalendarService;
  policies: ReminderPolicyService;
  accounts: CadenceAccounts;
  /** Where posts are recorded; the draft service records through the same ledger. */
  posts: PostLedger;
  /** Where the daily check re-reads recent publications, in case one was not recorded. */
  drafts: CadenceDrafts;
  timeZone: string;
  logger?: Logger;
}

export interface CadenceCheckResult {
  accounts: number;
  warnings: number;
  messages: number;
}

/** Publications reported a few days back are read again by the daily check, in case one was missed. */
const reconcileDays = 3;

/** Documents per batch when every account is read: fewer round trips than the driver's default of 101. */
export const bulkBatchSize = 5000;

export class CadenceService {
  constructor(private readonly dependencies: CadenceServiceDependencies) {}

  /** Records a post (once per draft) and moves its account's last-post dates forward (post-ledger.ts). */
  recordPublication(publication: PublishedDraft): Promise<void> {
    return this.dependencies.posts.recordPublication(publication);
  }

  /** The daily check (09:00): measures every active account and sends the warnings that became due. */
  async runDailyCheck(): Promise<CadenceCheckResult> {
    const now = this.dependencies.clock.now();
    const today = civilDate(now, this.dependencies.timeZone);
    // Independent reads go together: on the embedded database each one is a scan. The units and
    // their policies follow the accounts at once, while the states may still be on their way.
    const [{ accounts, lineage, policies }, stored, published, calendar, admins] = await Promise.all([
      this.readAccountsWithUnits(),
      this.readStates(),
      this.dependencies.drafts.listPublishedSince(new Date(now.getTime() - reconcileDays * 86_400_000)),
      this.dependencies.calendar.workingCalendar(),
      this.dependencies.people.activeAdmins(),
    ]);
    const reconciled = await this.reconcile(stored, published);
    const states = reconciled ? await this.readStates() : stored;

    const due = accounts.flatMap((account) =>
      dueCadenceWarnings(
        calendar,
        this.toCadenceAccount(account, states.get(account.id), lineage, policies),
        today,
      ).map((warning) => ({ account, warning, key: cadenceWarningKey(account.id, warning) })),
    );
    const given = await this.givenReminders(due.map((entry) => entry.key));
    const fresh = due.filter((entry) => !given.has(entry.key));
    const adminsByUnit = new Map<string, string[]>();
    const adminsOf = (unitId: string) => {
      let ids = adminsByUnit.get(unitId);
      if (!ids) {
        const unit = { id: unitId, ancestorIds: lineage.get(unitId)?.ancestorIds ?? [] };
        ids = adminsCovering(admins, unit).map((admin) => admin.id);
        adminsByUnit.set(unitId, ids);
      }
      return ids;
    };
    const recipientsOf = (account: TrackedAccount, role: CadenceRecipientRole): string[] =>
      role === 'officer' ? [account.officerId] : role === 'leader' ? [account.leaderId] : adminsOf(account.unitId);
    const messages: OutboxEntry[] = fresh.flatMap(({ account, warning, key }) =>
      [...new Set(warning.recipients.flatMap((role) => recipientsOf(account, role)))].map((personId) => ({
        idempotencyKey: `${key}:${personId}`,
        recipient: { personId },
        text: warning.text,
      })),
    );
    await this.dependencies.outbox.enqueue(messages);
    await recordReminders(
      fresh.map((entry) => entry.key),
      now,
    );
    const result = { accounts: accounts.length, warnings: fresh.length, messages: messages.length };
    this.dependencies.logger?.info({ ...result, today }, 'cadence check done');
    return result;
  }

  /** The chat's 更新情况: the accounts a leader is in charge of, or an admin looks after, with their figures. */
  async describeForPerson(person: { id: string; roles: string[] }): Promise<string> {
    const admin = person.roles.includes('admin') ? await this.dependencies.people.findAdmin(person.id) : null;
    const unitIds = admin ? await this.dependencies.people.unitsWithin(admin.scopeUnitIds) : [];
    const accounts = await this.dependencies.accounts.listActiveFor({
      unitIds,
      leaderId: person.roles.includes('leader') ? person.id : undefined,
    });
    const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
    const lines = await this.measure(accounts, today);
    return describeCadenceReport(lines, today);
  }

  /** Every running account's publishing figures within an admin's scope (the registry page's 更新 column). */
  async accountFigures(scope: { scopeUnitIds: string[] }): Promise<AccountCadenceView[]> {
    const unitIds = await this.dependencies.people.unitsWithin(scope.scopeUnitIds);
    const accounts = await this.dependencies.accounts.listActiveFor({ unitIds });
    const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
    const lines = await this.measure(accounts, today, false);
    return lines.map(({ account, figures }) => toView(account, figures));
  }

  /** The dashboard's "accounts at risk" within an admin's scope, the longest silent first. */
  async accountsAtRisk(scope: { scopeUnitIds: string[] }, limit = 20): Promise<AccountCadenceView[]> {
    return (await this.accountFigures(scope))
      .filter((view) => view.risk !== 'ok')
      .sort(
        (left, right) => right.daysSincePost - left.daysSincePost || right.daysSinceOriginal - left.daysSinceOriginal,
      )
      .slice(0, limit);
  }

  private async measure(accounts: TrackedAccount[], today: string, withPosts = true): Promise<AccountReportLine[]> {
    if (accounts.length === 0) return [];
    const ids = accounts.map((account) => new Types.ObjectId(account.id));
    const since = new Date(this.dependencies.clock.now().getTime() - 30 * 86_400_000);
    const [stateList, lineage, calendar, posts] = await Promise.all([
      CadenceStateModel.find({ _id: { $in: ids } }).lean<CadenceState[]>(),
      this.dependencies.people.unitLineage([...new Set(accounts.map((account) => account.unitId))]),
      this.dependencies.calendar.workingCalendar(),
      withPosts
        ? PostModel.find(
            { accountId: { $in: ids }, publishedAt: { $gte: since } },
            { accountId: 1, original: 1, flag: 1 },
          ).lean()
        : Promise.resolve([]),
    ]);
    const states = new Map(stateList.map((state) => [String(state._id), state]));
    const policies = await this.dependencies.policies.policiesFor(lineage);
    return accounts.map((account) => {
      const cadence = this.toCadenceAccount(account, states.get(account.id), lineage, policies);
      const own = posts.filter((post) => String(post.accountId) === account.id);
      const original = own.filter((post) => post.original).length;
      const flagged = own.filter((post) => post.flag).length;
      return {
        account: cadence,
        figures: measureCadence(calendar, cadence, today),
        last30Days: { original, reprint: own.length - original, flagged },
      };
    });
  }

  private toCadenceAccount(
    account: TrackedAccount,
    state: CadenceState | undefined,
    lineage: Map<string, UnitLineage>,
    policies: Map<string, { baselineCounts: CadenceAccount['baselineCounts'] }>,
  ): CadenceAccount {
    const { timeZone } = this.dependencies;
    return {
      id: account.id,
      name: account.name,
      platform: account.platform,
      unitId: account.unitId,
      unitName: lineage.get(account.unitId)?.name ?? '',
      baselineDays: account.cadenceDays,
      baselineCounts: (policies.get(account.unitId) ?? defaultReminderPolicy).baselineCounts,
      lastPostDate: state?.lastPostAt ? civilDate(state.lastPostAt, timeZone) : null,
      lastOriginalPostDate: state?.lastOriginalPostAt ? civilDate(state.lastOriginalPostAt, timeZone) : null,
      trackedSince: civilDate(account.since, timeZone),
    };
  }

  private async readAccountsWithUnits() {
    const accounts = await this.dependencies.accounts.listActive();
    const lineage = await this.dependencies.people.unitLineage([...new Set(accounts.map((account) => account.unitId))]);
    return { accounts, lineage, policies: await this.dependencies.policies.policiesFor(lineage) };
  }

  private async readStates(): Promise<Map<string, CadenceState>> {
    const states = await CadenceStateModel.find({}).batchSize(bulkBatchSize).lean<CadenceState[]>();
    return new Map(states.map((state) => [String(state._id), state]));
  }

  /**
   * Publications of the last days (`published`) that the posts or states do not reflect (a crash
   * between the report and its recording) are recorded now; answers whether any was.
   */
  private async reconcile(states: Map<string, CadenceState>, published: PublishedDraft[]): Promise<boolean> {
    if (published.length === 0) return false;
    const posts = await PostModel.find(
      { draftId: { $in: published.map((publication) => new Types.ObjectId(publication.draftId)) } },
      { draftId: 1, accountId: 1 },
    ).lean();
    const accountOfDraft = new Map(posts.map((post) => [String(post.draftId), post.accountId]));
    const missed = published.filter((publication) => {
      if (!accountOfDraft.has(publication.draftId)) return true;
      const accountId = accountOfDraft.get(publication.draftId);
      const state = accountId ? states.get(String(accountId)) : undefined;
      const last = publication.original ? state?.lastOriginalPostAt : state?.lastPostAt;
      return Boolean(accountId) && (!last || last.getTime() < publication.publishedAt.getTime());
    });
    for (const publication of missed) await this.recordPublication(publication);
    return missed.length > 0;
  }

  private async givenReminders(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const records = await ReminderRecordModel.find({ _id: { $in: keys } }, { _id: 1 }).lean();
    return new Set(records.map((record) => record._id));
  }
}

/** Records reminders as given; one already recorded (by a concurrent run) is fine. */
export async function recordReminders(keys: string[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  try {
    await ReminderRecordModel.collection.insertMany(keys.map((key) => ({ _id: key, at })) as never[], {
      ordered: false,
    });
  } catch (error) {
    if (!isOnlyDuplicates(error)) translateDatabaseError(error);
  }
}

function toView(account: CadenceAccount, figures: CadenceFigures): AccountCadenceView {
  return {
    accountId: account.id,
    name: account.name,
    platform: account.platform,
    unitId: account.unitId,
    unitName: account.unitName,
    lastPostDate: account.lastPostDate,
    lastOriginalPostDate: account.lastOriginalPostDate,
    daysSincePost: figures.daysSincePost,
    daysSinceOriginal: figures.daysSinceOriginal,
    baselineDays: account.baselineDays,
    risk: cadenceRisk(account, figures),
  };
}
