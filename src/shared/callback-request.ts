/**
 * Reading a platform's push request on our Koa server, shared by the WeCom callback and the Official
 * Account push: the named query parameters, each given once, and the raw body up to a size limit.
 */
import type { ParsedUrlQuery } from 'node:querystring';
import type { Context } from 'koa';

/**
 * The named parameters of a query string, '' where absent; null when one of them is given more than
 * once (Koa then hands over an array). The platforms send each once; anything else is a caller's making.
 */
export function singleValues<Key extends string>(
  query: ParsedUrlQuery,
  keys: readonly Key[],
): Record<Key, string> | null {
  const values = {} as Record<Key, string>;
  for (const key of keys) {
    const value = query[key];
    if (Array.isArray(value)) return null;
    values[key] = value ?? '';
  }
  return values;
}

/** The request body as UTF-8 text; null once it passes `limit` bytes (the rest is not read). */
export async function readBodyText(ctx: Context, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
