/**
 * The November cycle of the annual review (R5), as the daily 09:00 job runs it: the cycle opened for
 * every running account in bulk, the reminders on the configured days, 待关停 from 1 December, and the
 * weekly notices until the closure is filed. Every run may repeat, overlap another process's or catch
 * up after downtime: reviews are unique per account and year, and every message is keyed by job,
 * account, day and recipient, so nothing is sent twice and a missed day's message still goes out.
 */
import { Types } from 'mongoose';
import { insertIgnoringDuplicates } from '../shared/database';
import { instantAt } from '../shared/wall-clock';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { PersonSummary } from '../people/people-service';
import type { Account } from '../accounts/account-model';
import { AnnualReviewModel } from './annual-review-model';
import type { AnnualReview } from './annual-review-model';
import {
  becomesToClose,
  cycleYearOf,
  dueReminderDay,
  dueWeeklyNoticeDay,
  isReviewMonth,
  missingItem,
  toCloseDay,
} from './annual-review-rules';
import { reminderText, toCloseText } from './annual-review-messages';
import { changeReview } from './annual-review-change';
import type { AnnualReviewDependencies } from './annual-review-dependencies';
import { unique } from '../shared/unique';

type RunningAccount = Pick<Account, '_id' | 'unitId' | 'name' | 'platform' | 'leaderInChargeId' | 'backendAdminId'>;

/** Chunk sizes for the bulk cycle: inserts and outbox writes of this many documents per command. */
const insertChunk = 5_000;
const enqueueChunk = 5_000;
const systemActor = { personId: null, via: 'job:annual-review' };

export class AnnualReviewCycle {
  constructor(private readonly dependencies: AnnualReviewDependencies) {}

  /**
   * Everything the annual review owes on `today` (a calendar date), safe to run again and from several
   * processes: in November the cycle opens (if not yet) and the due reminder goes out; from 1 December
   * reviews without a passed or pending report become 待关停; every 待关停 account whose closure is not
   * filed gets its weekly notice.
   */
  async runDailyDuties(
    today: string,
  ): Promise<{ opened: number; reminded: number; markedToClose: number; noticed: number }> {
    const year = cycleYearOf(today);
    let opened = 0;
    let reminded = 0;
    let markedToClose = 0;
    let noticed = 0;
    if (isReviewMonth(today)) {
      // Earlier cycles' 待关停 notices first: the cycle opened below has no 待关停 yet, and on FerretDB
      // (which scans the collection for any query) the read is then not paying for its new reviews.
      noticed = await this.sendWeeklyNotices(today);
      const running = await this.loadRunningAccounts();
      opened = await this.openCycle(year, running);
      const reminderDay = dueReminderDay(today, this.dependencies.config.reminderDays);
      // A cycle opened in full just now has nothing but open reviews: no need to read them back.
      const allOpen = opened === running.length;
      if (reminderDay) reminded = await this.remind(year, reminderDay, running, allOpen);
    } else {
      if (today >= toCloseDay(year)) markedToClose = await this.markToClose(year);
      noticed = await this.sendWeeklyNotices(today);
    }
    return { opened, reminded, markedToClose, noticed };
  }

  /**
   * Opens the review of `year` for every running account, in bulk (one insert per chunk; reviews that
   * exist already are skipped), recorded as one audit event for the cycle. Returns how many it created.
   */
  private async openCycle(year: number, running: RunningAccount[]): Promise<number> {
    const now = this.dependencies.clock.now();
    const documents = running.map((account) => ({
      _id: new Types.ObjectId(),
      accountId: account._id,
      unitId: account.unitId,
      year,
      status: 'open',
      reports: [],
      decision: null,
      toClose: false,
      toCloseSince: null,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    }));
    let created = 0;
    for (let start = 0; start < documents.length; start += insertChunk) {
      created += await insertIgnoringDuplicates(
        AnnualReviewModel.collection,
        documents.slice(start, start + insertChunk),
      );
    }
    if (created > 0) {
      await this.dependencies.audit.append({
        key: `annual-review-cycle:${year}:opened:${documents.length}`,
        actor: systemActor,
        action: 'annual-review.cycle-opened',
        subject: { type: 'annual-review-cycle', id: String(year) },
        details: { year, accounts: documents.length, created },
      });
    }
    return created;
  }

  private async loadRunningAccounts(): Promise<RunningAccount[]> {
    const running: RunningAccount[] = [];
    for await (const account of this.dependencies.accounts.listRunningAccounts()) running.push(account);
    return running;
  }

  /** The reminder of `reminderDay` to the admin and leader of every account whose report is missing. */
  private async remind(
    year: number,
    reminderDay: string,
    running: RunningAccount[],
    allOpen: boolean,
  ): Promise<number> {
    const pending = new Map<string, Pick<AnnualReview, 'status' | 'decision'>>();
    if (!allOpen) {
      const reviews = AnnualReviewModel.find(
        { year, status: { $in: ['open', 'failed'] } },
        { accountId: 1, status: 1, decision: 1 },
      )
        .lean<Pick<AnnualReview, '_id' | 'accountId' | 'status' | 'decision'>[]>()
        .cursor({ batchSize: 5000 });
      for await (const review of reviews) pending.set(String(review.accountId), review);
    }
    let enqueued = 0;
    let entries: OutboxEntry[] = [];
    for (const account of running) {
      const review = allOpen ? { status: 'open' as const, decision: null } : pending.get(String(account._id));
      const missing = review ? missingItem(review) : null;
      if (!missing) continue;
      const text = reminderText(account, year, missing);
      for (const personId of unique([String(account.backendAdminId), String(account.leaderInChargeId)])) {
        entries.push({
          idempotencyKey: `annual-review-reminder:${String(account._id)}:${reminderDay}:${personId}`,
          recipient: { personId },
          text,
        });
      }
      if (entries.length >= enqueueChunk) {
        await this.dependencies.outbox.enqueue(entries);
        enqueued += entries.length;
        entries = [];
      }
    }
    await this.dependencies.outbox.enqueue(entries);
    return enqueued + entries.length;
  }

  /** 1 December: each review without a passed or pending report becomes 待关停, one audited change each. */
  private async markToClose(year: number): Promise<number> {
    const candidates = await AnnualReviewModel.find({
      year,
      status: { $in: ['open', 'failed'] },
      toClose: false,
    }).lean<AnnualReview[]>();
    // An account closed during the cycle has nothing left to close.
    const accounts = await this.dependencies.accounts.findAccounts(candidates.map((review) => review.accountId));
    let marked = 0;
    const since = instantAt(toCloseDay(year), 0, this.dependencies.config.timeZone);
    for (const candidate of candidates) {
      if (accounts.get(String(candidate.accountId))?.status === 'closed') continue;
      const changed = await changeReview(this.dependencies, candidate._id, systemActor, (review) =>
        becomesToClose(review)
          ? {
              action: 'annual-review.to-close',
              reason: missingItem(review) ?? '',
              changes: { toClose: true, toCloseSince: since },
            }
          : null,
      );
      if (changed.toClose) marked += 1;
    }
    return marked;
  }

  /**
   * The weekly 待关停 notice (1 December, then every 7 days) to the unit's admins and the account's leader
   * and admin, until the closure is filed or a report passes.
   */
  private async sendWeeklyNotices(today: string): Promise<number> {
    const reviews = await AnnualReviewModel.find({ toClose: true }).lean<AnnualReview[]>();
    if (reviews.length === 0) return 0;
    const accounts = await this.dependencies.accounts.findAccounts(reviews.map((review) => review.accountId));
    const entries: OutboxEntry[] = [];
    const adminsByUnit = new Map<string, Promise<PersonSummary[]>>();
    for (const review of reviews) {
      const account = accounts.get(String(review.accountId));
      const day = dueWeeklyNoticeDay(today, review.year);
      if (!account || account.status === 'closed' || !day) continue;
      const unitId = String(account.unitId);
      if (!adminsByUnit.has(unitId)) adminsByUnit.set(unitId, this.dependencies.people.adminsOf(unitId));
      const admins = (await adminsByUnit.get(unitId)) ?? [];
      const recipients = unique([
        String(account.leaderInChargeId),
        String(account.backendAdminId),
        ...admins.map((admin) => admin.id),
      ]);
      const missing = review.status === 'submitted' ? '报告已逾期提交，尚待审核' : (missingItem(review) ?? '');
      const text = toCloseText(account, review.year, missing, day !== toCloseDay(review.year));
      entries.push(
        ...recipients.map((personId) => ({
          idempotencyKey: `annual-review-to-close:${String(account._id)}:${day}:${personId}`,
          recipient: { personId },
          text,
        })),
      );
    }
    await this.dependencies.outbox.enqueue(entries);
    return entries.length;
  }
}
