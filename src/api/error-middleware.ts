/**
 * The first middleware: renders every error as `{ error: { code, message } }` with the error's
 * status, hides internals of unexpected errors, and emits them on the app for logging.
 */
import type { Middleware } from 'koa';
import { isAppError } from '../shared/errors';
import type { ErrorBody } from '../shared/contracts/errors';

export function errorMiddleware(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'ROUTE_NOT_FOUND', message: '请求的接口不存在' } } satisfies ErrorBody;
      }
    } catch (error) {
      const status = errorStatus(error);
      const exposed = isAppError(error) ? error.expose : status < 500;
      ctx.status = status;
      ctx.body = {
        error: {
          code: isAppError(error) ? error.code : status < 500 ? httpErrorCode(status) : 'INTERNAL_ERROR',
          message: exposed && error instanceof Error ? error.message : '服务器内部错误，请稍后再试',
        },
      } satisfies ErrorBody;
      if (status >= 500) ctx.app.emit('error', error, ctx);
    }
  };
}

/** The status an error is answered with (the request log asks too: it runs before this middleware sets it). */
export function errorStatus(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function httpErrorCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'TOO_MANY_REQUESTS',
  };
  return codes[status] ?? 'REQUEST_FAILED';
}
