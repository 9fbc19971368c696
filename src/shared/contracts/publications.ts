/**
 * /api/v1/drafts/{reference}/publish — publishing an approved draft through its account's platform API
 * (R10), and the attempt as the API shows it: its state, what the platform answered, the result and the
 * verification. No secret of the connection is ever part of it.
 */
import { z } from 'zod';
import { instantSchema } from './common';

export const publicationStateSchema = z.enum([
  'submitting',
  'publishing',
  'published',
  'failed',
  'verified',
  'mismatch',
]);

export const publicationSchema = z
  .object({
    id: z.string(),
    draftId: z.string(),
    code: z.string(),
    accountId: z.string(),
    state: publicationStateSchema,
    stateText: z.string(),
    /** The approved version sent and the content hash its approvals bound (R2). */
    versionNumber: z.number().int(),
    contentHash: z.string(),
    mediaId: z.string(),
    publishId: z.string(),
    articleUrl: z.string(),
    failure: z.object({ publishStatus: z.number().int().nullable(), code: z.string(), message: z.string() }).nullable(),
    verification: z
      .object({ checkedAt: instantSchema, placeCount: z.number().int(), summary: z.string(), deleted: z.boolean() })
      .nullable(),
    createdAt: instantSchema,
  })
  .meta({ id: 'Publication' });
export type PublicationView = z.infer<typeof publicationSchema>;

/** POST /drafts/{reference}/publish: the attempt begun, and what the person is told. */
export const publicationStartedSchema = z
  .object({ publication: publicationSchema, message: z.string() })
  .meta({ id: 'PublicationStarted' });
export type PublicationStartedView = z.infer<typeof publicationStartedSchema>;
