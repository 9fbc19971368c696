/** /api/v1/audit: events by subject, chain verification and the latest signed digests (admins). */
import { z } from 'zod';
import { cursorSchema, instantSchema, pageLimitSchema, pageSchema, personReferenceSchema } from './common';

export const auditEventsQuerySchema = z
  .strictObject({
    subjectType: z.string().regex(/^[a-z][a-z-]{0,39}$/, { error: '对象类型格式不正确' }),
    subjectId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w:.-]+$/, { error: '对象 ID 格式不正确' }),
    limit: pageLimitSchema,
    cursor: cursorSchema.optional(),
  })
  .meta({ id: 'AuditEventsQuery' });
export type AuditEventsQuery = z.input<typeof auditEventsQuerySchema>;

export const auditEventViewSchema = z
  .object({
    sequence: z.number().int(),
    at: instantSchema,
    action: z.string(),
    actor: personReferenceSchema.nullable(),
    onBehalfOf: personReferenceSchema.nullable(),
    via: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }),
    subjectVersion: z.number().int().nullable(),
    contentHash: z.string(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof auditEventViewSchema>;

export const auditEventPageSchema = pageSchema(auditEventViewSchema).meta({ id: 'AuditEventPage' });
export type AuditEventPage = z.infer<typeof auditEventPageSchema>;

/** POST /api/v1/audit/verify takes an empty object. */
export const auditVerifyRequestSchema = z.strictObject({}).meta({ id: 'AuditVerifyRequest' });

export const auditVerifyResponseSchema = z
  .object({
    ok: z.boolean(),
    /** Events checked (up to the first broken link). */
    count: z.number().int(),
    head: z.object({ sequence: z.number().int(), hash: z.string() }).nullable(),
    digestsChecked: z.number().int(),
    /** The first broken link, in English as the verifier states it; null when ok. */
    problem: z.string().nullable(),
    brokenAtSequence: z.number().int().nullable(),
    checkedAt: instantSchema,
  })
  .meta({ id: 'AuditVerifyResponse' });
export type AuditVerifyResponse = z.infer<typeof auditVerifyResponseSchema>;

export const auditDigestViewSchema = z
  .object({
    file: z.string(),
    date: z.string(),
    headSequence: z.number().int(),
    headHash: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditDigest' });
export type AuditDigestView = z.infer<typeof auditDigestViewSchema>;

export const auditDigestListSchema = z
  .object({ items: z.array(auditDigestViewSchema) })
  .meta({ id: 'AuditDigestList' });
export type AuditDigestList = z.infer<typeof auditDigestListSchema>;
