/**
 * What people see of publishing and its verification (R10): the 发布核验 of one draft (in its detail,
 * GET /api/v1/drafts/{reference}) and the dashboard's count of what the connected accounts published
 * in the last 30 days — verified, differing from its approval, or published without one.
 */
import { z } from 'zod';
import { diffSegmentSchema, instantSchema } from './common';

export const publicationCheckStateSchema = z.enum([
  /** Sent to the platform; its result has not come yet. */
  'publishing',
  /** The platform did not publish it (or it could not be sent): the draft may be published again. */
  'failed',
  /** Published; the article is being compared with the approved version. */
  'verifying',
  'verified',
  'mismatch',
  /** Verified, then deleted on the platform. */
  'deleted',
  /** Verified, then its title or text changed on the platform. */
  'replaced',
]);
export type PublicationCheckState = z.infer<typeof publicationCheckStateSchema>;

export const publicationCheckSchema = z
  .object({
    /** publish: sent by 发布 through the system; sweep: found on the platform by the sweep (published by hand). */
    source: z.enum(['publish', 'sweep']),
    state: publicationCheckStateSchema,
    /** The state in words, e.g. 已发布，核验一致. */
    stateText: z.string(),
    /** What was found and what to do, in a sentence. */
    message: z.string(),
    accountName: z.string(),
    /** The approved version it is compared with, and the content hash its approvals bound (R2). */
    versionNumber: z.number().int(),
    contentHash: z.string(),
    articleUrl: z.string(),
    publishedAt: instantSchema.nullable(),
    checkedAt: instantSchema.nullable(),
    /** Places where the article differs from the approved version (0 when verified or not checked yet). */
    placeCount: z.number().int(),
    /** The difference as the chat message showed it, a line a place ('' when there is none). */
    differenceText: z.string(),
    /** Word by word, approved → published; null when the published text is not kept (a sweep's finding). */
    difference: z.object({ title: z.array(diffSegmentSchema), text: z.array(diffSegmentSchema) }).nullable(),
    /** Attempts to publish through the platform (failed ones included). */
    attempts: z.number().int(),
  })
  .meta({ id: 'PublicationCheck' });
export type PublicationCheckView = z.infer<typeof publicationCheckSchema>;

export const unapprovedPostSchema = z
  .object({
    accountId: z.string(),
    accountName: z.string(),
    title: z.string(),
    url: z.string(),
    publishedAt: instantSchema,
  })
  .meta({ id: 'UnapprovedPost' });
export type UnapprovedPostView = z.infer<typeof unapprovedPostSchema>;

/** The dashboard's card: what the viewer's connected accounts published in the window. */
export const publicationCountsSchema = z
  .object({
    windowDays: z.number().int(),
    /** Connected 公众号 accounts within the viewer's scope (0: the card says how to connect one). */
    connectedAccounts: z.number().int(),
    verified: z.number().int(),
    mismatched: z.number().int(),
    unapproved: z.number().int(),
    /** Verified posts deleted or changed on the platform since. */
    changedLater: z.number().int(),
    /** The newest posts published without an approval (a few). */
    latestUnapproved: z.array(unapprovedPostSchema),
    /** The last sweep of any of these accounts; null before the first. */
    lastSweptAt: instantSchema.nullable(),
  })
  .meta({ id: 'PublicationCounts' });
export type PublicationCountsView = z.infer<typeof publicationCountsSchema>;
