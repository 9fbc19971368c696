/**
 * The few WeCom server APIs the puppet calls, over `fetch` with a configurable base URL (政务微信
 * tenants run the same `/cgi-bin` paths on their own host). One access_token per app is cached until
 * shortly before `expires_in`, fetched once for concurrent callers, and fetched again when WeCom
 * says it is invalid or expired (it can be invalidated early, doc 91039); the call is then retried once.
 */
import type { Clock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';

export interface WecomApiOptions {
  /** e.g. https://qyapi.weixin.qq.com, or a 政务微信 tenant's host. */
  apiBaseUrl: string;
  corpId: string;
  secret: string;
  clock: Clock;
  /** Per request. */
  timeoutMs?: number;
}

/** A WeCom answer with a non-zero errcode; `errcode` is WeCom's number, for the logs and the outbox. */
export class WecomApiError extends AppError {
  constructor(
    readonly errcode: number,
    errmsg: string,
    readonly api: string,
  ) {
    super('WECOM_API_ERROR', `企业微信接口 ${api} 返回错误 ${errcode}：${errmsg}`, { status: 502 });
  }
}

/** access_token missing (41001), invalid (40014) or expired (42001): fetch a new one and retry. */
const tokenErrorCodes = new Set([40014, 41001, 42001]);
/** Refetch this long before WeCom's stated expiry, so a token never expires in flight. */
const tokenRenewMarginMs = 5 * 60_000;

interface WecomAnswer {
  errcode?: number;
  errmsg?: string;
}

export interface SendMessageAnswer extends WecomAnswer {
  invaliduser?: string;
  unlicenseduser?: string;
  msgid?: string;
  /** For template cards with buttons: the code for one later update_template_card. */
  response_code?: string;
}

export interface WecomUser {
  userid: string;
  name: string;
  department: number[];
}

export interface DownloadedMedia {
  content: Buffer;
  name: string;
  mimeType: string;
}

export class WecomApiClient {
  private token: { value: string; renewAt: number } | null = null;
  private fetchingToken: Promise<string> | null = null;
  /** How many access tokens this client fetched (the tests check the cache by it). */
  tokenFetches = 0;

  constructor(private readonly options: WecomApiOptions) {}

  async sendMessage(body: Record<string, unknown>): Promise<SendMessageAnswer> {
    return this.call<SendMessageAnswer>('message/send', { json: body });
  }

  async updateTemplateCard(body: Record<string, unknown>): Promise<void> {
    await this.call('message/update_template_card', { json: body });
  }

  async getUser(userId: string): Promise<WecomUser> {
    return this.call<WecomUser>('user/get', { query: { userid: userId } });
  }

  /** Uploads a temporary file (valid 3 days, doc 96484) and returns its media_id. */
  async uploadMedia(type: 'image' | 'file', name: string, content: Buffer): Promise<string> {
    const form = new FormData();
    form.append('media', new Blob([content]), name);
    const answer = await this.call<{ media_id: string }>('media/upload', { query: { type }, form });
    return answer.media_id;
  }

  /** A file a user sent (its MediaId from the callback). */
  async downloadMedia(mediaId: string): Promise<DownloadedMedia> {
    return this.withToken<DownloadedMedia>('media/get', async (token) => {
      const response = await this.request('media/get', { access_token: token, media_id: mediaId });
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('json')) return (await response.json()) as DownloadedMedia & WecomAnswer;
      const disposition = response.headers.get('content-disposition') ?? '';
      const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? mediaId;
      return {
        content: Buffer.from(await response.arrayBuffer()),
        name: decodeURIComponent(name),
        mimeType: type || 'application/octet-stream',
      };
    });
  }

  /** The cached token, or a new one; concurrent callers share one fetch. */
  async accessToken(): Promise<string> {
    const now = this.options.clock.now().getTime();
    if (this.token && this.token.renewAt > now) return this.token.value;
    this.fetchingToken ??= this.fetchToken().finally(() => {
      this.fetchingToken = null;
    });
    return this.fetchingToken;
  }

  private async fetchToken(): Promise<string> {
    this.tokenFetches += 1;
    const response = await this.request('gettoken', { corpid: this.options.corpId, corpsecret: this.options.secret });
    const answer = (await response.json()) as WecomAnswer & { access_token?: string; expires_in?: number };
    if (answer.errcode || !answer.access_token) {
      throw new WecomApiError(answer.errcode ?? -1, answer.errmsg ?? 'no access_token', 'gettoken');
    }
    const lifetimeMs = (answer.expires_in ?? 7200) * 1000;
    const renewAt = this.options.clock.now().getTime() + Math.max(lifetimeMs - tokenRenewMarginMs, lifetimeMs / 2);
    this.token = { value: answer.access_token, renewAt };
    return answer.access_token;
  }

  private async call<T extends object>(
    api: string,
    input: { query?: Record<string, string>; json?: unknown; form?: FormData },
  ): Promise<T> {
    return this.withToken(api, async (token) => {
      const body = input.form ?? (input.json === undefined ? undefined : JSON.stringify(input.json));
      const headers: Record<string, string> = input.json === undefined ? {} : { 'content-type': 'application/json' };
      const response = await this.request(api, { ...input.query, access_token: token }, { body, headers });
      return (await response.json()) as T & WecomAnswer;
    });
  }

  /** Runs `attempt` with a token; on a token error, drops the token and runs it once more. */
  private async withToken<T extends object>(api: string, attempt: (token: string) => Promise<T & WecomAnswer>) {
    for (let round = 0; ; round += 1) {
      const token = await this.accessToken();
      const answer = await attempt(token);
      const errcode = 'errcode' in answer ? (answer.errcode ?? 0) : 0;
      if (errcode === 0) return answer as T;
      if (tokenErrorCodes.has(errcode) && round === 0) {
        if (this.token?.value === token) this.token = null;
        continue;
      }
      throw new WecomApiError(errcode, answer.errmsg ?? '', api);
    }
  }

  private async request(
    api: string,
    query: Record<string, string>,
    init: { body?: string | FormData; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    // Appended, not resolved: a tenant's API may sit under a path prefix.
    const url = new URL(`${this.options.apiBaseUrl.replace(/\/+$/, '')}/cgi-bin/${api}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method: init.body === undefined ? 'GET' : 'POST',
      body: init.body,
      headers: init.headers,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new WecomApiError(response.status, `HTTP ${response.status}`, api);
    return response;
  }
}
