/**
 * /api/v1/exports (admins): drafts with decisions, and the audit trail, for a date range; the 留言台账 of a
 * month; CSV or XLSX.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import { parseTimeRange } from '../shared/time-bounds';
import { exportQuerySchema } from '../shared/contracts/exports';
import { inquiryExportQuerySchema } from '../shared/contracts/inquiries';
import type { ExportService } from './export-service';

const fileTypes = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

export function exportRoutes(exports: ExportService, timeZone: string): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/exports/drafts',
      summary: '导出稿件及审核决定（CSV 或 XLSX，中文表头）；导出本身记入审计',
      tag: 'exports',
      access: 'admin',
      query: exportQuerySchema,
      fileTypes,
      handle: async (ctx, { query }) => ({
        file: await exports.exportDrafts(
          ctx.state.viewer,
          parseTimeRange(query.from, query.to, timeZone),
          query.format,
        ),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/exports/audit',
      summary:
        '导出审计记录（CSV 或 XLSX，中文表头）：仅含管理范围内对象的事件，全组织的事件仅最上级单位的管理员可见；导出本身记入审计',
      tag: 'exports',
      access: 'admin',
      query: exportQuerySchema,
      fileTypes,
      handle: async (ctx, { query }) => ({
        file: await exports.exportAudit(ctx.state.viewer, parseTimeRange(query.from, query.to, timeZone), query.format),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/exports/inquiries',
      summary:
        '导出留言台账（CSV 或 XLSX）：某月受理的管理范围内留言，含受理日期、承诺答复期限、答复日期、答复部门与答复内容；导出本身记入审计',
      tag: 'exports',
      access: 'admin',
      query: inquiryExportQuerySchema,
      fileTypes,
      handle: async (ctx, { query }) => ({
        file: await exports.exportInquiries(ctx.state.viewer, query.month, query.format),
      }),
    }),
  ];
}
