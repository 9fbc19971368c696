/**
 * Builds the Koa application (without listening): error handler, client address, security headers, CORS
 * (only when configured), request context and logging, body parser with size and depth limits (its text
 * cleaned), health routes, a chat platform's callback routes (when the bot uses one), the publishing
 * platforms' push endpoints (when given), then the /api/v1 routes: the auth routes rate-limited and
 * public, every other route behind the bearer token.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import helmet from 'koa-helmet';
import type { Logger } from '../shared/logger';
import type { HttpConfig } from '../shared/config';
import { AppError, ValidationError } from '../shared/errors';
import { clientAddress, parseTrustedProxies } from '../shared/client-address';
import { cleanInputDeep } from '../shared/text-normalization';
import { exceedsNestingDepth, maxBodyDepth } from '../shared/nesting-depth-rules';
import { errorMiddleware } from './error-middleware';
import { requestContextMiddleware } from './request-context-middleware';
import { createHealthRouter } from './health-routes';
import type { HealthDependencies } from './health-routes';
import { requireViewer } from './auth-middleware';
import type { AuthDependencies } from './auth-middleware';
import { mountRoutes } from '../shared/route-kit';
import type { ApiRoute, RequestState, ViewerState } from '../shared/route-kit';
import { createOpenApiDocument } from './openapi';
import { isUnderPath } from './request-path-rules';
import type { AttemptLimiter } from '../auth/attempt-limiter';

export interface AppDependencies extends HealthDependencies {
  http: HttpConfig;
  logger: Logger;
  auth: AuthDependencies;
  /** Counts /auth/* requests per client address per minute, in the database (see attempt-limiter.ts). */
  attempts: Pick<AttemptLimiter, 'admit'>;
  /** Every /api/v1 route (see api-routes.ts). */
  routes: ApiRoute[];
  /** Paths (under /api/v1) that need no token. */
  publicPaths: string[];
  /** A chat platform's callback routes (the WeCom app's), outside /api/v1 and its auth. */
  chatCallbacks?: Router;
  /** The publishing platforms' push endpoints (the Official Account's), outside /api/v1 and its auth. */
  platformPushes?: Router;
  version?: string;
}

export const apiPrefix = '/api/v1';

export function createApp(dependencies: AppDependencies): Koa<RequestState> {
  const app = new Koa<RequestState>();
  // Nothing reads the forwarded host or protocol; the client address is decided below, from trusted proxies only.
  app.proxy = false;
  app.silent = true;
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    const logger: Logger = (ctx?.state as RequestState | undefined)?.logger ?? dependencies.logger;
    logger.error({ err: error }, 'request failed');
  });

  const openApiDocument = createOpenApiDocument(dependencies.routes, dependencies.version ?? '1.0.0');
  const publicPaths = new Set([...dependencies.publicPaths, '/openapi.json'].map((path) => `${apiPrefix}${path}`));
  const health = createHealthRouter(dependencies);
  // Exact paths only: a route answers to one spelling, the one the checks below were written for.
  const api = new Router<ViewerState>({ prefix: apiPrefix, sensitive: true, strict: true });
  api.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument;
  });
  mountRoutes(api, dependencies.routes);

  const origins = dependencies.http.corsOrigins
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);

  const trustedProxies = parseTrustedProxies(dependencies.http.trustedProxies);
  if (!trustedProxies.ok) throw new Error(`http.trustedProxies: "${trustedProxies.entry}" is no address or range`);

  app.use(errorMiddleware());
  app.use((ctx, next) => {
    ctx.request.ip = clientAddress(ctx.socket.remoteAddress ?? '', ctx.get('x-forwarded-for'), trustedProxies.proxies);
    return next();
  });
  app.use(helmet());
  if (origins.length > 0) {
    app.use(cors({ origin: (ctx) => (origins.includes(ctx.get('origin')) ? ctx.get('origin') : ''), maxAge: 600 }));
  }
  app.use(requestContextMiddleware(dependencies.logger));
  app.use(async (ctx, next) => {
    if (!isUnderPath(ctx.path, `${apiPrefix}/auth`)) return next();
    const check = await dependencies.attempts.admit({
      key: `auth-ip:${ctx.ip}`,
      windowMs: 60_000,
      max: dependencies.http.authRateLimitPerMinute,
    });
    if (!check.allowed) {
      ctx.set('Retry-After', String(check.retryAfterSeconds));
      throw new AppError('TOO_MANY_REQUESTS', '请求过于频繁，请稍后再试', { status: 429 });
    }
    return next();
  });
  app.use(async (_ctx, next) => {
    try {
      await next();
    } catch (error) {
      // The body parser and router throw http-errors; give them the API's codes and Chinese text.
      const status = (error as { status?: number }).status;
      if (status === 413) throw new AppError('PAYLOAD_TOO_LARGE', '请求体过大', { status, cause: error });
      if (status === 400 && !(error instanceof AppError)) {
        throw new AppError('BODY_INVALID', '请求体不是有效的 JSON', { status, cause: error });
      }
      if (status === 415) throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON', { status, cause: error });
      throw error;
    }
  });
  app.use(bodyParser({ jsonLimit: dependencies.http.bodyLimit, enableTypes: ['json'], encoding: 'utf-8' }));
  // First the depth, without recursion: everything after this may walk the body recursively. Then the
  // text: JSON escapes can carry unpaired surrogates ("\ud83d") and NUL; services hash and store clean text.
  app.use(async (ctx, next) => {
    if (exceedsNestingDepth(ctx.request.body, maxBodyDepth)) {
      throw new ValidationError('BODY_TOO_DEEP', `请求体嵌套层数过多（最多 ${maxBodyDepth} 层），请检查提交的数据`);
    }
    ctx.request.body = cleanInputDeep(ctx.request.body);
    await next();
  });
  app.use(health.routes());
  if (dependencies.chatCallbacks) app.use(dependencies.chatCallbacks.routes());
  if (dependencies.platformPushes) app.use(dependencies.platformPushes.routes());
  const requireToken = requireViewer(dependencies.auth, publicPaths);
  app.use(async (ctx, next) => {
    if (!isUnderPath(ctx.path, apiPrefix)) return next();
    // The token check fills in what ViewerState adds to RequestState.
    return requireToken(ctx as Koa.ParameterizedContext<ViewerState>, next);
  });
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  return app;
}
