/**
 * /api/v1/readiness (考核自查, R10): the viewer's units ranked worst first, one unit's report, one
 * account's report, at today or a past 监测时间点; the export of a unit's report as .docx or .xlsx
 * (readiness-documents.ts).
 * Admins see their units and everything below; leaders the units and accounts their routes name.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import { accountIdParamsSchema } from '../shared/contracts/accounts';
import { unitIdParamsSchema } from '../shared/contracts/cadence';
import {
  accountReadinessReportSchema,
  readinessExportQuerySchema,
  readinessOverviewSchema,
  readinessQuerySchema,
  unitReadinessReportSchema,
} from '../shared/contracts/readiness';
import type { ReadinessService, ReportMoment } from './readiness-service';
import type { IndicatorTable } from './indicator-table-rules';
import { exportUnitReadiness, readinessExportContentTypes } from './readiness-documents';
import type { ReadinessExportDependencies } from './readiness-documents';

/** The table as a report names it: its name, pass score and the indicators with their clauses. */
export function tableSummary(table: IndicatorTable) {
  return {
    name: table.name,
    passScore: table.passScore,
    indicators: table.indicators.map(({ id, name, group, clause }) => ({ id, name, group, clause })),
  };
}

function momentFields(moment: ReportMoment, table: IndicatorTable) {
  return { date: moment.date, at: moment.at.toISOString(), table: tableSummary(table) };
}

export function readinessRoutes(
  readiness: ReadinessService,
  exporting: Omit<ReadinessExportDependencies, 'readiness'>,
): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/readiness',
      summary: '考核自查：查看范围内各单位按检查指标的状态（不合格、风险在前），可指定过去的监测日期',
      tag: 'readiness',
      access: 'signed-in',
      query: readinessQuerySchema,
      response: readinessOverviewSchema,
      errorStatuses: [403],
      handle: async (ctx, { query }) => {
        const { moment, units } = await readiness.overview(ctx.state.viewer, query.date);
        return { body: { ...momentFields(moment, readiness.table), units } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readiness/units/{unitId}',
      summary: '一个单位的考核自查报告：各账号每项指标的值、状态、出处条款、下一步与依据记录',
      tag: 'readiness',
      access: 'signed-in',
      params: unitIdParamsSchema,
      query: readinessQuerySchema,
      response: unitReadinessReportSchema,
      errorStatuses: [403, 404],
      handle: async (ctx, { params, query }) => {
        const { moment, unit } = await readiness.unitReport(ctx.state.viewer, params.unitId, query.date);
        return { body: { ...momentFields(moment, readiness.table), unit } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readiness/accounts/{id}',
      summary: '一个账号的考核自查报告',
      tag: 'readiness',
      access: 'signed-in',
      params: accountIdParamsSchema,
      query: readinessQuerySchema,
      response: accountReadinessReportSchema,
      errorStatuses: [403, 404],
      handle: async (ctx, { params, query }) => {
        const { moment, account } = await readiness.accountReport(ctx.state.viewer, params.id, query.date);
        return { body: { ...momentFields(moment, readiness.table), account } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readiness/units/{unitId}/export',
      summary: '导出一个单位的考核自查报告（Word 或 Excel），含各账号指标表与依据记录；导出本身记入审计',
      tag: 'readiness',
      access: 'signed-in',
      params: unitIdParamsSchema,
      query: readinessExportQuerySchema,
      fileTypes: Object.values(readinessExportContentTypes),
      errorStatuses: [403, 404],
      handle: async (ctx, { params, query }) => ({
        file: await exportUnitReadiness({ readiness, ...exporting }, ctx.state.viewer, params.unitId, query),
      }),
    }),
  ];
}
