/**
 * Validates a request body or query with a zod schema; a bad request changes nothing and is answered
 * 400 with the first problem in Chinese ("字段：问题"). Schemas give their own Chinese messages; a
 * field without one is reported as 格式不正确.
 */
import type { z } from 'zod';
import { ValidationError } from '../shared/errors';

export function parseRequest<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.');
  const message = /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : '格式不正确';
  throw new ValidationError(
    'INVALID_REQUEST',
    field ? `请求参数有误：${field}：${message}` : `请求参数有误：${message}`,
    {
      details: { field },
    },
  );
}
