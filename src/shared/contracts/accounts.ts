/**
 * /api/v1/accounts — the account registry (R4) as the admins see it: opening applications and their
 * decision, the filing, re-filings, the interaction function, the certification and the closure workflow.
 */
import { z } from 'zod';
import {
  idCursorSchema,
  instantSchema,
  objectIdSchema,
  optionalPageLimitSchema,
  personReferenceSchema,
  unitReferenceSchema,
} from './common';

export const accountPlatformSchema = z.enum(
  ['wechat-official-account', 'wechat-channels', 'weibo', 'toutiao', 'douyin', 'kuaishou', 'app', 'other'],
  {
    error: '平台须为 wechat-official-account、wechat-channels、weibo、toutiao、douyin、kuaishou、app、other 之一',
  },
);
export type AccountPlatformName = z.infer<typeof accountPlatformSchema>;

export const accountStatusSchema = z.enum(['applying', 'rejected', 'active', 'closing', 'closed'], {
  error: 'status 须为 applying、rejected、active、closing、closed 之一',
});
export type AccountStatusName = z.infer<typeof accountStatusSchema>;

export const closureStepSchema = z.enum(
  ['requested', 'approved', 'stop-notice-published', 'platform-cancelled', 'filed'],
  { error: 'step 须为 requested、approved、stop-notice-published、platform-cancelled、filed 之一' },
);
export type ClosureStepName = z.infer<typeof closureStepSchema>;

/** A field's id, with the field's Chinese name in the answer when it is missing or malformed. */
const idOf = (word: string) =>
  z.string({ error: `请填写${word}` }).regex(/^[0-9a-f]{24}$/i, { error: `${word}编号无效` });
const textOf = (word: string, max: number) =>
  z
    .string({ error: `请填写${word}` })
    .trim()
    .max(max, { error: `${word}不能超过${max}字` });
/** A real calendar date, "2026-11-02" (not 2026-02-30). */
export const calendarDateOf = (word: string) =>
  z
    .string({ error: `请填写${word}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${word}须为日期，如 2026-11-02` })
    .refine(isRealDate, { error: `${word}不是有效的日期` })
    .refine((text) => text >= '2000-01-01' && text <= '2099-12-31', { error: `${word}须在 2000 至 2099 年之间` })
    .meta({ example: '2026-11-02' });
function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
const phoneOf = (word: string) =>
  z
    .string({ error: `请填写${word}` })
    .trim()
    .regex(/^[0-9+\- ]{7,20}$/, { error: `${word}格式不正确` });

export const accountIdParamsSchema = z.strictObject({ id: objectIdSchema });

/** POST /api/v1/accounts — an opening application (申请表). */
export const accountApplicationSchema = z
  .strictObject({
    unitId: idOf('单位'),
    platform: accountPlatformSchema,
    name: textOf('账号名称', 100).min(1, { error: '请填写账号名称' }),
    purpose: textOf('开设目的和定位', 500).min(1, { error: '请填写开设目的和定位' }),
    scope: textOf('发布范围', 500).default(''),
    leaderInChargeId: idOf('分管领导'),
    backendAdminId: idOf('后台管理员'),
    backendAdminPhone: phoneOf('后台管理员电话'),
    /** The date opened on the platform. */
    openedOn: calendarDateOf('开设日期'),
  })
  .meta({ id: 'AccountApplication' });
export type AccountApplicationBody = z.input<typeof accountApplicationSchema>;

/** POST /api/v1/accounts/{id}/opening-decision */
export const openingDecisionSchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject'], { error: 'decision 须为 approve（批准）或 reject（不批准）' }),
    /** Required to reject. */
    reason: textOf('理由', 500).default(''),
    documentNumber: textOf('批准文号', 100).default(''),
  })
  .meta({ id: 'OpeningDecision' });
export type OpeningDecisionBody = z.input<typeof openingDecisionSchema>;

/** POST /api/v1/accounts/{id}/filing */
export const filingSchema = z.strictObject({ note: textOf('备注', 500).default('') }).meta({ id: 'Filing' });
export type FilingBody = z.input<typeof filingSchema>;

/** POST /api/v1/accounts/{id}/re-filings — a change of leader or admin. */
export const refilingSchema = z
  .strictObject({
    role: z.enum(['leader', 'admin'], { error: 'role 须为 leader（分管领导）或 admin（后台管理员）' }),
    personId: idOf('变更后的人员'),
    phone: phoneOf('电话').optional(),
    note: textOf('变更说明', 500).min(1, { error: '请写明变更说明' }),
  })
  .meta({ id: 'Refiling' });
export type RefilingBody = z.input<typeof refilingSchema>;

/** PUT /api/v1/accounts/{id}/interaction */
export const interactionSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'enabled 须为 true 或 false' }),
    note: textOf('说明', 500).default(''),
  })
  .meta({ id: 'Interaction' });
export type InteractionBody = z.input<typeof interactionSchema>;

/** PUT /api/v1/accounts/{id}/certification */
export const certificationSchema = z
  .strictObject({
    certified: z.boolean({ error: 'certified 须为 true 或 false' }),
    /** "2027-03-01", or null for none. */
    expiresOn: calendarDateOf('认证到期日').nullable(),
  })
  .meta({ id: 'Certification' });
export type CertificationBody = z.input<typeof certificationSchema>;

/** POST /api/v1/accounts/{id}/closure — the next step of the closure workflow. */
export const closureStepRequestSchema = z
  .strictObject({
    step: closureStepSchema,
    note: textOf('说明', 500).default(''),
    /** The stop notice's link; required for stop-notice-published. */
    url: z.string().trim().max(2000, { error: '链接不能超过2000字' }).optional(),
  })
  .meta({ id: 'ClosureStepRequest' });
export type ClosureStepBody = z.input<typeof closureStepRequestSchema>;

/** POST /api/v1/accounts/{id}/closure/withdrawal — withdraws a closure request not yet approved. */
export const closureWithdrawalSchema = z
  .strictObject({ note: textOf('说明', 500).default('') })
  .meta({ id: 'ClosureWithdrawal' });
export type ClosureWithdrawalBody = z.input<typeof closureWithdrawalSchema>;

/** GET /api/v1/accounts?status=&cursor=&limit= */
export const accountListQuerySchema = z.strictObject({
  status: accountStatusSchema.optional(),
  cursor: idCursorSchema.optional(),
  limit: optionalPageLimitSchema,
});

export const accountFilingViewSchema = z
  .object({
    kind: z.enum(['opening', 'leader-change', 'admin-change', 'closure']),
    filedAt: instantSchema,
    filedBy: personReferenceSchema,
    note: z.string(),
    from: personReferenceSchema.nullable(),
    to: personReferenceSchema.nullable(),
  })
  .meta({ id: 'AccountFiling' });
export type AccountFilingView = z.infer<typeof accountFilingViewSchema>;

export const accountViewSchema = z
  .object({
    id: z.string(),
    unit: unitReferenceSchema,
    platform: accountPlatformSchema,
    platformText: z.string(),
    name: z.string(),
    purpose: z.string(),
    scope: z.string(),
    status: accountStatusSchema,
    statusText: z.string(),
    leaderInCharge: personReferenceSchema,
    backendAdmin: personReferenceSchema,
    backendAdminPhone: z.string(),
    openingApproval: z.object({
      decision: z.enum(['approved', 'rejected']).nullable(),
      by: personReferenceSchema.nullable(),
      at: instantSchema.nullable(),
      reason: z.string(),
      documentNumber: z.string(),
    }),
    openedAt: instantSchema.nullable(),
    filingDueAt: instantSchema.nullable(),
    filedAt: instantSchema.nullable(),
    /** Not filed and past the deadline. */
    filingOverdue: z.boolean(),
    filings: z.array(accountFilingViewSchema),
    certification: z.object({ certified: z.boolean(), expiresAt: instantSchema.nullable() }),
    interactionEnabled: z.boolean(),
    closure: z.array(
      z.object({
        step: closureStepSchema,
        stepText: z.string(),
        at: instantSchema,
        by: personReferenceSchema,
        note: z.string(),
        url: z.string(),
      }),
    ),
    /** The closure step that comes next, or null (not closing, or done). */
    nextClosureStep: closureStepSchema.nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof accountViewSchema>;

export const accountListSchema = z
  .object({ accounts: z.array(accountViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AccountList' });
export type AccountListBody = z.infer<typeof accountListSchema>;
