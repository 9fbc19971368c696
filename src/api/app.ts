/**
 * Builds the Koa application (without listening): error handler, request context and logging,
 * body parser with a size limit (its text made well-formed), health routes, a chat platform's callback
 * routes (when the bot uses one), then the /api/v1 router behind admin auth.
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
import { requireAdmin } from './auth-middleware';
import type { AdminState, AuthDependencies } from './auth-middleware';
import { createDraftRouter } from '../drafts/draft-routes';
import { wellFormedDeep } from '../shared/text-normalization';
import type { DraftService } from '../drafts/draft-service';
import { createAccountRouter } from '../accounts/account-routes';
import type { AccountRouteDependencies } from '../accounts/account-routes';
import { createAnnualReviewRouter } from '../annual-review/annual-review-routes';
import type { AnnualReviewRouteDependencies } from '../annual-review/annual-review-routes';
import { createCadenceRouter } from '../cadence/cadence-routes';
import type { CadenceRouteDependencies } from '../cadence/cadence-routes';

export interface AppDependencies extends HealthDependencies {
  http: HttpConfig;
  logger: Logger;
  accessTokens: AuthDependencies['accessTokens'];
  services: {
    people: AuthDependencies['people'] & AccountRouteDependencies['people'] & CadenceRouteDependencies['people'];
    drafts: Pick<DraftService, 'findDraftForAdmin'>;
    accounts: AccountRouteDependencies['accounts'];
    annualReviews: AnnualReviewRouteDependencies['annualReviews'];
    clock: { now(): Date };
  } & Omit<CadenceRouteDependencies, 'people'>;
  /** Asia/Shanghai unless given: the calendar the annual review's year is read in. */
  timeZone?: string;
  /** A chat platform's callback routes (the WeCom app's), outside /api/v1 and its auth. */
  chatCallbacks?: Router;
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
  const api = new Router<AdminState>({ prefix: '/api/v1' });
  api.use(requireAdmin({ accessTokens: dependencies.accessTokens, people: dependencies.services.people }));
  const drafts = createDraftRouter(dependencies.services);
  api.use(drafts.routes(), drafts.allowedMethods({ throw: true }));
  const accounts = createAccountRouter(dependencies.services);
  api.use(accounts.routes(), accounts.allowedMethods({ throw: true }));
  const annualReviews = createAnnualReviewRouter({
    ...dependencies.services,
    timeZone: dependencies.timeZone ?? 'Asia/Shanghai',
  });
  api.use(annualReviews.routes(), annualReviews.allowedMethods({ throw: true }));
  const cadence = createCadenceRouter(dependencies.services);
  api.use(cadence.routes(), cadence.allowedMethods({ throw: true }));

  app.use(errorMiddleware());
  app.use(requestContextMiddleware(dependencies.logger));
  app.use(bodyParser({ jsonLimit: dependencies.http.bodyLimit, enableTypes: ['json'] }));
  // JSON escapes can carry unpaired surrogates ("\ud83d"); the services hash and store only well-formed text.
  app.use(async (ctx, next) => {
    ctx.request.body = wellFormedDeep(ctx.request.body);
    await next();
  });
  app.use(health.routes());
  if (dependencies.chatCallbacks) app.use(dependencies.chatCallbacks.routes());
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  return app;
}
