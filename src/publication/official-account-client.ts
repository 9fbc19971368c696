/**
 * The WeChat Official Account (公众号) server APIs the publication connector calls, over `fetch` with a
 * configurable base URL (tests and the demo point it at the local fake). One stable_token per client is
 * cached until shortly before its stated expiry, fetched once for concurrent callers, and fetched again
 * when the platform says it is invalid (40001) or expired (42001); the call is then retried once.
 *
 * The AppSecret travels only in the stable_token POST body: never in a URL, an error, or a log line.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { OfficialAccountApiError, officialAccountUnreachable } from './official-account-errors';

export { OfficialAccountApiError } from './official-account-errors';

export interface OfficialAccountClientOptions {
  /** https://api.weixin.qq.com, or the fake's address. */
  apiBaseUrl: string;
  appId: string;
  appSecret: string;
  clock: Clock;
  logger?: Logger;
  /** Per request. */
  timeoutMs?: number;
}

/** access_token invalid (40001) or expired (42001): fetch the token again and retry once. */
const tokenErrorCodes = new Set([40001, 42001]);
/**
 * Refetch this long before the stated expiry, so a token never expires in flight. The platform keeps an
 * old token working for 5 minutes after a refresh, so a margin inside that costs nothing.
 */
const tokenRenewMarginMs = 5 * 60_000;
const defaultTimeoutMs = 10_000;

export interface PlatformAnswer {
  errcode?: number;
  errmsg?: string;
}

type Json = Record<string, unknown>;

export class OfficialAccountClient {
  private token: { value: string; renewAt: number } | null = null;
  private fetchingToken: Promise<string> | null = null;
  /** How many tokens this client fetched (the tests check the cache by it). */
  tokenFetches = 0;

  constructor(private readonly options: OfficialAccountClientOptions) {}

  get appId(): string {
    return this.options.appId;
  }

  /**
   * The cached stable_token, or a new one; concurrent callers share one fetch. `forceRefresh` asks the
   * platform for a new token (allowed 20 times a day, 30 s apart): only for a token known to be revoked.
   */
  async stableToken(forceRefresh = false): Promise<string> {
    const now = this.options.clock.now().getTime();
    if (!forceRefresh && this.token && this.token.renewAt > now) return this.token.value;
    if (forceRefresh) this.token = null;
    this.fetchingToken ??= this.fetchToken(forceRefresh).finally(() => {
      this.fetchingToken = null;
    });
    return this.fetchingToken;
  }

  private async fetchToken(forceRefresh: boolean): Promise<string> {
    this.tokenFetches += 1;
    const answer = await this.post<{ access_token?: string; expires_in?: number }>('stable_token', {
      grant_type: 'client_credential',
      appid: this.options.appId,
      secret: this.options.appSecret,
      force_refresh: forceRefresh,
    });
    if (!answer.access_token) throw this.failure('stable_token', { errcode: -1, errmsg: 'no access_token' });
    const lifetimeMs = (answer.expires_in ?? 7200) * 1000;
    const renewAt = this.options.clock.now().getTime() + Math.max(lifetimeMs - tokenRenewMarginMs, lifetimeMs / 2);
    this.token = { value: answer.access_token, renewAt };
    return answer.access_token;
  }

  /** Calls `api` (a path under /cgi-bin) with the token; on a token error, drops the token and retries once. */
  protected async callWithToken<T extends object>(api: string, body: Json | FormData): Promise<T> {
    for (let round = 0; ; round += 1) {
      const token = await this.stableToken();
      const answer = await this.request<T>(api, body, token);
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) return answer;
      if (tokenErrorCodes.has(errcode) && round === 0) {
        if (this.token?.value === token) this.token = null;
        continue;
      }
      throw this.failure(api, answer);
    }
  }

  /** A call without a token (stable_token itself); a non-zero errcode throws. */
  private async post<T extends object>(api: string, body: Json): Promise<T & PlatformAnswer> {
    const answer = await this.request<T>(api, body, null);
    if ((answer.errcode ?? 0) !== 0) throw this.failure(api, answer);
    return answer;
  }

  private async request<T extends object>(
    api: string,
    body: Json | FormData,
    token: string | null,
  ): Promise<T & PlatformAnswer> {
    // Appended, not resolved: a gateway may put the API under a path prefix.
    const url = new URL(`${this.options.apiBaseUrl.replace(/\/+$/, '')}/cgi-bin/${api}`);
    if (token) url.searchParams.set('access_token', token);
    const isForm = body instanceof FormData;
    const timeoutMs = this.options.timeoutMs ?? defaultTimeoutMs;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        body: isForm ? body : JSON.stringify(body),
        headers: isForm ? {} : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw this.logged(officialAccountUnreachable(api, url.host, timeoutMs, error));
    }
    if (!response.ok) {
      throw this.logged(officialAccountUnreachable(api, url.host, timeoutMs, new Error(`HTTP ${response.status}`)));
    }
    try {
      return (await response.json()) as T & PlatformAnswer;
    } catch (error) {
      throw this.logged(officialAccountUnreachable(api, url.host, timeoutMs, error));
    }
  }

  private failure(api: string, answer: PlatformAnswer): OfficialAccountApiError {
    // The platform's errmsg is free text: scrub the secret in case a gateway ever echoes the request.
    const errmsg = (answer.errmsg ?? '').split(this.options.appSecret).join('[redacted]');
    return this.logged(new OfficialAccountApiError(answer.errcode ?? -1, errmsg, api));
  }

  private logged(error: OfficialAccountApiError): OfficialAccountApiError {
    this.options.logger?.warn(
      { api: error.api, errcode: error.errcode, appId: this.options.appId, code: error.code },
      'official account api call failed',
    );
    return error;
  }
}
