/**
 * Liveness and readiness for the process supervisor and the load balancer: /healthz says the
 * process answers; /readyz says the database answers too, and why not when it does not.
 */
import Router from '@koa/router';
import type { HealthBody, ReadinessBody } from '../shared/contracts/health';

export interface HealthDependencies {
  checkDatabase(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export function createHealthRouter(dependencies: HealthDependencies): Router {
  const router = new Router({ sensitive: true });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' } satisfies HealthBody;
  });
  router.get('/readyz', async (ctx) => {
    const database = await dependencies.checkDatabase();
    ctx.status = database.ok ? 200 : 503;
    ctx.body = {
      status: database.ok ? 'ready' : 'unavailable',
      database: database.ok ? { ok: true } : { ok: false, reason: database.reason },
    } satisfies ReadinessBody;
  });
  return router;
}
