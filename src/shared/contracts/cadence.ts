/** Calendar, reminder settings and the cadence/nudge figures the admin dashboard shows (R6). */
import { z } from 'zod';
import { objectIdSchema } from './common';

/** GET/PUT/DELETE /api/v1/calendar/overrides/{date}: one day, as 2027-01-01. */
export const calendarDateParamsSchema = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期应形如 2027-01-01' })
    .meta({ description: 'A calendar day (YYYY-MM-DD)', example: '2027-01-01' }),
});

/** PUT /api/v1/calendar/overrides/{date} */
export const calendarOverrideRequestSchema = z.strictObject({
  kind: z.enum(['holiday', 'workday']),
  name: z.string().max(50).optional(),
});

/** A local exception to the official calendar. */
export const calendarOverrideViewSchema = z
  .object({ date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string() })
  .meta({ id: 'CalendarOverride' });
export type CalendarOverrideView = z.infer<typeof calendarOverrideViewSchema>;

/** GET /api/v1/calendar */
export const calendarViewSchema = z
  .object({
    today: z.string(),
    /** Years needed now that the holiday package does not know yet; [] when all is well. */
    missingYears: z.array(z.number().int()),
    /** The warning in Chinese; '' when no year is missing. */
    missingYearsMessage: z.string(),
    overrides: z.array(calendarOverrideViewSchema),
  })
  .meta({ id: 'Calendar' });
export type CalendarView = z.infer<typeof calendarViewSchema>;

export const unitIdParamsSchema = z.strictObject({ unitId: objectIdSchema });

const workdayTimeSchema = z.string().regex(/^\d{1,2}:\d{2}$/, { error: '时间应形如 08:30' });
const baselineCountsSchema = z.enum(['calendar-days', 'working-days']);

/** PUT /api/v1/units/{unitId}/reminder-policy: the settings to change; the others stay. */
export const reminderPolicyRequestSchema = z.strictObject({
  remindAfterWorkingHours: z.number().positive().max(200).optional(),
  escalateAfterWorkingHours: z.number().positive().max(400).optional(),
  workdayStart: workdayTimeSchema.optional(),
  workdayEnd: workdayTimeSchema.optional(),
  baselineCounts: baselineCountsSchema.optional(),
});

/** GET/PUT /api/v1/units/{unitId}/reminder-policy */
export const reminderPolicyViewSchema = z
  .object({
    remindAfterWorkingHours: z.number(),
    escalateAfterWorkingHours: z.number(),
    workdayStart: z.string(),
    workdayEnd: z.string(),
    baselineCounts: baselineCountsSchema,
    /** true when the unit has no settings of its own (an ancestor's or the defaults apply). */
    inherited: z.boolean(),
  })
  .meta({ id: 'ReminderPolicy' });
export type ReminderPolicyView = z.infer<typeof reminderPolicyViewSchema>;

export const cadenceRiskNames = [
  'veto',
  'veto-tomorrow',
  'leader-warned',
  'behind-baseline',
  'no-original',
  'ok',
] as const;
export type CadenceRiskName = (typeof cadenceRiskNames)[number];

/** One running account's publishing figures (GET /api/v1/cadence; the dashboard's "accounts at risk"). */
export const accountCadenceViewSchema = z
  .object({
    accountId: z.string(),
    name: z.string(),
    platform: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    lastPostDate: z.string().nullable(),
    lastOriginalPostDate: z.string().nullable(),
    daysSincePost: z.number().int(),
    daysSinceOriginal: z.number().int(),
    baselineDays: z.number().int(),
    risk: z.enum(cadenceRiskNames),
  })
  .meta({ id: 'AccountCadence' });
export type AccountCadenceView = z.infer<typeof accountCadenceViewSchema>;

/** GET /api/v1/cadence: the running accounts in the admin's scope, with their figures. */
export const accountCadenceListSchema = z
  .object({ accounts: z.array(accountCadenceViewSchema) })
  .meta({ id: 'AccountCadenceList' });
export type AccountCadenceListBody = z.infer<typeof accountCadenceListSchema>;

/** Dashboard "drafts waiting longest": a draft whose current step waits for a decision. */
export interface WaitingDraftView {
  draftId: string;
  code: string;
  title: string;
  unitId: string;
  unitName: string;
  stepNumber: number;
  stepCount: number;
  waitingFor: { id: string; name: string }[];
  /** When the current step started waiting (ISO). */
  waitingSince: string;
  workingHoursWaited: number;
}
