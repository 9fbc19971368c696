/**
 * The one way the mini-program talks to the API: JSON over wx.request, the bearer access token on every
 * call, and on a 401 one refresh of the rotating refresh token followed by one retry. Concurrent 401s
 * share a single refresh, since the server revokes the whole token family when an old refresh token is
 * used twice. When the refresh fails the session is cleared and the admin is sent to the login page.
 */
import { errorFromResponse, errorFromTransportFailure, sessionExpired } from './api-error';
import type { ApiError } from './api-error';
import type { SessionStore } from './session-store';

/** wx.request has no PATCH. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** false for the auth routes, which must not carry or refresh a token. */
  authenticated?: boolean;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface ApiClientOptions {
  baseUrl: () => string;
  session: Pick<SessionStore<unknown>, 'read' | 'replaceTokens' | 'clear'>;
  timeoutMs: number;
  /** Path of the refresh route, which answers a new token pair for `{ refreshToken }`. */
  refreshPath: string;
  onSignedOut: () => void;
}

interface RawAnswer {
  statusCode: number;
  data: unknown;
}

export class ApiClient {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body: body ?? {} });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const send = (accessToken: string | undefined) => this.send(method, path, options, accessToken);
    const answer = options.authenticated === false ? await send(undefined) : await this.withAccessToken(send);
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.data as T;
    throw errorFromResponse(answer.statusCode, answer.data);
  }

  /**
   * Downloads a file (an export) to a temporary path with the same token handling, for wx.openDocument.
   * An error answer's JSON body is read back from the downloaded file.
   */
  async download(path: string, query: Record<string, QueryValue>): Promise<string> {
    const answer = await this.withAccessToken(
      (accessToken) =>
        new Promise<RawAnswer & { filePath: string }>((resolve, reject) => {
          wx.downloadFile({
            url: this.options.baseUrl() + path + queryString(query),
            header: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
            timeout: this.options.timeoutMs * 4,
            success: (result) => resolve({ statusCode: result.statusCode, data: null, filePath: result.tempFilePath }),
            fail: (failure) => reject(errorFromTransportFailure(failure.errMsg)),
          });
        }),
    );
    if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.filePath;
    throw errorFromResponse(answer.statusCode, readJsonFile(answer.filePath));
  }

  /** Sends with the access token; on 401 refreshes once and sends again; signs out when that fails. */
  private async withAccessToken<Answer extends RawAnswer>(
    send: (accessToken: string | undefined) => Promise<Answer>,
  ): Promise<Answer> {
    const session = this.options.session.read();
    if (!session) throw this.signOut();
    const first = await send(session.accessToken);
    if (first.statusCode !== 401) return first;

    if (!(await this.refreshOnce(session.accessToken))) throw this.signOut();
    const retried = await send(this.options.session.read()?.accessToken);
    if (retried.statusCode === 401) throw this.signOut();
    return retried;
  }

  /** One refresh for all requests that failed with the same access token. */
  private refreshOnce(failedAccessToken: string | undefined): Promise<boolean> {
    const current = this.options.session.read();
    if (current && current.accessToken !== failedAccessToken) return Promise.resolve(true);
    if (!this.refreshing) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refresh(): Promise<boolean> {
    const refreshToken = this.options.session.read()?.refreshToken;
    if (!refreshToken) return false;
    const answer = await this.send('POST', this.options.refreshPath, { body: { refreshToken } }, undefined);
    if (answer.statusCode < 200 || answer.statusCode >= 300) return false;
    const tokens = answer.data as (Partial<TokenPair> & { person?: unknown }) | null;
    if (typeof tokens?.accessToken !== 'string' || typeof tokens.refreshToken !== 'string') return false;
    // The answer names the person again, so a role changed since login takes effect now.
    this.options.session.replaceTokens(
      { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      tokens.person,
    );
    return true;
  }

  private signOut(): ApiError {
    this.options.session.clear();
    this.options.onSignedOut();
    return sessionExpired();
  }

  private send(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    accessToken: string | undefined,
  ): Promise<RawAnswer> {
    const header: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) header['Content-Type'] = 'application/json';
    if (accessToken) header.Authorization = `Bearer ${accessToken}`;
    return new Promise((resolve, reject) => {
      wx.request({
        url: this.options.baseUrl() + path + queryString(options.query),
        method,
        header,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        dataType: 'json',
        timeout: this.options.timeoutMs,
        success: (result) => resolve({ statusCode: result.statusCode, data: result.data }),
        fail: (failure) => reject(errorFromTransportFailure(failure.errMsg)),
      });
    });
  }
}

function readJsonFile(filePath: string): unknown {
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(filePath, 'utf8') as string);
  } catch {
    return null;
  }
}

/** `?a=1&b=x` from the defined values, in the order given. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const pairs = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}
