/**
 * /api/v1/drafts: the list (filters, cursor pagination by last change), one draft's detail, the
 * difference between two of its versions and its timeline of audit events.
 */
import { z } from 'zod';
import {
  cursorSchema,
  diffSegmentSchema,
  instantSchema,
  objectIdSchema,
  pageLimitSchema,
  pageSchema,
  personReferenceSchema,
  timeBoundSchema,
  unitReferenceSchema,
} from './common';
import { publicationCheckSchema } from './publication-checks';

export type { PersonReference } from './common';

export const draftStatusSchema = z.enum(['in_review', 'approved', 'published', 'rejected', 'withdrawn']);
export type DraftStatusName = z.infer<typeof draftStatusSchema>;

/** A draft's id or its short code (e.g. K7Q2). */
export const draftReferenceSchema = z
  .string()
  .min(1)
  .max(40)
  .meta({ description: 'Draft id or short code', example: 'K7Q2' });

export const draftReferenceParamsSchema = z.strictObject({ reference: draftReferenceSchema });

/** A pre-check finding (R7) as stored with the version it was found in; excerpts are masked. */
export const contentFindingViewSchema = z
  .object({
    rule: z.string(),
    category: z.string(),
    severity: z.enum(['block', 'warn', 'info']),
    field: z.enum(['title', 'body', 'reprint']),
    start: z.number(),
    end: z.number(),
    excerpt: z.string(),
    suggestion: z.string(),
  })
  .meta({ id: 'ContentFinding' });
export type ContentFindingView = z.infer<typeof contentFindingViewSchema>;

export const draftAttachmentViewSchema = z
  .object({ name: z.string(), mimeType: z.string(), size: z.number(), sha256: z.string() })
  .meta({ id: 'DraftAttachment' });
export type DraftAttachmentView = z.infer<typeof draftAttachmentViewSchema>;

export const draftVersionViewSchema = z
  .object({
    number: z.number().int(),
    title: z.string(),
    body: z.string(),
    sourceUrl: z.string(),
    reprint: z.object({ source: z.string(), originalTitle: z.string() }).nullable(),
    /** SHA-256 of the normalized content; approvals bind to it (R2). */
    contentHash: z.string(),
    createdAt: instantSchema,
    createdBy: personReferenceSchema,
    attachments: z.array(draftAttachmentViewSchema),
    findings: z.array(contentFindingViewSchema),
  })
  .meta({ id: 'DraftVersion' });
export type DraftVersionView = z.infer<typeof draftVersionViewSchema>;

export const approvalDecisionViewSchema = z
  .object({
    approver: personReferenceSchema,
    /** Set when a delegate or colleague decided for the designated approver. */
    onBehalfOf: personReferenceSchema.nullable(),
    decision: z.enum(['approve', 'reject']),
    comment: z.string(),
    versionNumber: z.number().int(),
    contentHash: z.string(),
    decidedAt: instantSchema,
  })
  .meta({ id: 'ApprovalDecision' });
export type ApprovalDecisionView = z.infer<typeof approvalDecisionViewSchema>;

export const approvalStepViewSchema = z
  .object({
    /** any: 或签; all: 会签. */
    mode: z.enum(['any', 'all']),
    status: z.enum(['waiting', 'pending', 'approved', 'rejected']),
    approvers: z.array(personReferenceSchema),
    backupApprovers: z.array(personReferenceSchema),
    decisions: z.array(approvalDecisionViewSchema),
  })
  .meta({ id: 'ApprovalStep' });
export type ApprovalStepView = z.infer<typeof approvalStepViewSchema>;

export const draftDetailSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    status: draftStatusSchema,
    /** The status in words, e.g. 正在审核中. */
    statusText: z.string(),
    unit: unitReferenceSchema,
    submitter: personReferenceSchema,
    currentVersion: z.number().int(),
    /** 1-based step under review; null when the draft is not in review. */
    currentStep: z.number().int().nullable(),
    steps: z.array(approvalStepViewSchema),
    versions: z.array(draftVersionViewSchema),
    publication: z.object({ url: z.string(), publishedAt: instantSchema.nullable() }),
    /** 发布核验: its publication through the platform, or the sweep's finding, checked against the approval; null when neither. */
    publicationCheck: publicationCheckSchema.nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'DraftDetail' });
export type DraftDetail = z.infer<typeof draftDetailSchema>;

/** GET /api/v1/drafts: every filter optional; `from`/`to` bound the last change. */
export const draftListQuerySchema = z
  .strictObject({
    status: draftStatusSchema.optional(),
    unitId: objectIdSchema.optional(),
    accountId: objectIdSchema.optional(),
    submitterId: objectIdSchema.optional(),
    approverId: objectIdSchema.optional(),
    from: timeBoundSchema.optional(),
    to: timeBoundSchema.optional(),
    /** Text in a version's title. */
    q: z.string().trim().min(1).max(50).optional(),
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
  })
  .meta({ id: 'DraftListQuery' });
export type DraftListQuery = z.input<typeof draftListQuerySchema>;

export const draftListItemSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    status: draftStatusSchema,
    statusText: z.string(),
    unit: unitReferenceSchema,
    accountId: z.string().nullable(),
    submitter: personReferenceSchema,
    currentVersion: z.number().int(),
    currentStep: z.number().int().nullable(),
    stepCount: z.number().int(),
    /** Who may decide now (in review only). */
    pendingApprovers: z.array(personReferenceSchema),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'DraftListItem' });
export type DraftListItem = z.infer<typeof draftListItemSchema>;

export const draftListPageSchema = pageSchema(draftListItemSchema).meta({ id: 'DraftListPage' });
export type DraftListPage = z.infer<typeof draftListPageSchema>;

/** GET /api/v1/drafts/:reference/diff?from=1&to=2 */
export const draftDiffQuerySchema = z
  .strictObject({ from: z.coerce.number().int().min(1).max(10_000), to: z.coerce.number().int().min(1).max(10_000) })
  .meta({ id: 'DraftDiffQuery' });

export { diffSegmentSchema };
export type { DiffSegment } from './common';

const diffSideSchema = z.object({ number: z.number().int(), title: z.string(), contentHash: z.string() });

export const draftDiffSchema = z
  .object({
    from: diffSideSchema,
    to: diffSideSchema,
    /** Compared at word boundaries (Chinese word segmentation). */
    title: z.array(diffSegmentSchema),
    body: z.array(diffSegmentSchema),
  })
  .meta({ id: 'DraftDiff' });
export type DraftDiff = z.infer<typeof draftDiffSchema>;

export const timelineEventSchema = z
  .object({
    sequence: z.number().int(),
    at: instantSchema,
    action: z.string(),
    /** The action in words, e.g. 同意. */
    actionText: z.string(),
    actor: personReferenceSchema.nullable(),
    onBehalfOf: personReferenceSchema.nullable(),
    /** Chat identity or mini-program the action came through. */
    via: z.string(),
    versionNumber: z.number().int().nullable(),
    contentHash: z.string(),
    reason: z.string(),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const draftTimelineSchema = z
  .object({ draftId: z.string(), code: z.string(), events: z.array(timelineEventSchema) })
  .meta({ id: 'DraftTimeline' });
export type DraftTimeline = z.infer<typeof draftTimelineSchema>;
