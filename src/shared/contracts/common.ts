/**
 * Building blocks of the API contracts: ids, times, people, pages and the error body. Every request
 * and response of /api/v1 is a zod schema in this folder; the routes validate with it, the OpenAPI
 * document is generated from it, and the mini-program imports the inferred types (`import type`).
 */
import { z } from 'zod';

/** A record id in text form (24 hex digits). */
export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/i, { error: '应为 24 位十六进制 ID' })
  .meta({ description: 'Record id (24 hex digits)', example: '665f1c2e8b3e4a0012345678' });

/** An instant as ISO 8601 in UTC, e.g. 2026-11-26T01:00:00.000Z. */
export const instantSchema = z.iso.datetime({ offset: true });

/** A query bound: a date (read in the configured time zone) or an instant. */
export const timeBoundSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/, {
    error: '日期格式应为 2026-12-01 或 2026-12-01T09:00',
  })
  .meta({ description: 'A date (2026-12-01, in the configured time zone) or a date and time', example: '2026-12-01' });

export const personReferenceSchema = z
  .object({
    id: z.string(),
    /** '' when the person is no longer on record. */
    name: z.string(),
  })
  .meta({ id: 'PersonReference' });
export type PersonReference = z.infer<typeof personReferenceSchema>;

export const unitReferenceSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'UnitReference' });
export type UnitReference = z.infer<typeof unitReferenceSchema>;

/** A run of words of a word-level comparison: the same in both, or only in the newer or the older text. */
export const diffSegmentSchema = z
  .object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() })
  .meta({ id: 'DiffSegment' });
export type DiffSegment = z.infer<typeof diffSegmentSchema>;

export const roleSchema = z.enum(['officer', 'leader', 'admin']);
export type RoleName = z.infer<typeof roleSchema>;

/** Page size of list routes: 1–100, 20 when absent. */
export const pageLimitSchema = z.coerce.number().int().min(1).max(100).default(20);

/** An opaque cursor from the previous page's `nextCursor`. */
export const cursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, { error: '分页游标无效，请从第一页重新加载' });

/** Page size of the registry's lists, which keep their own default: 1–100, each mistake named. */
export const optionalPageLimitSchema = z.coerce
  .number({ error: 'limit 须为数字' })
  .int({ error: 'limit 须为整数' })
  .min(1, { error: 'limit 最小为 1' })
  .max(100, { error: 'limit 最大为 100' })
  .optional();

/** The cursor of a list paged by record id: the last id of the previous page. */
export const idCursorSchema = z.string().regex(/^[0-9a-f]{24}$/i, { error: '分页游标无效，请从第一页重新加载' });

/** A page of a cursor-paginated list; `nextCursor` is null on the last page. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

export const errorBodySchema = z
  .object({
    error: z.object({
      /** UPPER_SNAKE, stable: the mini-program branches on it. */
      code: z.string(),
      /** Chinese, for the user. */
      message: z.string(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof errorBodySchema>;
