/**
 * Builds the Koa application (without listening): error handler, request context and logging,
 * body parser with a size limit, health routes, then the /api/v1 router.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from '../shared/logger';
import type { HttpConfig } from '../shared/config';
import { errorMiddleware } from './error-middleware';
import { requestContextMiddleware } from './request-context-middleware';
import type { RequestState } from './request-context-middleware';
import { createHealthRouter } from './health-routes';
import type { HealthDependencies } from './health-routes';

export interface AppDependencies extends HealthDependencies {
  http: HttpConfig;
  logger: Logger;
}

export function createApp(dependencies: AppDependencies): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.proxy = true;
  app.silent = true;
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    const logger: Logger = (ctx?.state as RequestState | undefined)?.logger ?? dependencies.logger;
    logger.error({ err: error }, 'request failed');
  });

  const health = createHealthRouter(dependencies);
  const api = new Router({ prefix: '/api/v1' });

  app.use(errorMiddleware());
  app.use(requestContextMiddleware(dependencies.logger));
  app.use(bodyParser({ jsonLimit: dependencies.http.bodyLimit, enableTypes: ['json'] }));
  app.use(health.routes());
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  return app;
}
