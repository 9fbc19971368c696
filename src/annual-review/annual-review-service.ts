/**
 * The annual review (R5): reports by chat or API (on time or late), the admins' pass/fail (a pass lifts
 * 待关停), the admins' board and the dashboard counts; the November cycle itself is in
 * annual-review-cycle.ts. Each review's change is an audit event written with it
 * (changeAudited, src/audit/audit-ledger.ts).
 */
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { civilDate } from '../shared/wall-clock';
import type { AdminSummary } from '../people/people-service';
import type { Account } from '../accounts/account-model';
import type { RegistryActor, RegistryCounts } from '../accounts/account-queries';
import { AnnualReviewModel, AwaitedReportModel } from './annual-review-model';
import { AnnualReviewCycle } from './annual-review-cycle';
import type { AnnualReviewDependencies } from './annual-review-dependencies';
import { changeReview } from './annual-review-change';
import type { AuditedChange } from '../audit/audit-ledger';
import type { AnnualReview, AnnualReviewReport, AnnualReviewStatus } from './annual-review-model';
import { cycleYearOf, decisionRefusal, submissionRefusal, toCloseDay } from './annual-review-rules';
import { decisionText, reportReceivedText } from './annual-review-messages';
import { registryRiskReasons } from './registry-risk-rules';
import type { RegistryRiskReason } from './registry-risk-rules';
import { unique } from '../shared/unique';

export type ReportFile = AnnualReviewReport['file'];

/** What "年审 [账号名]" without text led to (see reportWithoutText). */
export type ReportWithoutText =
  | { kind: 'awaiting-file'; account: Account }
  | { kind: 'awaiting-account'; accounts: Account[] }
  | { kind: 'submitted'; account: Account; review: AnnualReview };

/** What a file sent after "年审" led to (see takeAwaitedReport). */
export type AwaitedFileOutcome =
  | { kind: 'submitted'; account: Account; review: AnnualReview }
  | { kind: 'held'; file: NonNullable<ReportFile>; accounts: Account[] };

export interface ReviewCounts {
  year: number;
  open: number;
  submitted: number;
  passed: number;
  failed: number;
  toClose: number;
}

export interface RegistryDashboardCounts {
  accounts: RegistryCounts;
  annualReview: ReviewCounts;
}

const awaitFileForMs = 30 * 60_000;

export class AnnualReviewService {
  private readonly cycle: AnnualReviewCycle;

  constructor(private readonly dependencies: AnnualReviewDependencies) {
    this.cycle = new AnnualReviewCycle(dependencies);
  }

  /** Everything the annual review owes on `today`; see AnnualReviewCycle.runDailyDuties. */
  runDailyDuties(today: string): ReturnType<AnnualReviewCycle['runDailyDuties']> {
    return this.cycle.runDailyDuties(today);
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
    const late = civilDate(now, this.dependencies.config.timeZone) >= toCloseDay(current.year);
    const review = await this.change(current._id, actor, (stored) => {
      // The same report again (sent twice, or handled again after a crash) is the one already received.
      if (stored.status === 'submitted' && isSameReport(stored.reports.at(-1), text, report.file)) return null;
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

  /**
   * "年审 [账号名]" without text. With a name, or from a unit with a single running account: the person's
   * next file (within 30 minutes) is that review's report, or the file already held for it is submitted
   * now. From a unit with several accounts and no name: the person is asked which account, and a file
   * sent meanwhile is held until they say.
   */
  async reportWithoutText(actor: RegistryActor, accountName: string): Promise<ReportWithoutText> {
    const now = this.dependencies.clock.now();
    const until = new Date(now.getTime() + awaitFileForMs);
    const awaited = await AwaitedReportModel.findById(actor.personId).lean();
    const heldFile = awaited && awaited.until > now ? awaited.file : null;
    let account: Account;
    if (accountName) {
      account = await this.dependencies.accounts.findByName(actor, accountName);
    } else {
      const accounts = await this.runningAccountsOf(actor);
      if (accounts.length === 0) {
        throw new NotFoundError('ACCOUNT_NOT_FOUND', '您所在单位没有运行中的账号，请写明账号名称：年审 账号名');
      }
      if (accounts.length > 1) {
        await AwaitedReportModel.replaceOne(
          { _id: actor.personId },
          { reviewId: null, file: heldFile, until },
          { upsert: true },
        );
        return { kind: 'awaiting-account', accounts };
      }
      account = accounts[0];
    }
    if (account.status === 'closed')
      throw new ConflictError('ACCOUNT_CLOSED', `账号“${account.name}”已关停备案，无需年审`);
    const review = await this.currentReviewOf(account);
    const refusal = submissionRefusal(review);
    if (refusal) throw new ConflictError('REVIEW_ALREADY_PASSED', `账号“${account.name}”：${refusal}`);
    if (heldFile) {
      const submitted = await this.submitReportFor(actor, account, { text: '', file: heldFile });
      // Forgotten once the report is in: a crash before that leaves the file held for another try.
      await AwaitedReportModel.deleteOne({ _id: actor.personId });
      return { kind: 'submitted', ...submitted };
    }
    await AwaitedReportModel.replaceOne(
      { _id: actor.personId },
      { reviewId: review._id, file: null, until },
      { upsert: true },
    );
    return { kind: 'awaiting-file', account };
  }

  /**
   * A file from a person who said "年审" shortly before: the report it completes, or held while they
   * have not said which account (with the accounts to choose from); null when the file is not a report.
   */
  async takeAwaitedReport(actor: RegistryActor, file: NonNullable<ReportFile>): Promise<AwaitedFileOutcome | null> {
    const awaited = await AwaitedReportModel.findById(actor.personId).lean();
    if (!awaited || awaited.until <= this.dependencies.clock.now()) return null;
    if (!awaited.reviewId) {
      await AwaitedReportModel.updateOne({ _id: actor.personId }, { $set: { file } });
      return { kind: 'held', file, accounts: await this.runningAccountsOf(actor) };
    }
    const review = await AnnualReviewModel.findById(awaited.reviewId).lean<AnnualReview>();
    const account =
      review && (await this.dependencies.accounts.findAccounts([review.accountId])).get(String(review.accountId));
    if (!account) return null;
    // Forgotten once the report is in or refused: a crash before that leaves the file to be handled again.
    try {
      return { kind: 'submitted', ...(await this.submitReportFor(actor, account, { text: '', file })) };
    } finally {
      await AwaitedReportModel.deleteOne({ _id: actor.personId });
    }
  }

  /** The running accounts of the person's units: those a bare "年审" may mean. */
  private async runningAccountsOf(actor: RegistryActor): Promise<Account[]> {
    const person = (await this.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    return this.dependencies.accounts.runningAccountsOfUnits(person?.unitIds ?? []);
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
        throw refusal.kind === 'conflict'
          ? new ConflictError('REVIEW_NOT_SUBMITTED', `账号“${account.name}”：${refusal.message}`)
          : new ValidationError('REASON_REQUIRED', refusal.message);
      }
      wasToClose = stored.toClose;
      const decision = { passed: input.passed, byId: new Types.ObjectId(actor.personId), at: now, reason };
      const afterDeadline = civilDate(now, this.dependencies.config.timeZone) >= toCloseDay(stored.year);
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
    options: {
      year?: number;
      accountId?: string;
      status?: AnnualReviewStatus;
      toClose?: boolean;
      cursor?: string;
      limit?: number;
    },
  ): Promise<{ reviews: AnnualReview[]; accounts: Map<string, Account>; nextCursor: string | null }> {
    const unitIds = await this.dependencies.people.unitsWithin(admin.scopeUnitIds);
    const limit = Math.min(options.limit ?? 50, 100);
    const filter: Record<string, unknown> = { unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) } };
    if (options.year !== undefined) filter.year = options.year;
    if (options.accountId) {
      if (!isObjectIdText(options.accountId)) throw new ValidationError('INVALID_ACCOUNT_ID', '账号编号无效');
      filter.accountId = new Types.ObjectId(options.accountId);
    }
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

  /** The unit of each review, in one query (the audit trail's visibility); unknown ids are absent. */
  async unitsOf(ids: string[]): Promise<Map<string, string>> {
    const objectIds = ids.filter(isObjectIdText).map((id) => new Types.ObjectId(id));
    if (objectIds.length === 0) return new Map();
    const reviews = await AnnualReviewModel.find({ _id: { $in: objectIds } }, { unitId: 1 }).lean<AnnualReview[]>();
    return new Map(reviews.map((review) => [String(review._id), String(review.unitId)]));
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
    const year = cycleYearOf(civilDate(this.dependencies.clock.now(), this.dependencies.config.timeZone));
    const [accounts, annualReview] = await Promise.all([
      this.dependencies.accounts.countRegistry(unitIds),
      this.countReviews(unitIds, year),
    ]);
    return { accounts, annualReview };
  }

  /**
   * The active accounts of an admin's scope that the registry or this cycle's review puts at risk, with
   * why (registry-risk-rules.ts), for the dashboard beside the cadence check's.
   */
  async accountsAtRisk(
    admin: Pick<AdminSummary, 'scopeUnitIds'>,
  ): Promise<Array<{ account: Account; reasons: RegistryRiskReason[] }>> {
    const unitIds = await this.dependencies.people.unitsWithin(admin.scopeUnitIds);
    const now = this.dependencies.clock.now();
    const { timeZone } = this.dependencies.config;
    const year = cycleYearOf(civilDate(now, timeZone));
    const [accounts, reviews] = await Promise.all([
      this.dependencies.accounts.listActiveIn(unitIds),
      AnnualReviewModel.find({ unitId: { $in: unitIds.map((id) => new Types.ObjectId(id)) }, year }).lean<
        AnnualReview[]
      >(),
    ]);
    const reviewOf = new Map(reviews.map((review) => [String(review.accountId), review]));
    return accounts
      .map((account) => ({
        account,
        reasons: registryRiskReasons(account, reviewOf.get(String(account._id)) ?? null, { now, timeZone }),
      }))
      .filter((entry) => entry.reasons.length > 0);
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

  private change(
    reviewId: Types.ObjectId,
    actor: RegistryActor,
    decide: (review: AnnualReview) => AuditedChange | null,
  ): Promise<AnnualReview> {
    return changeReview(this.dependencies, reviewId, actor, decide);
  }
}

function isSameReport(previous: AnnualReviewReport | undefined, text: string, file: ReportFile): boolean {
  return !!previous && previous.text === text && (previous.file?.sha256 ?? null) === (file?.sha256 ?? null);
}
