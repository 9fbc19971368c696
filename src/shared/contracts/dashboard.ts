/**
 * GET /api/v1/dashboard: what the viewer may see, at a glance. The account sections are filled by the
 * registry and cadence features when they are wired in; until then they are null (not empty), so the
 * mini-program can tell "nothing at risk" from "not tracked yet".
 */
import { z } from 'zod';
import { instantSchema, personReferenceSchema, unitReferenceSchema } from './common';
import { publicationCountsSchema } from './publication-checks';

export const turnaroundSchema = z
  .object({
    unit: unitReferenceSchema,
    /** Drafts approved in the window. */
    approved: z.number().int(),
    /** From the approved version's submission to its final approval. */
    medianMinutes: z.number(),
    p90Minutes: z.number(),
  })
  .meta({ id: 'UnitTurnaround' });
export type UnitTurnaround = z.infer<typeof turnaroundSchema>;

export const waitingDraftSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    unit: unitReferenceSchema,
    pendingApprovers: z.array(personReferenceSchema),
    /** When the current version was submitted. */
    waitingSince: instantSchema,
    waitingMinutes: z.number(),
  })
  .meta({ id: 'WaitingDraft' });
export type WaitingDraft = z.infer<typeof waitingDraftSchema>;

/** One account the registry or the cadence check considers at risk, with why. */
export const accountAtRiskSchema = z
  .object({
    account: z.object({ id: z.string(), name: z.string(), platform: z.string() }),
    unit: unitReferenceSchema,
    reasons: z.array(
      z.object({
        /** cadence: no update (R6); annual-review: not submitted or failed (R5); registry: filing incomplete (R4). */
        kind: z.enum(['cadence', 'annual-review', 'registry', 'interaction', 'certification']),
        severity: z.enum(['warn', 'critical']),
        message: z.string(),
        since: instantSchema.nullable(),
      }),
    ),
  })
  .meta({ id: 'AccountAtRisk' });
export type AccountAtRisk = z.infer<typeof accountAtRiskSchema>;

/** Registry (R4) and annual-review (R5) counts within an admin's scope. */
export const registryCountsSchema = z
  .object({
    accounts: z.object({
      byStatus: z.object({
        applying: z.number().int(),
        rejected: z.number().int(),
        active: z.number().int(),
        closing: z.number().int(),
        closed: z.number().int(),
      }),
      /** Active accounts not filed by their deadline. */
      filingOverdue: z.number().int(),
      /** Active accounts whose certification expires within 90 days. */
      certificationExpiring: z.number().int(),
      interactionOff: z.number().int(),
    }),
    annualReview: z.object({
      year: z.number().int(),
      open: z.number().int(),
      submitted: z.number().int(),
      passed: z.number().int(),
      failed: z.number().int(),
      /** 待关停 */
      toClose: z.number().int(),
    }),
  })
  .meta({ id: 'RegistryCounts' });
export type RegistryCountsView = z.infer<typeof registryCountsSchema>;

export const dashboardSchema = z
  .object({
    generatedAt: instantSchema,
    countsByStatus: z.object({
      in_review: z.number().int(),
      approved: z.number().int(),
      published: z.number().int(),
      rejected: z.number().int(),
      withdrawn: z.number().int(),
    }),
    turnaround: z.object({ windowDays: z.number().int(), units: z.array(turnaroundSchema) }),
    waitingLongest: z.array(waitingDraftSchema),
    /** null until the account registry / cadence features provide it. */
    accountsAtRisk: z.array(accountAtRiskSchema).nullable(),
    /** Admins only; null for leaders and officers, who do not see the registry. */
    registry: registryCountsSchema.nullable(),
    /**
     * 发布核验 of the last 30 days on the connected accounts within the viewer's scope (R10); null for
     * viewers who see no accounts (officers).
     */
    publications: publicationCountsSchema.nullable(),
  })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof dashboardSchema>;
