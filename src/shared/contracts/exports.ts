/**
 * GET /api/v1/exports/drafts and /exports/audit: a date range as CSV (UTF-8 with BOM, for Excel) or
 * XLSX, streamed, with Chinese column headers. Each export is itself an audit event.
 */
import { z } from 'zod';
import { timeBoundSchema } from './common';

export const exportQuerySchema = z
  .strictObject({
    from: timeBoundSchema,
    /** A date alone runs through its end. */
    to: timeBoundSchema,
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
  })
  .meta({ id: 'ExportQuery' });
export type ExportQuery = z.input<typeof exportQuerySchema>;
export type ExportFormat = z.infer<typeof exportQuerySchema>['format'];

/** Column headers, in order, of the drafts export (one row per decision; a draft without one has one row). */
export const draftExportColumns = [
  '稿件编号',
  '标题',
  '单位',
  '投稿人',
  '状态',
  '投稿时间',
  '最后变更',
  '审核步骤',
  '审核人',
  '代审对象',
  '决定',
  '意见',
  '审核版本',
  '内容哈希',
  '决定时间',
  '发布链接',
  '发布时间',
] as const;

/** Column headers, in order, of the audit trail export. */
export const auditExportColumns = [
  '序号',
  '时间',
  '操作',
  '操作人',
  '代表',
  '来源',
  '对象类型',
  '对象ID',
  '版本',
  '内容哈希',
  '原因',
  '事件哈希',
] as const;
