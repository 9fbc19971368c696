/** /api/v1/annual-reviews — the annual review (R5) as the admins see it. */
import { z } from 'zod';
import {
  idCursorSchema,
  instantSchema,
  objectIdSchema,
  optionalPageLimitSchema,
  personReferenceSchema,
} from './common';
import { accountPlatformSchema, accountStatusSchema } from './accounts';
import type { AccountStatusName } from './accounts';

export const annualReviewStatusSchema = z.enum(['open', 'submitted', 'passed', 'failed'], {
  error: 'status 须为 open、submitted、passed、failed 之一',
});
export type AnnualReviewStatusName = z.infer<typeof annualReviewStatusSchema>;

export const annualReviewIdParamsSchema = z.strictObject({ id: objectIdSchema });

/** GET /api/v1/annual-reviews?year=&accountId=&status=&toClose=&cursor=&limit= (the current cycle unless year or accountId). */
export const annualReviewListQuerySchema = z.strictObject({
  /** The cycle's year; when absent, the current cycle, or every year of one account when accountId is given. */
  year: z.coerce
    .number({ error: 'year 须为年份' })
    .int({ error: 'year 须为年份' })
    .min(2000, { error: 'year 须为年份' })
    .max(2100, { error: 'year 须为年份' })
    .optional(),
  accountId: objectIdSchema.optional(),
  status: annualReviewStatusSchema.optional(),
  toClose: z.enum(['true', 'false'], { error: 'toClose 须为 true 或 false' }).optional(),
  cursor: idCursorSchema.optional(),
  limit: optionalPageLimitSchema,
});

export const annualReviewViewSchema = z
  .object({
    id: z.string(),
    year: z.number().int(),
    account: z.object({
      id: z.string(),
      name: z.string(),
      platform: accountPlatformSchema,
      status: accountStatusSchema,
    }),
    unitId: z.string(),
    status: annualReviewStatusSchema,
    statusText: z.string(),
    /** 待关停 */
    toClose: z.boolean(),
    toCloseSince: instantSchema.nullable(),
    reports: z.array(
      z.object({
        text: z.string(),
        file: z.object({ name: z.string(), mimeType: z.string(), size: z.number(), sha256: z.string() }).nullable(),
        submittedAt: instantSchema,
        submittedBy: personReferenceSchema,
        late: z.boolean(),
      }),
    ),
    decision: z
      .object({ passed: z.boolean(), by: personReferenceSchema, at: instantSchema, reason: z.string() })
      .nullable(),
  })
  .meta({ id: 'AnnualReview' });
export type AnnualReviewView = z.infer<typeof annualReviewViewSchema>;

export const annualReviewListSchema = z
  .object({ reviews: z.array(annualReviewViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AnnualReviewList' });
export type AnnualReviewListBody = z.infer<typeof annualReviewListSchema>;

/** POST /api/v1/annual-reviews/{id}/report */
export const annualReportSchema = z
  .strictObject({
    text: z
      .string({ error: '请填写报告正文' })
      .trim()
      .min(1, { error: '请填写报告正文' })
      .max(50_000, { error: '报告正文不能超过5万字' }),
  })
  .meta({ id: 'AnnualReport' });
export type AnnualReportBody = z.input<typeof annualReportSchema>;

/** POST /api/v1/annual-reviews/{id}/decision */
export const annualReviewDecisionSchema = z
  .strictObject({
    passed: z.boolean({ error: 'passed 须为 true（通过）或 false（不通过）' }),
    /** Required when not passed. */
    reason: z.string().trim().max(500, { error: '理由不能超过500字' }).default(''),
  })
  .refine((body) => body.passed || body.reason.length > 0, { error: '不通过须写明理由', path: ['reason'] })
  .meta({ id: 'AnnualReviewDecision' });
export type AnnualReviewDecisionBody = z.input<typeof annualReviewDecisionSchema>;

/**
 * Registry and annual-review counts for the admin dashboard, within the admin's scope (the service
 * function AnnualReviewService.dashboardCounts gives them).
 */
export interface RegistryDashboardCountsBody {
  accounts: {
    byStatus: Record<AccountStatusName, number>;
    filingOverdue: number;
    certificationExpiring: number;
    interactionOff: number;
  };
  annualReview: { year: number; open: number; submitted: number; passed: number; failed: number; toClose: number };
}
