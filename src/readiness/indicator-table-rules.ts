/**
 * The inspection indicator table (R10: indicators computed from our own records): which indicators an
 * account is scored on, the clause each comes from, the measure that computes it, its thresholds and
 * weight, and the next step for each failing status. The table is data (config/inspection-indicators/),
 * so a province's variant is a different file, not different code; this module validates it and turns a
 * measured value into a status. Pure.
 */
import { z } from 'zod';

/** The computations the program knows; the table picks one per indicator by name. */
export const readinessMeasures = [
  'days-without-update',
  'interaction-switched-off',
  'inquiry-overdue-stage',
  'published-serious-expressions',
  'unapproved-publications',
  'update-frequency',
  'days-without-original',
  'original-share',
  'answer-rate',
  'on-time-rate',
  'filing-stage',
  'annual-review-stage',
  'certification-stage',
  'closure-stage',
] as const;
export type ReadinessMeasure = (typeof readinessMeasures)[number];

/** 合格 / 风险 / 不合格 / 未接入 (what is not recorded is never a pass). */
export const readinessStatuses = ['pass', 'risk', 'fail', 'not-connected'] as const;
export type ReadinessStatus = (typeof readinessStatuses)[number];

export const readinessStatusWords: Record<ReadinessStatus, string> = {
  pass: '合格',
  risk: '风险',
  fail: '不合格',
  'not-connected': '未接入',
};

const indicatorSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'id 只能用小写字母、数字和连字符'),
    name: z.string().min(1).max(20),
    /** veto: 单项否决 — failing it fails the account; scored: 扣分项. */
    group: z.enum(['veto', 'scored']),
    clause: z.string().min(1).max(300),
    measure: z.enum(readinessMeasures),
    description: z.string().min(1).max(300),
    unit: z.string().max(4),
    /** Whether a larger value is worse (days without update) or a smaller one (answer rate). */
    worseWhen: z.enum(['above', 'below']),
    risk: z.number().nullable(),
    fail: z.number().nullable(),
    /** Points a scored indicator deducts when failed (half when at risk); 0 for vetoes. */
    weight: z.number().min(0).max(100),
    /** The period the measure looks back over, in days before the 监测时间点 (0: the registry as it stands). */
    windowDays: z.number().int().min(0).max(366),
    /** The next step, one sentence each; {days} becomes the days left before the failing threshold. */
    advice: z.object({ risk: z.string().max(200), fail: z.string().min(1).max(200) }),
  })
  .strict()
  .superRefine((indicator, context) => {
    if (indicator.risk === null && indicator.fail === null) {
      context.addIssue({ code: 'custom', message: 'risk 与 fail 至少要有一个阈值' });
    }
    if (indicator.risk !== null && !indicator.advice.risk) {
      context.addIssue({ code: 'custom', path: ['advice', 'risk'], message: '有风险阈值时须写风险的下一步' });
    }
    if (indicator.risk !== null && indicator.fail !== null) {
      const ordered =
        indicator.worseWhen === 'above' ? indicator.risk <= indicator.fail : indicator.risk >= indicator.fail;
      if (!ordered) context.addIssue({ code: 'custom', message: '风险阈值应比不合格阈值宽' });
    }
  });

export const indicatorTableSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** An account scoring below this fails even without a veto. */
    passScore: z.number().min(0).max(100),
    indicators: z
      .array(indicatorSchema)
      .min(1)
      .refine((indicators) => new Set(indicators.map((indicator) => indicator.id)).size === indicators.length, {
        message: '指标 id 不能重复',
      }),
  })
  .strict();

export type IndicatorTable = z.infer<typeof indicatorTableSchema>;
export type Indicator = IndicatorTable['indicators'][number];

export class IndicatorTableError extends Error {}

/** The table from its JSON, or an error naming the first bad field (with its path) for the operator. */
export function parseIndicatorTable(data: unknown, source: string): IndicatorTable {
  const parsed = indicatorTableSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new IndicatorTableError(`考核指标表 ${source} 有误：${issue.path.join('.') || '（根）'}：${issue.message}`);
}

/** The status of a measured value; null (nothing recorded to measure) is 未接入. */
export function statusOfValue(indicator: Indicator, value: number | null): ReadinessStatus {
  if (value === null) return 'not-connected';
  const reaches = (threshold: number | null) =>
    threshold !== null && (indicator.worseWhen === 'above' ? value >= threshold : value < threshold);
  if (reaches(indicator.fail)) return 'fail';
  if (reaches(indicator.risk)) return 'risk';
  return 'pass';
}

/** Points a line deducts from 100: the weight when failed, half of it at risk. */
export function deductionOf(indicator: Indicator, status: ReadinessStatus): number {
  if (indicator.group !== 'scored') return 0;
  if (status === 'fail') return indicator.weight;
  if (status === 'risk') return indicator.weight / 2;
  return 0;
}

/** The next step for a line at risk or failing, '' otherwise; {days} filled in for the days left. */
export function adviceOf(indicator: Indicator, status: ReadinessStatus, value: number | null): string {
  if (status !== 'risk' && status !== 'fail') return '';
  const text = status === 'fail' ? indicator.advice.fail : indicator.advice.risk || indicator.advice.fail;
  const daysLeft = indicator.fail !== null && value !== null ? Math.max(1, Math.ceil(indicator.fail - value)) : 1;
  return text.replace('{days}', String(daysLeft));
}
