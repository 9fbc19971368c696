/**
 * /api/v1/annual-reviews for the admins' mini-program: the annual review board (R5) within the admin's
 * scope, reports submitted on an account's behalf, and pass/fail decisions. Out of scope answers 404.
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { AdminState } from '../api/auth-middleware';
import { parseRequest } from '../api/request-validation';
import type {
  AnnualReportBody,
  AnnualReviewDecisionBody,
  AnnualReviewListBody,
  AnnualReviewView,
  PersonReference,
} from '../shared/contracts';
import { civilDate } from '../shared/wall-clock';
import type { PersonSummary } from '../people/people-service';
import type { Account } from '../accounts/account-model';
import { annualReviewStatuses } from './annual-review-model';
import type { AnnualReview } from './annual-review-model';
import { cycleYearOf, reviewStatusWords } from './annual-review-rules';
import type { AnnualReviewService } from './annual-review-service';

export interface AnnualReviewRouteDependencies {
  annualReviews: Pick<AnnualReviewService, 'listForAdmin' | 'loadForAdmin' | 'submitReportById' | 'decideById'>;
  people: { findPeople(ids: string[]): Promise<Map<string, PersonSummary>> };
  clock: { now(): Date };
  timeZone: string;
}

const listSchema = z.object({
  year: z.coerce
    .number({ error: 'year 须为年份' })
    .int()
    .min(2000, { error: 'year 须为年份' })
    .max(2100, { error: 'year 须为年份' })
    .optional(),
  accountId: z
    .string()
    .regex(/^[0-9a-f]{24}$/i, { error: '账号编号无效' })
    .optional(),
  status: z.enum(annualReviewStatuses, { error: `status 须为 ${annualReviewStatuses.join('、')} 之一` }).optional(),
  toClose: z.enum(['true', 'false'], { error: 'toClose 须为 true 或 false' }).optional(),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{24}$/i, { error: '分页游标无效' })
    .optional(),
  limit: z.coerce
    .number({ error: 'limit 须为数字' })
    .int()
    .min(1, { error: 'limit 最小为 1' })
    .max(100, { error: 'limit 最大为 100' })
    .optional(),
});

const reportSchema = z.object({
  text: z
    .string({ error: '请填写报告正文' })
    .trim()
    .min(1, { error: '请填写报告正文' })
    .max(50_000, { error: '报告正文不能超过5万字' }),
}) satisfies z.ZodType<AnnualReportBody>;

const decisionSchema = z
  .object({
    passed: z.boolean({ error: 'passed 须为 true（通过）或 false（不通过）' }),
    reason: z.string().trim().max(500, { error: '理由不能超过500字' }).default(''),
  })
  .refine((body) => body.passed || body.reason.length > 0, {
    error: '不通过须写明理由',
    path: ['reason'],
  }) satisfies z.ZodType<AnnualReviewDecisionBody>;

export function createAnnualReviewRouter(dependencies: AnnualReviewRouteDependencies) {
  const router = new Router<AdminState>({ prefix: '/annual-reviews' });
  const { annualReviews } = dependencies;
  const actorOf = (state: AdminState) => ({ personId: state.admin.id, via: 'api' });

  router.get('/', async (ctx) => {
    const query = parseRequest(listSchema, ctx.query);
    // One account's reviews span the years; the board is the current cycle unless a year is asked for.
    const year =
      query.year ??
      (query.accountId ? undefined : cycleYearOf(civilDate(dependencies.clock.now(), dependencies.timeZone)));
    const page = await annualReviews.listForAdmin(ctx.state.admin, {
      ...query,
      year,
      toClose: query.toClose === undefined ? undefined : query.toClose === 'true',
    });
    const reviews = await Promise.all(
      page.reviews.flatMap((review) => {
        const account = page.accounts.get(String(review.accountId));
        return account ? [toReviewView(review, account, dependencies)] : [];
      }),
    );
    const body: AnnualReviewListBody = { reviews, nextCursor: page.nextCursor };
    ctx.body = body;
  });

  router.get('/:id', async (ctx) => {
    const { review, account } = await annualReviews.loadForAdmin(actorOf(ctx.state), ctx.params.id);
    ctx.body = await toReviewView(review, account, dependencies);
  });

  router.post('/:id/report', async (ctx) => {
    const input = parseRequest(reportSchema, ctx.request.body);
    const { review, account } = await annualReviews.submitReportById(actorOf(ctx.state), ctx.params.id, {
      text: input.text,
      file: null,
    });
    ctx.body = await toReviewView(review, account, dependencies);
  });

  router.post('/:id/decision', async (ctx) => {
    const input = parseRequest(decisionSchema, ctx.request.body);
    const { review, account } = await annualReviews.decideById(actorOf(ctx.state), ctx.params.id, input);
    ctx.body = await toReviewView(review, account, dependencies);
  });

  return router;
}

async function toReviewView(
  review: AnnualReview,
  account: Account,
  dependencies: AnnualReviewRouteDependencies,
): Promise<AnnualReviewView> {
  const ids = [...review.reports.map((report) => String(report.submittedById))];
  if (review.decision) ids.push(String(review.decision.byId));
  const people = await dependencies.people.findPeople([...new Set(ids)]);
  const person = (value: unknown): PersonReference => ({
    id: String(value),
    name: people.get(String(value))?.name ?? '',
  });
  return {
    id: String(review._id),
    year: review.year,
    account: { id: String(account._id), name: account.name, platform: account.platform, status: account.status },
    unitId: String(review.unitId),
    status: review.status,
    statusText: reviewStatusWords[review.status],
    toClose: review.toClose,
    toCloseSince: review.toCloseSince ? review.toCloseSince.toISOString() : null,
    reports: review.reports.map((report) => ({
      text: report.text,
      file: report.file
        ? { name: report.file.name, mimeType: report.file.mimeType, size: report.file.size, sha256: report.file.sha256 }
        : null,
      submittedAt: report.submittedAt.toISOString(),
      submittedBy: person(report.submittedById),
      late: report.late,
    })),
    decision: review.decision
      ? {
          passed: review.decision.passed,
          by: person(review.decision.byId),
          at: review.decision.at.toISOString(),
          reason: review.decision.reason,
        }
      : null,
  };
}
