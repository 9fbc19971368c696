/**
 * /api/v1/inquiries (R8, 第十二条): public inquiries to the accounts — the list with filters and cursor
 * pagination, one inquiry with its thread and timeline, the officers' steps, the monthly figures, and the
 * 留言台账 export's columns. Citizens' texts are masked for everyone but the answering unit.
 */
import { z } from 'zod';
import {
  cursorSchema,
  instantSchema,
  objectIdSchema,
  pageLimitSchema,
  pageSchema,
  personReferenceSchema,
} from './common';

export const inquiryKindSchema = z.enum(['consultation', 'suggestion', 'complaint', 'other']);
export const inquiryStatusSchema = z.enum(['open', 'answered', 'invalid']);
export const replyChannelSchema = z.enum(['platform', 'back-office']);

/** A calendar month, as 2026-11 (read in the configured time zone). */
export const monthSchema = z
  .string()
  // Years the system can have inquiries of: a year 0000 or 9999 has no instant the database can hold.
  .regex(/^(19[7-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$/, { error: '月份应形如 2026-11（1970–2100 年）' })
  .meta({ description: 'A calendar month (YYYY-MM)', example: '2026-11' });

const civilDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期应形如 2026-12-20' });

/** An inquiry's id or its code (Q7K2). */
export const inquiryIdParamsSchema = z.strictObject({
  id: z.string().min(1).max(40).meta({ description: 'Inquiry id or code', example: 'Q7K2' }),
});

/** GET /api/v1/inquiries: every filter optional. */
export const inquiryListQuerySchema = z
  .strictObject({
    status: inquiryStatusSchema.optional(),
    /** true: open and past the promised date; false: all others. */
    overdue: z.enum(['true', 'false']).optional(),
    accountId: objectIdSchema.optional(),
    /** The answering unit. */
    unitId: objectIdSchema.optional(),
    month: monthSchema.optional(),
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
  })
  .meta({ id: 'InquiryListQuery' });
export type InquiryListQuery = z.input<typeof inquiryListQuerySchema>;

export const inquiryListItemSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    /** The answering unit. */
    unitId: z.string(),
    unitName: z.string(),
    kind: inquiryKindSchema,
    /** 咨询 / 建议 / 投诉 / 其他 */
    kindText: z.string(),
    status: inquiryStatusSchema,
    receivedAt: instantSchema,
    /** The promised date in force (after any extension). */
    answerDueOn: z.string(),
    overdue: z.boolean(),
    answeredAt: instantSchema.nullable(),
    answerChannel: replyChannelSchema.nullable(),
    /** The citizen's first message, on one line; masked unless the viewer answers it. */
    excerpt: z.string(),
  })
  .meta({ id: 'InquiryListItem' });
export type InquiryListItem = z.infer<typeof inquiryListItemSchema>;

export const inquiryListSchema = pageSchema(inquiryListItemSchema).meta({ id: 'InquiryList' });
export type InquiryList = z.infer<typeof inquiryListSchema>;

export const inquiryMessageViewSchema = z
  .object({
    at: instantSchema,
    /** in: the citizen's; out: ours. */
    direction: z.enum(['in', 'out']),
    text: z.string(),
    purpose: z.enum(['', 'acknowledgement', 'answer']),
    by: personReferenceSchema.nullable(),
    channel: replyChannelSchema.nullable(),
  })
  .meta({ id: 'InquiryMessage' });

export const inquiryExtensionViewSchema = z
  .object({
    at: instantSchema,
    by: personReferenceSchema,
    fromDueOn: z.string(),
    toDueOn: z.string(),
    reason: z.string(),
  })
  .meta({ id: 'InquiryExtension' });

export const inquiryTimelineEntryViewSchema = z
  .object({
    sequence: z.number().int(),
    at: instantSchema,
    action: z.string(),
    /** null for steps of the platform or the system. */
    by: personReferenceSchema.nullable(),
    reason: z.string(),
    note: z.string(),
  })
  .meta({ id: 'InquiryTimelineEntry' });

export const inquiryDetailSchema = inquiryListItemSchema
  .extend({
    source: z.enum(['platform', 'manual', 'import']),
    citizenLabel: z.string(),
    invalidReason: z.enum(['', 'spam', 'duplicate']),
    accountUnitId: z.string(),
    /** Whether the viewer may act on it (answer, extend, transfer…); the texts are unmasked for the answering unit. */
    mayAct: z.boolean(),
    deadlines: z.object({
      acknowledgeDueAt: instantSchema,
      acknowledgedAt: instantSchema.nullable(),
      originalDueOn: z.string(),
      answerDueOn: z.string(),
    }),
    answerText: z.string(),
    answeredBy: personReferenceSchema.nullable(),
    messages: z.array(inquiryMessageViewSchema),
    extensions: z.array(inquiryExtensionViewSchema),
    timeline: z.array(inquiryTimelineEntryViewSchema),
    /** An answer waiting for the unit's approval (null when none): its text, hash and who is to decide. */
    pendingAnswer: z
      .object({
        text: z.string(),
        contentHash: z.string(),
        author: personReferenceSchema,
        step: z.number().int(),
        steps: z.number().int(),
        approved: z.boolean(),
        waitingFor: z.array(personReferenceSchema),
      })
      .nullable(),
  })
  .meta({ id: 'InquiryDetail' });
export type InquiryDetail = z.infer<typeof inquiryDetailSchema>;

/**
 * POST /api/v1/inquiries: an inquiry registered by hand (微博私信, 电话…), for an account named by its id
 * or by its name as filed (as in the chat's 登记留言: officers cannot list accounts, admins can).
 */
export const inquiryRegistrationSchema = z
  .strictObject({
    accountId: objectIdSchema.optional(),
    accountName: z.string().min(1).max(100).optional(),
    text: z.string().min(1).max(10_000),
    citizenLabel: z.string().max(60).optional(),
    receivedAt: instantSchema.optional(),
    kind: inquiryKindSchema.optional(),
  })
  .refine((body) => Boolean(body.accountId) !== Boolean(body.accountName), {
    error: '请写明留言所属的账号：accountId 或 accountName 二选一',
  })
  .meta({ id: 'InquiryRegistration' });
export type InquiryRegistration = z.infer<typeof inquiryRegistrationSchema>;

export const inquiryImportRequestSchema = z
  .strictObject({
    accountId: objectIdSchema,
    /** The platform's export as CSV text: 留言时间, 留言内容, and optionally 留言人 and 类型. */
    content: z.string().min(1).max(5_000_000),
  })
  .meta({ id: 'InquiryImportRequest' });
export const inquiryImportResultSchema = z
  .strictObject({ imported: z.number().int(), alreadyThere: z.number().int(), errors: z.array(z.string()) })
  .meta({ id: 'InquiryImportResult' });
export type InquiryImportResult = z.infer<typeof inquiryImportResultSchema>;

export const inquiryAnswerRequestSchema = z.strictObject({ text: z.string().min(1).max(10_000) });
export const inquiryConfirmRequestSchema = z.strictObject({ note: z.string().max(2_000).default('') });
export const inquiryExtendRequestSchema = z.strictObject({
  dueOn: civilDateSchema,
  reason: z.string().min(1).max(500),
});
export const inquiryKindRequestSchema = z.strictObject({ kind: inquiryKindSchema });
export const inquiryInvalidRequestSchema = z.strictObject({ reason: z.enum(['spam', 'duplicate']) });
/** One of the two: the unit's id, or its full name. */
export const inquiryTransferRequestSchema = z
  .strictObject({ unitId: objectIdSchema.optional(), unitName: z.string().min(1).max(100).optional() })
  .refine((body) => Boolean(body.unitId) !== Boolean(body.unitName), {
    error: '请写明转办单位：unitId 或 unitName 二选一',
  });

/** POST /api/v1/inquiries/{id}/answer: sent through the platform, recorded, or to be given in its back office. */
export const inquiryAnswerResultSchema = z
  .object({
    outcome: z.enum(['sent', 'recorded', 'back-office', 'awaiting-approval']),
    /** Why it must be answered in the back office ('' otherwise). */
    why: z.enum(['', 'window-closed', 'quota-used']),
    inquiry: inquiryDetailSchema,
  })
  .meta({ id: 'InquiryAnswerResult' });
export type InquiryAnswerResult = z.infer<typeof inquiryAnswerResultSchema>;

/** An approver's decision on an answer awaiting the unit's approval; `contentHash` is the text they read. */
export const inquiryAnswerDecisionRequestSchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    contentHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    reason: z.string().max(2_000).default(''),
  })
  .meta({ id: 'InquiryAnswerDecisionRequest' });

export const inquiryExtendResultSchema = z
  .object({ citizenTold: z.boolean(), inquiry: inquiryDetailSchema })
  .meta({ id: 'InquiryExtendResult' });
export type InquiryExtendResult = z.infer<typeof inquiryExtendResultSchema>;

/** GET /api/v1/inquiries/figures */
export const inquiryFiguresQuerySchema = z
  .strictObject({ month: monthSchema, groupBy: z.enum(['account', 'unit']).default('account') })
  .meta({ id: 'InquiryFiguresQuery' });
export type InquiryFiguresQuery = z.input<typeof inquiryFiguresQuerySchema>;

export const inquiryFiguresSchema = z
  .object({
    /** 留言数 */
    received: z.number().int(),
    /** 有效留言数 */
    valid: z.number().int(),
    /** 答复数 */
    answered: z.number().int(),
    /** 答复率 = 答复数 ÷ 有效留言数 */
    answerRate: z.number().nullable(),
    /** 按期答复数 */
    answeredOnTime: z.number().int(),
    /** 按期答复率 = 按期答复数 ÷ (答复数 + 逾期未答复数) */
    onTimeRate: z.number().nullable(),
    medianAnswerWorkingHours: z.number().nullable(),
    p90AnswerWorkingHours: z.number().nullable(),
    overdue: z.number().int(),
  })
  .meta({ id: 'InquiryFigures' });
export type InquiryFiguresView = z.infer<typeof inquiryFiguresSchema>;

export const inquiryFiguresReportSchema = z
  .object({
    month: z.string(),
    groupBy: z.enum(['account', 'unit']),
    groups: z.array(z.object({ id: z.string(), name: z.string(), figures: inquiryFiguresSchema })),
    totals: inquiryFiguresSchema,
  })
  .meta({ id: 'InquiryFiguresReport' });
export type InquiryFiguresReport = z.infer<typeof inquiryFiguresReportSchema>;

/** GET /api/v1/exports/inquiries: the 留言台账 of a month. */
export const inquiryExportQuerySchema = z
  .strictObject({ month: monthSchema, format: z.enum(['csv', 'xlsx']).default('xlsx') })
  .meta({ id: 'InquiryExportQuery' });
export type InquiryExportQuery = z.input<typeof inquiryExportQuerySchema>;

/** Column headers, in order, of the 留言台账. */
export const inquiryExportColumns = [
  '编号',
  '账号',
  '受理日期',
  '留言人',
  '类型',
  '留言内容',
  '承诺答复期限',
  '延期理由',
  '答复日期',
  '答复部门',
  '答复内容',
  '答复方式',
  '是否按期',
  '状态',
] as const;

const answerDaysSchema = z.strictObject({
  consultation: z.number().int().min(1).max(60).optional(),
  suggestion: z.number().int().min(1).max(60).optional(),
  complaint: z.number().int().min(1).max(60).optional(),
  other: z.number().int().min(1).max(60).optional(),
});

/** A unit's own deadlines (applied to it and the units below it); fields not given keep their value. */
export const unitInquirySettingsSchema = z
  .strictObject({
    acknowledgeWorkingHours: z.number().positive().max(40).optional(),
    answerWorkingDays: answerDaysSchema.optional(),
    maxWorkingDays: z.number().int().min(1).max(60).optional(),
    answerApproval: z.boolean().optional(),
  })
  .meta({ id: 'UnitInquirySettings' });

/** An account's acknowledgement: sent automatically or not, and its wording ({date} = the promised date). */
export const accountInquirySettingsSchema = z
  .strictObject({
    autoAcknowledge: z.boolean().optional(),
    acknowledgementTemplate: z.string().max(300).optional(),
  })
  .meta({ id: 'AccountInquirySettings' });

const policyInForceSchema = z.strictObject({
  acknowledgeWorkingHours: z.number(),
  answerWorkingDays: z.strictObject({
    consultation: z.number(),
    suggestion: z.number(),
    complaint: z.number(),
    other: z.number(),
  }),
  maxWorkingDays: z.number(),
  joinWindowMinutes: z.number(),
  replyWindowHours: z.number(),
  replyQuota: z.number(),
  windowWarningMinutes: z.number(),
  autoAcknowledge: z.boolean(),
  acknowledgementTemplate: z.string(),
  answerApproval: z.boolean(),
});

export const unitInquirySettingsViewSchema = z
  .strictObject({ own: unitInquirySettingsSchema, inForce: policyInForceSchema })
  .meta({ id: 'UnitInquirySettingsView' });
export type UnitInquirySettingsView = z.infer<typeof unitInquirySettingsViewSchema>;
export const accountInquirySettingsViewSchema = z
  .strictObject({ own: accountInquirySettingsSchema, inForce: policyInForceSchema })
  .meta({ id: 'AccountInquirySettingsView' });
export type AccountInquirySettingsView = z.infer<typeof accountInquirySettingsViewSchema>;
export const inquiryUnitParamsSchema = z.strictObject({ unitId: objectIdSchema });
export const inquiryAccountParamsSchema = z.strictObject({ accountId: objectIdSchema });
