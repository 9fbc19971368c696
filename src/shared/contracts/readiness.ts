/**
 * /api/v1/readiness (考核自查, R10): each account's and unit's standing on the inspection indicators at a
 * 监测时间点 (today unless `date` names a past day), with the clause, the next step and the records behind
 * every line; the export of a unit's report as .docx or .xlsx.
 */
import { z } from 'zod';

const civilDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应写成 2026-12-01');

export const readinessQuerySchema = z
  .strictObject({
    /** The 监测时间点: a past day is recomputed from the records as they stood at its end. */
    date: civilDateText.optional(),
  })
  .meta({ id: 'ReadinessQuery' });
export type ReadinessQuery = z.input<typeof readinessQuerySchema>;

export const readinessExportQuerySchema = z
  .strictObject({
    date: civilDateText.optional(),
    format: z.enum(['docx', 'xlsx']).default('docx'),
  })
  .meta({ id: 'ReadinessExportQuery' });
export type ReadinessExportQuery = z.input<typeof readinessExportQuerySchema>;

export const readinessStatusSchema = z.enum(['pass', 'risk', 'fail', 'not-connected']);
export type ReadinessStatusName = z.infer<typeof readinessStatusSchema>;
const overallStatusSchema = z.enum(['pass', 'risk', 'fail']);

export const readinessEvidenceSchema = z
  .object({
    kind: z.enum(['post', 'article', 'inquiry', 'account', 'annual-review', 'draft']),
    id: z.string(),
    label: z.string(),
    /** ISO time, '' when the record has none. */
    at: z.string(),
    url: z.string(),
  })
  .meta({ id: 'ReadinessEvidence' });
export type ReadinessEvidenceView = z.infer<typeof readinessEvidenceSchema>;

export const readinessLineSchema = z
  .object({
    indicatorId: z.string(),
    name: z.string(),
    /** veto: 单项否决; scored: 扣分项. */
    group: z.enum(['veto', 'scored']),
    clause: z.string(),
    description: z.string(),
    value: z.number().nullable(),
    shown: z.string(),
    status: readinessStatusSchema,
    deduction: z.number(),
    advice: z.string(),
    evidence: z.array(readinessEvidenceSchema),
    evidenceTotal: z.number().int(),
  })
  .meta({ id: 'ReadinessLine' });
export type ReadinessLineView = z.infer<typeof readinessLineSchema>;

export const accountReadinessSchema = z
  .object({
    account: z.object({
      id: z.string(),
      name: z.string(),
      platform: z.string(),
      unitId: z.string(),
      unitName: z.string(),
      leaderInChargeId: z.string(),
    }),
    status: overallStatusSchema,
    score: z.number(),
    lines: z.array(readinessLineSchema),
    firstToFix: z.object({ indicatorId: z.string(), name: z.string(), advice: z.string() }).nullable(),
    notConnected: z.number().int(),
  })
  .meta({ id: 'AccountReadiness' });
export type AccountReadinessView = z.infer<typeof accountReadinessSchema>;

export const unitReadinessSchema = z
  .object({
    unit: z.object({ id: z.string(), name: z.string() }),
    status: overallStatusSchema,
    lowestScore: z.number(),
    counts: z.object({ pass: z.number().int(), risk: z.number().int(), fail: z.number().int() }),
    accounts: z.array(accountReadinessSchema),
  })
  .meta({ id: 'UnitReadiness' });
export type UnitReadinessView = z.infer<typeof unitReadinessSchema>;

const tableSummarySchema = z.object({
  name: z.string(),
  passScore: z.number(),
  indicators: z.array(
    z.object({ id: z.string(), name: z.string(), group: z.enum(['veto', 'scored']), clause: z.string() }),
  ),
});

export const readinessOverviewSchema = z
  .object({
    /** The 监测时间点 (civil date) and the moment the records were cut at. */
    date: z.string(),
    at: z.string(),
    table: tableSummarySchema,
    /** Units worst first: status, failing and at-risk accounts, lowest score. */
    units: z.array(unitReadinessSchema),
  })
  .meta({ id: 'ReadinessOverview' });
export type ReadinessOverview = z.infer<typeof readinessOverviewSchema>;

export const unitReadinessReportSchema = z
  .object({ date: z.string(), at: z.string(), table: tableSummarySchema, unit: unitReadinessSchema })
  .meta({ id: 'UnitReadinessReport' });
export type UnitReadinessReport = z.infer<typeof unitReadinessReportSchema>;

export const accountReadinessReportSchema = z
  .object({ date: z.string(), at: z.string(), table: tableSummarySchema, account: accountReadinessSchema })
  .meta({ id: 'AccountReadinessReport' });
export type AccountReadinessReport = z.infer<typeof accountReadinessReportSchema>;
