/**
 * A local stand-in for the WeChat Official Account (公众号) platform, for the tests, the demo and the
 * bench: the APIs the connector calls (stable_token, media/uploadimg, material/add_material, draft/add,
 * freepublish submit/get/getarticle/batchget, message/custom/send) with the platform's documented behaviour
 * where it matters (`../shared/WECHAT-OFFICIAL.md`), several accounts at once, the signed and encrypted
 * pushes (PUBLISHJOBFINISH when a publication finishes, a follower's text), what an admin does by hand in
 * the back office, and faults on demand.
 */
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { listenLocally } from '../shared/local-http-server';
import type { LocalHttpServer } from '../shared/local-http-server';
import type { Context } from 'koa';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { acceptArticle } from './fake-official-account-content';
import { FakePushSender } from './fake-official-account-push';
import type { FakePushConfig, PushAnswer } from './fake-official-account-push';
import { FakePublishedArticles } from './fake-official-account-articles';
import type { FakeArticle, FakePublishJob } from './fake-official-account-articles';
import { FakeCustomMessages, defaultCustomMessagesPerWindow } from './fake-official-account-custom-messages';
import type { FakeCustomMessage } from './fake-official-account-custom-messages';

export type { PushAnswer, SignedPush } from './fake-official-account-push';
export type { FakeArticle, FakePublishJob } from './fake-official-account-articles';
export type { FakeCustomMessage } from './fake-official-account-custom-messages';

/** One account the fake hosts: its developer credentials and, once configured, its push settings. */
export interface FakeOfficialAccount {
  appId: string;
  appSecret: string;
  /** 服务器配置 (URL, Token, EncodingAESKey); without it no push is sent. */
  push?: FakePushConfig;
}

export interface FakeOfficialAccountOptions {
  clock?: Clock;
  /** 客服 messages allowed per follower within 48 hours of their last message; 5, as the platform today. */
  customMessagesPerWindow?: number;
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
  /** How long a submitted publication takes before it finishes (slow publication: raise it). */
  publishDelayMs = 0;
  /** While true, publications stay at status 1 (publishing) until finishPublication is called. */
  holdPublications = false;
  /** While false, finished publications are not pushed: the connector must poll freepublish/get. */
  pushesEnabled = true;
  /** Every push the fake sent by itself, with the answer it got. */
  readonly pushes: PushAnswer[] = [];
  readonly articles: FakePublishedArticles;

  private server: LocalHttpServer | null = null;
  private readonly clock: Clock;
  private readonly accounts = new Map<string, FakeOfficialAccount>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly currentToken = new Map<string, string>();
  /** api → errcodes to answer, one per call, before the API works again. */
  private readonly faults = new Map<string, number[]>();
  /** publish_status for the next finished publications, one each; 0 (success) when empty. */
  private readonly outcomes: number[] = [];
  /** Applied to the body of the next successful publication (an article whose text differs from the draft). */
  private readonly edits: ((content: string) => string)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pushSender: FakePushSender;
  private readonly customMessages: FakeCustomMessages;

  constructor(options: FakeOfficialAccountOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.articles = new FakePublishedArticles(this.clock);
    this.pushSender = new FakePushSender(this.clock);
    this.customMessages = new FakeCustomMessages(
      this.clock,
      options.customMessagesPerWindow ?? defaultCustomMessagesPerWindow,
    );
  }

  addAccount(account: FakeOfficialAccount): void {
    this.accounts.set(account.appId, { ...account });
  }

  /** Saves the account's 服务器配置, as an admin does in the back office. */
  configurePush(appId: string, push: FakePushConfig): void {
    const account = this.accounts.get(appId);
    if (!account) throw new Error(`the fake hosts no account ${appId}`);
    account.push = push;
  }

  async start(): Promise<string> {
    const app = new Koa();
    app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '4mb' }));
    app.use(this.routes().routes());
    this.server = await listenLocally(app);
    return this.server.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.server?.stop();
    this.server = null;
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

  /**
   * The next publications finish with these publish_status values, one each: 2 原创声明失败, 3 常规失败,
   * 4 平台审核不通过, 6 banned (after success); 0 success.
   */
  finishNextWith(...statuses: number[]): void {
    this.outcomes.push(...statuses);
  }

  /** The next successful publication goes out with its body changed by `edit` (not what was approved). */
  alterNextPublication(edit: (content: string) => string): void {
    this.edits.push(edit);
  }

  // ---- the back office and the platform, by hand ----

  /** An admin publishes an article straight from the back office (no API, no push); its article_id. */
  postFromBackOffice(
    appId: string,
    article: { title: string; content: string; author?: string; digest?: string; at?: Date },
  ): FakeArticle {
    if (!this.accounts.has(appId)) throw new Error(`the fake hosts no account ${appId}`);
    return this.articles.publish(appId, [{ author: '', digest: '', ...article }], article.at);
  }

  /** An admin edits a published article's body in the back office. */
  editPublishedArticle(articleId: string, content: string, index = 0): void {
    this.articles.edit(articleId, index, content);
  }

  /** An admin deletes a published article (its job then answers status 5). */
  deleteArticle(articleId: string): void {
    this.articles.markGone(articleId, 5);
  }

  /** The platform bans a published article (status 6). */
  banArticle(articleId: string): void {
    this.articles.markGone(articleId, 6);
  }

  /**
   * A follower wrote to the account at `at` (now by default) without a push being sent: 客服 messages to
   * them are allowed for 48 hours, and their count starts again.
   */
  userMessaged(appId: string, openId: string, at: Date = this.clock.now()): void {
    if (!this.accounts.has(appId)) throw new Error(`the fake hosts no account ${appId}`);
    this.customMessages.userMessaged(appId, openId, at);
  }

  /** The 客服 messages the fake accepted (message/custom/send), oldest first; of one account if given. */
  sentCustomMessages(appId?: string): FakeCustomMessage[] {
    return this.customMessages.sent(appId);
  }

  /** Finishes a held or pending publication now. */
  async finishPublication(publishId: string): Promise<void> {
    const job = this.articles.job(publishId);
    if (!job) throw new Error(`no publication ${publishId}`);
    await this.finish(job);
  }

  // ---- pushes ----

  /**
   * A follower writes to the account, which opens their 客服 window whatever our server answers; resolves
   * with the push and our server's answer.
   */
  sendUserText(appId: string, openId: string, content: string, at?: Date): Promise<PushAnswer> {
    const config = this.pushConfigOf(appId);
    this.customMessages.userMessaged(appId, openId, at ?? this.clock.now());
    return this.pushSender.userText(config, openId, content, at);
  }

  /** Encrypts, signs and posts a push body; `tamper` forges one part of it. */
  deliverPush(
    appId: string,
    plaintext: string,
    tamper: { signature?: string; appId?: string; at?: Date } = {},
  ): Promise<PushAnswer> {
    return this.pushSender.deliver(this.pushConfigOf(appId), plaintext, tamper);
  }

  /** Posts a push exactly as it was posted before (the platform's retry, or an attacker's replay). */
  repost(answer: PushAnswer): Promise<PushAnswer> {
    return this.pushSender.post(answer.request);
  }

  /** The URL check the back office runs when the server URL is saved. */
  verifyPushUrl(appId: string): Promise<{ status: number; body: string; echo: string }> {
    return this.pushSender.verifyUrl(this.pushConfigOf(appId));
  }

  private pushConfigOf(appId: string): FakePushConfig & { appId: string } {
    const push = this.accounts.get(appId)?.push;
    if (!push) throw new Error(`account ${appId} has no push configuration`);
    return { ...push, appId };
  }

  // ---- the server: what the connector calls ----

  private routes(): Router {
    const router = new Router({ prefix: '/cgi-bin' });
    router.use(async (ctx, next) => {
      const api = ctx.path.replace(/^\/cgi-bin\//, '');
      const errcode = this.takeFault(api) ?? this.takeFault('*');
      if (errcode !== undefined) return void (ctx.body = faultAnswer(errcode));
      if (api === 'stable_token') return next();
      const account = this.accountOfToken(String(ctx.query.access_token ?? ''));
      if ('errcode' in account) return void (ctx.body = account);
      ctx.state.appId = account.appId;
      return next();
    });
    router.post('/stable_token', (ctx) => {
      ctx.body = this.issueToken(bodyOf(ctx));
    });
    router.post('/media/uploadimg', async (ctx) => {
      const image = await imageOf(ctx, 1024 * 1024, /\.(jpe?g|png)$/i);
      if ('errcode' in image) return void (ctx.body = image);
      ctx.body = { url: this.articles.storeImage(ctx.state.appId as string, image.bytes, image.name, false).url };
    });
    router.post('/material/add_material', async (ctx) => {
      if (ctx.query.type !== 'image') return void (ctx.body = { errcode: 40004, errmsg: 'invalid media type' });
      const image = await imageOf(ctx, 10 * 1024 * 1024, /\.(jpe?g|png|gif|bmp)$/i);
      if ('errcode' in image) return void (ctx.body = image);
      const stored = this.articles.storeImage(ctx.state.appId as string, image.bytes, image.name, true);
      ctx.body = { media_id: stored.mediaId, url: stored.url };
    });
    router.post('/draft/add', (ctx) => {
      ctx.body = this.addDraft(ctx.state.appId as string, bodyOf(ctx));
    });
    router.post('/freepublish/submit', (ctx) => {
      ctx.body = this.submit(ctx.state.appId as string, String(bodyOf(ctx).media_id ?? ''));
    });
    router.post('/freepublish/get', (ctx) => {
      const job = this.articles.job(String(bodyOf(ctx).publish_id ?? ''));
      if (!job || job.appId !== ctx.state.appId)
        return void (ctx.body = { errcode: 53600, errmsg: 'invalid publish_id' });
      ctx.body = this.articles.jobAnswer(job);
    });
    router.post('/freepublish/getarticle', (ctx) => {
      const article = this.articles.article(String(bodyOf(ctx).article_id ?? ''));
      if (!article || article.appId !== ctx.state.appId) {
        return void (ctx.body = { errcode: 53600, errmsg: 'invalid article_id' });
      }
      ctx.body = { news_item: this.articles.newsItems(article, false) };
    });
    router.post('/freepublish/batchget', (ctx) => {
      const body = bodyOf(ctx);
      const offset = Number(body.offset ?? 0);
      const count = Number(body.count ?? 0);
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 20) {
        return void (ctx.body = { errcode: 40097, errmsg: 'invalid args' });
      }
      ctx.body = this.articles.list(ctx.state.appId as string, offset, count, Number(body.no_content ?? 0) === 1);
    });
    router.post('/message/custom/send', (ctx) => {
      ctx.body = this.customMessages.send(ctx.state.appId as string, bodyOf(ctx));
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
  private accountOfToken(accessToken: string): FakeOfficialAccount | Answer {
    const token = this.tokens.get(accessToken);
    if (!token || token.state === 'revoked') return { errcode: 40001, errmsg: 'invalid credential' };
    if (token.state === 'expired' || token.expiresAt <= this.clock.now().getTime()) {
      return { errcode: 42001, errmsg: 'access_token expired' };
    }
    return this.accounts.get(token.appId) ?? { errcode: 40001, errmsg: 'invalid credential' };
  }

  private addDraft(appId: string, body: Answer): Answer {
    const articles = Array.isArray(body.articles) ? (body.articles as Answer[]) : [];
    if (articles.length < 1 || articles.length > 8) return { errcode: 45008, errmsg: 'article size out of limit' };
    const accepted = [];
    for (const article of articles) {
      const input = {
        title: String(article.title ?? ''),
        author: String(article.author ?? ''),
        digest: String(article.digest ?? ''),
        content: String(article.content ?? ''),
        thumbMediaId: String(article.thumb_media_id ?? ''),
        contentSourceUrl: String(article.content_source_url ?? ''),
      };
      if (!this.articles.isPermanentImage(appId, input.thumbMediaId)) {
        return { errcode: 40007, errmsg: 'invalid media_id' };
      }
      const checked = acceptArticle(input);
      if (!checked.ok) return { errcode: checked.errcode, errmsg: checked.errmsg };
      accepted.push({ ...input, content: checked.content, filteredImages: checked.filteredImages });
    }
    return { media_id: this.articles.addDraft(appId, accepted) };
  }

  private submit(appId: string, mediaId: string): Answer {
    const draft = this.articles.draft(mediaId);
    if (!draft || draft.appId !== appId) return { errcode: 40007, errmsg: 'invalid media_id' };
    const job = this.articles.submit(draft);
    if (!this.holdPublications) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.finish(job);
      }, this.publishDelayMs);
      this.timers.add(timer);
    }
    return { errcode: 0, errmsg: 'ok', publish_id: job.publishId, msg_data_id: job.msgDataId };
  }

  private async finish(job: FakePublishJob): Promise<void> {
    if (job.status !== 1) return;
    const status = this.outcomes.shift() ?? 0;
    this.articles.finish(job, status, status === 0 || status >= 5 ? this.edits.shift() : undefined);
    const account = this.accounts.get(job.appId);
    if (!this.pushesEnabled || !account?.push) return;
    this.pushes.push(await this.pushSender.publishJobFinished({ ...account.push, appId: job.appId }, job));
  }
}

function bodyOf(ctx: Context): Answer {
  const body: unknown = ctx.request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Answer) : {};
}

/** The `media` file of a multipart upload, checked for size and type as the platform does. */
async function imageOf(
  ctx: Context,
  maxBytes: number,
  allowedName: RegExp,
): Promise<{ bytes: Buffer; name: string } | { errcode: number; errmsg: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
  let file: unknown = null;
  try {
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': ctx.get('content-type') },
    }).formData();
    file = form.get('media');
  } catch {
    // Not a multipart body: the platform answers as for a missing file.
  }
  if (!(file instanceof Blob)) return { errcode: 41005, errmsg: 'media data missing' };
  const name = (file as File).name || 'media';
  if (!allowedName.test(name)) return { errcode: 40005, errmsg: 'invalid file type' };
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length === 0 || bytes.length > maxBytes) return { errcode: 40009, errmsg: 'invalid image size' };
  return { bytes, name };
}

function faultAnswer(errcode: number): Answer {
  const errmsg: Record<number, string> = {
    40001: 'invalid credential, access_token is invalid or not latest',
    42001: 'access_token expired',
    45009: 'reach max api daily quota limit',
    40164: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist',
    48001: 'api unauthorized',
    45015: 'response out of time limit or subscription is canceled',
    45047: 'out of response count limit',
  };
  return { errcode, errmsg: errmsg[errcode] ?? 'system error' };
}
