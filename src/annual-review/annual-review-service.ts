/**
 * The annual review (R5): the November cycle opened for every running account in bulk, reports by chat
 * or API (on time or late), the admins' pass/fail, 待关停 from 1 December with weekly notices until the
 * closure is filed, and the counts for the admins' dashboard. Each review's change is an audit event
 * written with it (src/audit/audited-transition.ts); every reminder is an outbox message keyed by job,
 * account, day and recipient, so runs that repeat, overlap or catch up never send one twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { insertIgnoringDuplicates } from '../shared/database';
import { isObjectIdText } from '../shared/ids';
import { calendarDateOf, startOfCalendarDate } from '../shared/wall-time';
import type { AuditTrail } from '../audit/audit-service';
import { applyAuditedTransition } from '../audit/audited-transition';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, PersonSummary } from '../people/people-service';
import type { Account } from '../accounts/account-model';
import type { AccountService } from '../accounts/account-service';
import type { RegistryActor, RegistryCounts } from '../accounts/account-queries';
import { AnnualReviewModel, AwaitedReportModel } from './annual-review-model';
import type { AnnualReview, AnnualReviewReport, AnnualReviewStatus } from './annual-review-model';
import {
  becomesToClose,
  cycleYearOf,
  decisionRefusal,
  dueReminderDay,
  dueWeeklyNoticeDay,
  isReviewMonth,
  missingItem,
  reviewStatusWords,
  submissionRefusal,
  toCloseDay,
} from './annual-review-rules';
import { decisionText, reminderText, reportReceivedText, toCloseText } from './annual-review-messages';

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
  accounts: Pick<AccountService, 'findByName' | 'findAccounts' | 'listRunningAccounts' | 'rolesOn' | 'countRegistry'>;
  config: AnnualReviewConfig;
  logger?: Logger;
}

export type ReportFile = AnnualReviewReport['file'];

export interface ReviewCounts {
  year: number;
  open: number;
  submitted: number;
  passed: number;
  failed: number;
  toClose: number;
}

type RunningAccount = Pick<Account, '_id' | 'unitId' | 'name' | 'platform' | 'leaderInChargeId' | 'backendAdminId'>;

export interface RegistryDashboardCounts {
  accounts: RegistryCounts;
  annualReview: ReviewCounts;
}

/** Chunk sizes for the bulk cycle: inserts and outbox writes of this many documents per command. */
const insertChunk = 2_000;
const enqueueChunk = 5_000;
const awaitFileForMs = 30 * 60_000;
const maxAttempts = 8;
const systemActor = { personId: null, via: 'job:annual-review' };

export class AnnualReviewService {
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
    if (isReviewMonth(today)) {
      const running = await this.loadRunningAccounts();
      opened = await this.openCycle(year, running);
      const reminderDay = dueReminderDay(today, this.dependencies.config.reminderDays);
      // A cycle opened in full just now has nothing but open reviews: no need to read them back.
      const allOpen = opened === running.length;
      if (reminderDay) reminded = await this.remind(year, reminderDay, running, allOpen);
    } else if (today >= toCloseDay(year)) {
      markedToClose = await this.markToClose(year);
    }
    const noticed = await this.sendWeeklyNotices(today);
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
    const since = startOfCalendarDate(toCloseDay(year), this.dependencies.config.timeZone);
    for (const candidate of candidates) {
      if (accounts.get(String(candidate.accountId))?.status === 'closed') continue;
      const changed = await this.change(candidate._id, systemActor, (review) =>
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

  /** A report for the account's current review, by its text or a stored file; late after 30 November. */
  async submitReport(
    actor: RegistryActor,
    accountName: string,
    report: { text: string; file: ReportFile },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const account = await this.dependencies.accounts.findByName(actor, accountName);
    return this.submitReportFor(actor, account, report);
  }

  /** As submitReport, for a review named by id (the API); admins of its unit only. */
  async submitReportById(
    actor: RegistryActor,
    reviewId: string,
    report: { text: string; file: ReportFile },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const { account } = await this.loadForAdmin(actor, reviewId);
    return this.submitReportFor(actor, account, report);
  }

  private async submitReportFor(
    actor: RegistryActor,
    account: Account,
    report: { text: string; file: ReportFile },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const text = report.text.trim();
    if (!text && !report.file) {
      throw new ValidationError(
        'REPORT_MISSING',
        `请附上年审报告：“年审 ${account.name}”后换行写报告正文，或随后发送报告文件`,
      );
    }
    if (account.status === 'closed') {
      throw new ConflictError('ACCOUNT_CLOSED', `账号“${account.name}”已关停备案，无需年审`);
    }
    const current = await this.currentReviewOf(account);
    const now = this.dependencies.clock.now();
    const late = calendarDateOf(now, this.dependencies.config.timeZone) >= toCloseDay(current.year);
    const review = await this.change(current._id, actor, (stored) => {
      const refusal = submissionRefusal(stored);
      if (refusal) throw new ConflictError('REVIEW_ALREADY_PASSED', `账号“${account.name}”：${refusal}`);
      const entry = {
        text,
        file: report.file,
        submittedAt: now,
        submittedById: new Types.ObjectId(actor.personId),
        late,
      };
      return {
        action: late ? 'annual-review.report-submitted-late' : 'annual-review.report-submitted',
        changes: { status: 'submitted', reports: [...stored.reports, entry] },
        details: { late, file: report.file?.sha256 ?? null, textLength: text.length },
      };
    });
    const submitter = (await this.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    const admins = await this.dependencies.people.adminsOf(String(account.unitId));
    await this.dependencies.outbox.enqueue(
      admins.map((admin) => ({
        idempotencyKey: `annual-review:${String(review._id)}:report:${review.reports.length}:${admin.id}`,
        recipient: { personId: admin.id },
        text: reportReceivedText(account, review.year, late, submitter?.name ?? ''),
      })),
    );
    return { account, review };
  }

  /** "年审 账号名" without text: the person's next file (within 30 minutes) is that review's report. */
  async awaitReportFile(actor: RegistryActor, accountName: string): Promise<Account> {
    const account = await this.dependencies.accounts.findByName(actor, accountName);
    if (account.status === 'closed')
      throw new ConflictError('ACCOUNT_CLOSED', `账号“${account.name}”已关停备案，无需年审`);
    const review = await this.currentReviewOf(account);
    const refusal = submissionRefusal(review);
    if (refusal) throw new ConflictError('REVIEW_ALREADY_PASSED', `账号“${account.name}”：${refusal}`);
    const until = new Date(this.dependencies.clock.now().getTime() + awaitFileForMs);
    await AwaitedReportModel.replaceOne({ _id: actor.personId }, { reviewId: review._id, until }, { upsert: true });
    return account;
  }

  /** The report a file completes, when its sender said "年审 账号名" shortly before; null otherwise. */
  async takeAwaitedReport(
    actor: RegistryActor,
    file: NonNullable<ReportFile>,
  ): Promise<{ account: Account; review: AnnualReview } | null> {
    const awaited = await AwaitedReportModel.findById(actor.personId).lean();
    if (!awaited || awaited.until <= this.dependencies.clock.now()) return null;
    await AwaitedReportModel.deleteOne({ _id: actor.personId });
    const review = await AnnualReviewModel.findById(awaited.reviewId).lean<AnnualReview>();
    const account =
      review && (await this.dependencies.accounts.findAccounts([review.accountId])).get(String(review.accountId));
    if (!account) return null;
    return this.submitReportFor(actor, account, { text: '', file });
  }

  /** An admin's pass or fail (with a reason) on a submitted report; a pass lifts 待关停. */
  async decide(
    actor: RegistryActor,
    accountName: string,
    input: { passed: boolean; reason: string },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    if (!admin) throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以审核年审');
    const account = await this.dependencies.accounts.findByName(actor, accountName);
    if (!(await this.dependencies.people.adminCoversUnit(admin, String(account.unitId)))) {
      throw new ForbiddenError('ADMIN_SCOPE', `账号“${account.name}”不在您的管理范围内`);
    }
    return this.decideFor(actor, account, await this.currentReviewOf(account), input);
  }

  async decideById(
    actor: RegistryActor,
    reviewId: string,
    input: { passed: boolean; reason: string },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const { account, review } = await this.loadForAdmin(actor, reviewId);
    return this.decideFor(actor, account, review, input);
  }

  private async decideFor(
    actor: RegistryActor,
    account: Account,
    current: AnnualReview,
    input: { passed: boolean; reason: string },
  ): Promise<{ account: Account; review: AnnualReview }> {
    const reason = input.reason.trim();
    const now = this.dependencies.clock.now();
    let wasToClose = false;
    const review = await this.change(current._id, actor, (stored) => {
      const refusal = decisionRefusal(stored, input.passed, reason);
      if (refusal) {
        throw reason || input.passed
          ? new ConflictError('REVIEW_NOT_SUBMITTED', `账号“${account.name}”：${refusal}`)
          : new ValidationError('REASON_REQUIRED', refusal);
      }
      wasToClose = stored.toClose;
      const decision = { passed: input.passed, byId: new Types.ObjectId(actor.personId), at: now, reason };
      const afterDeadline = calendarDateOf(now, this.dependencies.config.timeZone) >= toCloseDay(stored.year);
      const changes: Record<string, unknown> = { status: input.passed ? 'passed' : 'failed', decision };
      if (input.passed) Object.assign(changes, { toClose: false, toCloseSince: null });
      else if (afterDeadline && !stored.toClose) Object.assign(changes, { toClose: true, toCloseSince: now });
      return { action: input.passed ? 'annual-review.passed' : 'annual-review.failed', reason, changes };
    });
    await this.dependencies.outbox.enqueue(
      unique([String(account.backendAdminId), String(account.leaderInChargeId)]).map((personId) => ({
        idempotencyKey: `annual-review:${String(review._id)}:decision:r${review.revision}:${personId}`,
        recipient: { personId },
        text: decisionText(account, review.year, input.passed, reason, input.passed && wasToClose),
      })),
    );
    return { account, review };
  }

  /** The reviews of `year` within an admin's scope, a page at a time. */
  async listForAdmin(
    admin: AdminSummary,
    options: { year: number; status?: AnnualReviewStatus; toClose?: boolean; cursor?: string; limit?: number },
  ): Promise<{ reviews: AnnualReview[]; accounts: Map<string, Account>; nextCursor: string | null }> {
    const unitIds = await this.dependencies.people.unitsWithin(admin.scopeUnitIds);
    const limit = Math.min(options.limit ?? 50, 100);
    const filter: Record<string, unknown> = {
      unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) },
      year: options.year,
    };
    if (options.status) filter.status = options.status;
    if (options.toClose !== undefined) filter.toClose = options.toClose;
    if (options.cursor) {
      if (!isObjectIdText(options.cursor)) throw new ValidationError('INVALID_CURSOR', '分页游标无效');
      filter._id = { $gt: new Types.ObjectId(options.cursor) };
    }
    const found = await AnnualReviewModel.find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<AnnualReview[]>();
    const reviews = found.slice(0, limit);
    const accounts = await this.dependencies.accounts.findAccounts(reviews.map((review) => review.accountId));
    return { reviews, accounts, nextCursor: found.length > limit ? String(reviews[reviews.length - 1]._id) : null };
  }

  /** One review for an admin whose scope covers its unit (else not found). */
  async loadForAdmin(actor: RegistryActor, reviewId: string): Promise<{ account: Account; review: AnnualReview }> {
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    if (!admin) throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以审核年审');
    const review = isObjectIdText(reviewId) ? await AnnualReviewModel.findById(reviewId).lean<AnnualReview>() : null;
    if (!review || !(await this.dependencies.people.adminCoversUnit(admin, String(review.unitId)))) {
      throw new NotFoundError('REVIEW_NOT_FOUND', '找不到该年审记录，或它不在您的管理范围内');
    }
    const account = (await this.dependencies.accounts.findAccounts([review.accountId])).get(String(review.accountId));
    if (!account) throw new NotFoundError('ACCOUNT_NOT_FOUND', '该年审记录的账号已不存在');
    return { account, review };
  }

  /** The reviews of an account, newest first (its history for the registry page). */
  async historyOf(accountId: Types.ObjectId): Promise<AnnualReview[]> {
    return AnnualReviewModel.find({ accountId }).sort({ year: -1 }).lean<AnnualReview[]>();
  }

  /** Review counts of a cycle for the units of a scope. */
  async countReviews(unitIds: string[], year: number): Promise<ReviewCounts> {
    const groups = await AnnualReviewModel.aggregate<{
      _id: { status: AnnualReviewStatus; toClose: boolean };
      count: number;
    }>([
      { $match: { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) }, year } },
      { $group: { _id: { status: '$status', toClose: '$toClose' }, count: { $sum: 1 } } },
    ]);
    const counts: ReviewCounts = { year, open: 0, submitted: 0, passed: 0, failed: 0, toClose: 0 };
    for (const group of groups) {
      counts[group._id.status] += group.count;
      if (group._id.toClose) counts.toClose += group.count;
    }
    return counts;
  }

  /**
   * The registry and annual-review counts for an admin's dashboard (the admin API's dashboard slots):
   * accounts by state, filings overdue, certifications expiring, and the current cycle's reviews.
   */
  async dashboardCounts(admin: Pick<AdminSummary, 'scopeUnitIds'>): Promise<RegistryDashboardCounts> {
    const unitIds = await this.dependencies.people.unitsWithin(admin.scopeUnitIds);
    const year = cycleYearOf(calendarDateOf(this.dependencies.clock.now(), this.dependencies.config.timeZone));
    const [accounts, annualReview] = await Promise.all([
      this.dependencies.accounts.countRegistry(unitIds),
      this.countReviews(unitIds, year),
    ]);
    return { accounts, annualReview };
  }

  private async currentReviewOf(account: Account): Promise<AnnualReview> {
    const [review] = await AnnualReviewModel.find({ accountId: account._id })
      .sort({ year: -1 })
      .limit(1)
      .lean<AnnualReview[]>();
    if (!review) {
      throw new NotFoundError('REVIEW_NOT_OPEN', `账号“${account.name}”当前没有进行中的年审（每年11月1日开启）`);
    }
    return review;
  }

  private async change(
    reviewId: Types.ObjectId,
    actor: { personId: string | null; via: string },
    decide: (review: AnnualReview) => {
      action: string;
      reason?: string;
      changes: Record<string, unknown>;
      details?: Record<string, unknown>;
    } | null,
  ): Promise<AnnualReview> {
    for (let attempt = 1; ; attempt += 1) {
      const review = await AnnualReviewModel.findById(reviewId).lean<AnnualReview>();
      if (!review) throw new NotFoundError('REVIEW_NOT_FOUND', '找不到该年审记录');
      const decided = decide(review);
      if (!decided) return review;
      const outcome = await applyAuditedTransition(
        this.dependencies.audit,
        AnnualReviewModel,
        review,
        decided.changes,
        {
          actor,
          action: decided.action,
          subject: { type: 'annual-review', id: String(review._id) },
          reason: decided.reason ?? '',
          details: { accountId: String(review.accountId), year: review.year, ...decided.details },
        },
        this.dependencies.clock.now(),
      );
      if (outcome === 'applied') {
        return (await AnnualReviewModel.findById(reviewId).lean<AnnualReview>()) as AnnualReview;
      }
      if (attempt >= maxAttempts) throw new ConflictError('REVIEW_BUSY', '该年审记录正在被他人处理，请稍后再试');
      await sleep(20 * attempt);
    }
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

export { reviewStatusWords };
