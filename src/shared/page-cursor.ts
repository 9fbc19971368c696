/**
 * Opaque cursors for keyset pagination: the sort key of the last item shown (e.g. its last change and
 * id), base64url-encoded. A page starts strictly after it, so items added meanwhile before it are not
 * shown twice and items after it are not skipped; there is no offset to drift. Pure.
 */
import { ValidationError } from './errors';

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The parts of a cursor, each checked to be a string or a number; ValidationError for anything else. */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== arity ||
    !parts.every((part) => typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part)))
  ) {
    throw new ValidationError('CURSOR_INVALID', '分页游标无效，请从第一页重新加载');
  }
  return parts as (string | number)[];
}
