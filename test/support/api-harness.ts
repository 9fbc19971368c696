/**
 * The API as it runs: the real Koa app over HTTP with the real services and database, and a local fake
 * of WeChat's jscode2session (over HTTP too), which maps a login code "code-<openid>" to that openid.
 */
import http from 'node:http';
import type Router from '@koa/router';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { AccessTokens } from '../../src/api/access-tokens';
import type { IssuedToken } from '../../src/auth/session-service';
import { startCliSession } from '../../src/auth/session-service';
import type { Clock } from '../../src/shared/clock';
import { createApiRoutes } from '../../src/api/api-routes';
import type { ApiWiring } from '../../src/api/api-routes';
import { WechatClient } from '../../src/auth/wechat-client';
import { checkDatabase } from '../../src/shared/database';
import { disconnectTestDatabase } from './database';
import { createLogger } from '../../src/shared/logger';
import type { Logger } from '../../src/shared/logger';
import type { Services } from '../../src/services';
import type { HttpConfig } from '../../src/shared/config';

export const testHttpConfig: HttpConfig = {
  host: '127.0.0.1',
  port: 0,
  bodyLimit: '64kb',
  corsOrigins: '',
  authRateLimitPerMinute: 1000,
  trustedProxies: '',
};

/** A fake jscode2session: "code-<openid>" → openid; "bad-code" → errcode 40029. Counts its calls. */
export async function startFakeWechat(): Promise<{ baseUrl: string; calls: number; close(): Promise<void> }> {
  const state = { calls: 0 };
  const server = http.createServer((request, response) => {
    state.calls += 1;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const code = url.searchParams.get('js_code') ?? '';
    response.setHeader('content-type', 'application/json');
    if (url.pathname !== '/sns/jscode2session' || !code.startsWith('code-')) {
      response.end(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }));
      return;
    }
    response.end(JSON.stringify({ openid: code.slice('code-'.length), session_key: 'k' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A token as `npm run admin -- api-token` makes one: a CLI session and its token. The CLI's admin-only
 * check and its audit event are the command's, not the session's, so tests hold tokens of leaders and
 * officers this way too and audit counts stay theirs.
 */
export function cliToken(
  tokens: AccessTokens,
  clock: Clock,
  personId: string,
): Promise<IssuedToken & { sessionId: string }> {
  return startCliSession({ clock, accessTokens: tokens }, personId);
}

export interface ApiHarness {
  server: http.Server;
  tokens: AccessTokens;
  wiring: ApiWiring;
}

export function startApi(
  services: Services,
  options: {
    wechatBaseUrl: string;
    http?: Partial<HttpConfig>;
    tokens?: AccessTokens;
    logger?: Logger;
    /** Push endpoints to mount beside the API, as main.ts mounts them. */
    platformPushes?: Router;
  },
): ApiHarness {
  const tokens = options.tokens ?? new AccessTokens('api-test-secret-api-test-secret-0123456789', 3600, services.clock);
  const wiring = createApiRoutes(
    {
      auth: { jwtSecret: '', jwtTtlSeconds: 3600, accessTtlSeconds: 900, refreshTtlSeconds: 30 * 86400 },
      miniProgram: { appId: 'wx-test', appSecret: 'secret', wechatApiBaseUrl: options.wechatBaseUrl },
      timeZone: 'Asia/Shanghai',
      dataDir: '/tmp/shenfa-api-test-nonexistent',
      audit: { digestKey: 'test-digest-key' },
      environment: 'test',
    },
    services,
    tokens,
    { wechat: new WechatClient({ baseUrl: options.wechatBaseUrl, appId: 'wx-test', appSecret: 'secret' }) },
  );
  const app = createApp({
    http: { ...testHttpConfig, ...options.http },
    logger: options.logger ?? createLogger('silent'),
    checkDatabase: () => checkDatabase(),
    ...wiring,
    platformPushes: options.platformPushes,
  });
  return { server: http.createServer(app.callback()), tokens, wiring };
}

/** The end of an API test file: the server closed, the audit trail's writes finished, the database let go. */
export async function stopApi(server: http.Server, services: Pick<Services, 'audit'>): Promise<void> {
  server.close();
  await services.audit.settle();
  await disconnectTestDatabase();
}
