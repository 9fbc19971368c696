/**
 * Gives each request an id (taken from X-Request-Id when the proxy set one) and a child logger
 * carrying it, and logs one line per request when it ends.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../shared/logger';
import type { RequestState } from '../shared/route-kit';
import { errorStatus } from './error-middleware';

export function requestContextMiddleware(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    ctx.state.requestId = requestId;
    ctx.state.logger = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    let failure: { error: unknown } | null = null;
    try {
      await next();
    } catch (error) {
      failure = { error };
      throw error;
    } finally {
      ctx.state.logger.info(
        {
          method: ctx.method,
          path: ctx.path,
          // A thrown error has not yet been turned into its answer here (404 is Koa's default until then).
          status: failure ? errorStatus(failure.error) : ctx.status,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    }
  };
}
