/** /api/v1/accounts/{id}/sweep — the platform sweep of a connected account (R10): what it found. */
import { z } from 'zod';

/** What one sweep of an account found. */
export const sweepOutcomeSchema = z
  .object({
    at: z.string(),
    /** Why the platform's list could not be read (to the end), in Chinese; '' when it was. */
    error: z.string(),
    /** Articles listed this time. */
    listed: z.number().int(),
    /** Articles seen for the first time, and what each was. */
    found: z.number().int(),
    verified: z.number().int(),
    mismatched: z.number().int(),
    unapproved: z.number().int(),
    /** Verified articles found deleted or changed since. */
    deleted: z.number().int(),
    replaced: z.number().int(),
  })
  .meta({ id: 'SweepOutcome' });
export type SweepOutcomeView = z.infer<typeof sweepOutcomeSchema>;

/** POST /api/v1/accounts/{id}/sweep, and GET: the last sweep (null before the first). */
export const accountSweepSchema = z
  .object({
    accountId: z.string(),
    accountName: z.string(),
    outcome: sweepOutcomeSchema.nullable(),
    /** The outcome in a sentence; '' before the first sweep. */
    message: z.string(),
  })
  .meta({ id: 'AccountSweep' });
export type AccountSweepView = z.infer<typeof accountSweepSchema>;
