/**
 * A local stand-in for the WeChat Official Account (公众号) platform, for the tests, the demo and the
 * bench: the APIs the connector calls, with the platform's documented behaviour where it matters
 * (`../shared/WECHAT-OFFICIAL.md`), several accounts at once, and faults on demand.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';

/** One account the fake hosts: its developer credentials and its server configuration (服务器配置). */
export interface FakeOfficialAccount {
  appId: string;
  appSecret: string;
}

export interface FakeOfficialAccountOptions {
  clock?: Clock;
}

interface IssuedToken {
  appId: string;
  expiresAt: number;
  /** 42001 once expired by a test; 40001 once revoked. */
  state: 'valid' | 'expired' | 'revoked';
}

type Answer = Record<string, unknown>;

const tokenLifetimeS = 7200;

export class FakeOfficialAccountServer {
  /** stable_token requests, all accounts. */
  tokenRequests = 0;
  /** stable_token requests with force_refresh. */
  forcedTokenRequests = 0;

  private server: http.Server | null = null;
  private readonly clock: Clock;
  private readonly accounts = new Map<string, FakeOfficialAccount>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly currentToken = new Map<string, string>();
  /** api → errcodes to answer, one per call, before the API works again. */
  private readonly faults = new Map<string, number[]>();

  constructor(options: FakeOfficialAccountOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  addAccount(account: FakeOfficialAccount): void {
    this.accounts.set(account.appId, { ...account });
  }

  async start(): Promise<string> {
    const app = new Koa();
    app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '4mb' }));
    app.use(this.routes().routes());
    this.server = http.createServer(app.callback());
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- faults ----

  /** Every token handed out so far answers 42001 (expired), as after 7,200 s. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.state = 'expired';
  }

  /** Every token handed out so far answers 40001 (invalid), as after a force_refresh elsewhere. */
  revokeTokens(): void {
    for (const token of this.tokens.values()) token.state = 'revoked';
  }

  /**
   * The next calls to `api` (e.g. 'stable_token', 'freepublish/submit', or '*' for any) answer these
   * errcodes, one per call: 45009 for the daily limit, 40164 for an IP not on the whitelist, …
   */
  failNext(api: string, ...errcodes: number[]): void {
    this.faults.set(api, [...(this.faults.get(api) ?? []), ...errcodes]);
  }

  // ---- the server: what the connector calls ----

  private routes(): Router {
    const router = new Router({ prefix: '/cgi-bin' });
    router.use(async (ctx, next) => {
      const api = ctx.path.replace(/^\/cgi-bin\//, '');
      const errcode = this.takeFault(api) ?? this.takeFault('*');
      if (errcode !== undefined) return void (ctx.body = faultAnswer(errcode));
      return next();
    });
    router.post('/stable_token', (ctx) => {
      ctx.body = this.issueToken((ctx.request.body ?? {}) as Answer);
    });
    return router;
  }

  private takeFault(api: string): number | undefined {
    const queue = this.faults.get(api);
    const errcode = queue?.shift();
    if (queue && queue.length === 0) this.faults.delete(api);
    return errcode;
  }

  private issueToken(body: Answer): Answer {
    this.tokenRequests += 1;
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    const account = this.accounts.get(String(body.appid ?? ''));
    if (!account) return { errcode: 40013, errmsg: 'invalid appid' };
    if (body.secret !== account.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    const now = this.clock.now().getTime();
    const current = this.tokens.get(this.currentToken.get(account.appId) ?? '');
    if (body.force_refresh === true) this.forcedTokenRequests += 1;
    // Normal mode answers the current token while it lasts; a forced refresh always issues a new one.
    if (current && current.state === 'valid' && current.expiresAt > now && body.force_refresh !== true) {
      const token = this.currentToken.get(account.appId) ?? '';
      return { access_token: token, expires_in: Math.floor((current.expiresAt - now) / 1000) };
    }
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, { appId: account.appId, expiresAt: now + tokenLifetimeS * 1000, state: 'valid' });
    this.currentToken.set(account.appId, token);
    return { access_token: token, expires_in: tokenLifetimeS };
  }

  /** The account the request's access_token belongs to, or the platform's token error. */
  protected accountOfToken(accessToken: string): FakeOfficialAccount | Answer {
    const token = this.tokens.get(accessToken);
    if (!token || token.state === 'revoked') return { errcode: 40001, errmsg: 'invalid credential' };
    if (token.state === 'expired' || token.expiresAt <= this.clock.now().getTime()) {
      return { errcode: 42001, errmsg: 'access_token expired' };
    }
    return this.accounts.get(token.appId) ?? { errcode: 40001, errmsg: 'invalid credential' };
  }
}

function faultAnswer(errcode: number): Answer {
  const errmsg: Record<number, string> = {
    45009: 'reach max api daily quota limit',
    40164: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist',
    48001: 'api unauthorized',
  };
  return { errcode, errmsg: errmsg[errcode] ?? 'system error' };
}
