/**
 * The WeChat Official Account (公众号) server APIs the publication connector calls, and the 客服 text
 * message that answers a follower, over `fetch` with a configurable base URL (tests and the demo point it
 * at the local fake). One stable_token per client is cached until shortly before its stated expiry,
 * fetched once for concurrent callers, and fetched again when the platform says it is invalid (40001) or
 * expired (42001); the call is then retried once.
 *
 * The AppSecret travels only in the stable_token POST body: never in a URL, an error, or a log line.
 */
import { z } from 'zod';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { OfficialAccountApiError, officialAccountUnreachable } from './official-account-errors';
import {
  draftAnswer,
  imageUrlAnswer,
  materialAnswer,
  publicationAnswer,
  publishedArticlesAnswer,
  publishedListAnswer,
  submitAnswer,
  toPublishedArticle,
} from './official-account-answers';
import type { PublicationState, PublishedArticle, PublishedList } from './official-account-answers';

export { OfficialAccountApiError, isReplyQuotaExhausted, isReplyWindowClosed } from './official-account-errors';
export type { PublicationState, PublishedArticle, PublishedList, PublishStatus } from './official-account-answers';

/** One article of a draft, as draft/add takes it (the platform's limits are checked before, at submission). */
export interface DraftArticle {
  title: string;
  author: string;
  digest: string;
  /** HTML; images only from uploadArticleImage. */
  content: string;
  /** The cover: a permanent image material (addPermanentImage). */
  thumbMediaId: string;
  /** 阅读原文 link, if any. */
  contentSourceUrl?: string;
  needOpenComment?: boolean;
}

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

/** An answer that carries nothing but errcode 0 (message/custom/send). */
const acknowledgedAnswer = z.object({});

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
    const answer = await this.post<{ access_token?: unknown; expires_in?: unknown }>('stable_token', {
      grant_type: 'client_credential',
      appid: this.options.appId,
      secret: this.options.appSecret,
      force_refresh: forceRefresh,
    });
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw this.failure('stable_token', { errcode: -1, errmsg: 'no access_token' });
    }
    const lifetimeMs =
      (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 7200) * 1000;
    const renewAt = this.options.clock.now().getTime() + Math.max(lifetimeMs - tokenRenewMarginMs, lifetimeMs / 2);
    this.token = { value: answer.access_token, renewAt };
    return answer.access_token;
  }

  /** An image for an article's body (media/uploadimg: jpg/png under 1 MB); the platform-hosted URL to use in it. */
  async uploadArticleImage(bytes: Buffer, fileName: string): Promise<string> {
    return (await this.callWithToken('media/uploadimg', imageUrlAnswer, imageForm(bytes, fileName))).url;
  }

  /** A permanent image material (material/add_material, type image), e.g. a cover; its media_id. */
  async addPermanentImage(bytes: Buffer, fileName: string): Promise<string> {
    return (
      await this.callWithToken('material/add_material', materialAnswer, imageForm(bytes, fileName), { type: 'image' })
    ).media_id;
  }

  /** Puts the articles into the draft box (draft/add); the draft's media_id. */
  async addDraft(articles: DraftArticle[]): Promise<string> {
    const body = {
      articles: articles.map((article) => ({
        article_type: 'news',
        title: article.title,
        author: article.author,
        digest: article.digest,
        content: article.content,
        content_source_url: article.contentSourceUrl ?? '',
        thumb_media_id: article.thumbMediaId,
        need_open_comment: article.needOpenComment ? 1 : 0,
        only_fans_can_comment: 0,
      })),
    };
    return (await this.callWithToken('draft/add', draftAnswer, body)).media_id;
  }

  /**
   * Asks the platform to publish a draft (freepublish/submit). Success means only that the job was
   * accepted: the result comes by the PUBLISHJOBFINISH push or getPublication.
   */
  async submitPublication(mediaId: string): Promise<{ publishId: string; msgDataId: string | null }> {
    const answer = await this.callWithToken('freepublish/submit', submitAnswer, { media_id: mediaId });
    return { publishId: answer.publish_id, msgDataId: answer.msg_data_id ?? null };
  }

  /** Where a publication job stands (freepublish/get). */
  async getPublication(publishId: string): Promise<PublicationState> {
    const answer = await this.callWithToken('freepublish/get', publicationAnswer, { publish_id: publishId });
    return {
      status: answer.publish_status,
      articleId: answer.article_id || null,
      articleUrls: (answer.article_detail?.item ?? []).map((item) => item.article_url),
      failedIndexes: answer.fail_idx ?? [],
    };
  }

  /** The published articles of one publication (freepublish/getarticle), in order. */
  async getArticle(articleId: string): Promise<PublishedArticle[]> {
    const answer = await this.callWithToken('freepublish/getarticle', publishedArticlesAnswer, {
      article_id: articleId,
    });
    return answer.news_item.map(toPublishedArticle);
  }

  /** One page of what the account published (freepublish/batchget), newest first; `count` 1–20. */
  async listPublished(page: { offset: number; count: number; noContent?: boolean }): Promise<PublishedList> {
    const answer = await this.callWithToken('freepublish/batchget', publishedListAnswer, {
      offset: page.offset,
      count: page.count,
      no_content: page.noContent ? 1 : 0,
    });
    return {
      totalCount: answer.total_count,
      items: answer.item.map((item) => ({
        articleId: item.article_id,
        updateTime: new Date(item.update_time * 1000),
        articles: item.content.news_item.map(toPublishedArticle),
      })),
    };
  }

  /**
   * A 客服 text message to a follower (message/custom/send). The platform takes it only within 48 hours of
   * the follower's last message and only so many per such window (5): otherwise the call fails with 45015
   * or 45047, which `isReplyWindowClosed` and `isReplyQuotaExhausted` recognise.
   */
  async sendCustomText(openId: string, text: string): Promise<void> {
    await this.callWithToken('message/custom/send', acknowledgedAnswer, {
      touser: openId,
      msgtype: 'text',
      text: { content: text },
    });
  }

  /** Calls `api` (a path under /cgi-bin) with the token; on a token error, drops the token and retries once. */
  private async callWithToken<T>(
    api: string,
    schema: z.ZodType<T>,
    body: Json | FormData,
    query: Record<string, string> = {},
  ): Promise<T> {
    for (let round = 0; ; round += 1) {
      const token = await this.stableToken();
      const answer = await this.request<object>(api, body, { ...query, access_token: token });
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) return this.parsed(api, schema, answer);
      if (tokenErrorCodes.has(errcode) && round === 0) {
        if (this.token?.value === token) this.token = null;
        continue;
      }
      throw this.failure(api, answer);
    }
  }

  /** The answer in the shape the API documents; anything else is a failed call, not a half-read value. */
  private parsed<T>(api: string, schema: z.ZodType<T>, answer: object): T {
    const result = schema.safeParse(answer);
    if (result.success) return result.data;
    const path = result.error.issues[0]?.path.join('.') ?? '';
    throw this.logged(
      new OfficialAccountApiError(
        -1,
        `unexpected answer at ${path}`,
        api,
        `公众号接口 ${api} 的返回内容无法识别，请稍后再试`,
      ),
    );
  }

  /** A call without a token (stable_token itself); a non-zero errcode throws. */
  private async post<T extends object>(api: string, body: Json): Promise<T & PlatformAnswer> {
    const answer = await this.request<T>(api, body, {});
    if ((answer.errcode ?? 0) !== 0) throw this.failure(api, answer);
    return answer;
  }

  private async request<T extends object>(
    api: string,
    body: Json | FormData,
    query: Record<string, string>,
  ): Promise<T & PlatformAnswer> {
    // Appended, not resolved: a gateway may put the API under a path prefix.
    const url = new URL(`${this.options.apiBaseUrl.replace(/\/+$/, '')}/cgi-bin/${api}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
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

function imageForm(bytes: Buffer, fileName: string): FormData {
  const form = new FormData();
  form.append('media', new Blob([new Uint8Array(bytes)]), fileName);
  return form;
}
