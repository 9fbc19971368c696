/**
 * /api/v1/annual-reviews for the admins' mini-program: the annual review board (R5) within the admin's
 * scope, reports submitted on an account's behalf, and pass/fail decisions. Admins only; out of scope
 * answers 404.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import {
  annualReportSchema,
  annualReviewDecisionSchema,
  annualReviewIdParamsSchema,
  annualReviewListQuerySchema,
  annualReviewListSchema,
  annualReviewViewSchema,
} from '../shared/contracts/annual-reviews';
import type { AnnualReviewView, PersonReference } from '../shared/contracts';
import { civilDate } from '../shared/wall-clock';
import type { PersonSummary } from '../people/people-records';
import type { Account } from '../accounts/account-model';
import { actorOf, adminOf } from '../accounts/account-routes';
import type { AnnualReview } from './annual-review-model';
import { cycleYearOf, reviewStatusWords } from './annual-review-rules';
import type { AnnualReviewService } from './annual-review-service';

export interface AnnualReviewRouteDependencies {
  annualReviews: Pick<AnnualReviewService, 'listForAdmin' | 'loadForAdmin' | 'submitReportById' | 'decideById'>;
  people: { findPeople(ids: string[]): Promise<Map<string, PersonSummary>> };
  clock: { now(): Date };
  timeZone: string;
}

export function annualReviewRoutes(dependencies: AnnualReviewRouteDependencies): ApiRoute[] {
  const { annualReviews } = dependencies;
  const view = async ({ review, account }: { review: AnnualReview; account: Account }) => ({
    body: await toReviewView(review, account, dependencies),
  });
  const reviewRoute = { tag: 'annual-reviews', access: 'admin' as const, params: annualReviewIdParamsSchema };
  return [
    defineRoute({
      method: 'get',
      path: '/annual-reviews',
      summary: '管理范围内某年度（默认本轮）或某账号历年的年审，按状态或待关停筛选，游标分页',
      tag: 'annual-reviews',
      access: 'admin',
      query: annualReviewListQuerySchema,
      response: annualReviewListSchema,
      links: [{ to: 'get /annual-reviews/{id}', parameters: { id: '$response.body#/reviews/0/id' } }],
      handle: async (ctx, { query }) => {
        // One account's reviews span every year; the board shows the current cycle.
        const year =
          query.year ??
          (query.accountId ? undefined : cycleYearOf(civilDate(dependencies.clock.now(), dependencies.timeZone)));
        const page = await annualReviews.listForAdmin(adminOf(ctx), {
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
        return { body: { reviews, nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      ...reviewRoute,
      method: 'get',
      path: '/annual-reviews/{id}',
      summary: '年审详情：报告（含逾期标记）与审核决定',
      response: annualReviewViewSchema,
      handle: async (ctx, { params }) => view(await annualReviews.loadForAdmin(actorOf(ctx), params.id)),
    }),
    defineRoute({
      ...reviewRoute,
      method: 'post',
      path: '/annual-reviews/{id}/report',
      summary: '代账号提交年审报告正文（12月1日后提交记为逾期）',
      body: annualReportSchema,
      response: annualReviewViewSchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { params, body }) =>
        view(await annualReviews.submitReportById(actorOf(ctx), params.id, { text: body.text, file: null })),
    }),
    defineRoute({
      ...reviewRoute,
      method: 'post',
      path: '/annual-reviews/{id}/decision',
      summary: '年审通过或不通过（不通过须写理由）；通过可解除待关停',
      body: annualReviewDecisionSchema,
      response: annualReviewViewSchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { params, body }) => view(await annualReviews.decideById(actorOf(ctx), params.id, body)),
    }),
  ];
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
