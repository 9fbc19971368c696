/**
 * A local stand-in for the WeCom server, for the tests and `npm run demo -- --channel wecom`: the APIs
 * the puppet calls (gettoken, message/send, media/upload, media/get, update_template_card, user/get)
 * with WeCom's documented behaviour where it matters — tokens that expire or are revoked, the silent
 * drop of messages over the per-member limits (errcode 0, nothing delivered), response codes that
 * work once — and a driver that encrypts and signs callbacks the way WeCom does.
 */
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { listenLocally } from '../../src/shared/local-http-server';
import type { LocalHttpServer } from '../../src/shared/local-http-server';
import { sealCallback } from './wecom-callback-crypto';
import type { CallbackSecrets } from './wecom-callback-crypto';
import { buildCallbackXml } from './wecom-xml';
import { wecomMemberSendLimits } from './wecom-send-limits';
import type { MemberSendLimits } from './wecom-send-limits';

export interface FakeWecomOptions extends CallbackSecrets {
  agentId: number;
  secret: string;
  limits?: MemberSendLimits;
}

/** One message the app sent, as a member's WeCom client shows it. */
export interface FakeWecomDelivery {
  at: Date;
  touser: string;
  msgtype: string;
  /** The text, or for a card its title and text; for a file "[文件] name". */
  text: string;
  card?: { taskId: string; responseCode: string; buttons: { text: string; key: string }[]; url: string };
}

export interface CardUpdate {
  userids: string[];
  responseCode: string;
  replaceName: string;
}

interface StoredMedia {
  content: Buffer;
  name: string;
  type: string;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;

export class FakeWecomServer {
  readonly users = new Map<string, { name: string; department: number[] }>();
  readonly delivered: FakeWecomDelivery[] = [];
  /** Sends WeCom accepted with errcode 0 and dropped for exceeding a member's limit. */
  readonly dropped: FakeWecomDelivery[] = [];
  readonly cardUpdates: CardUpdate[] = [];
  tokenRequests = 0;
  /** Where the driver posts callbacks (the app's callback URL). */
  callbackUrl = '';

  private server: LocalHttpServer | null = null;
  private readonly tokens = new Map<string, { expired: boolean }>();
  private readonly sendTimes = new Map<string, number[]>();
  private readonly media = new Map<string, StoredMedia>();
  /** response_code → used yet. */
  private readonly responseCodes = new Map<string, boolean>();
  private readonly listeners = new Set<(delivery: FakeWecomDelivery) => void>();
  private readonly updateListeners = new Set<(update: CardUpdate) => void>();
  private nextMessageId = 7_000_000_000_000_000_000n;
  private readonly limits: MemberSendLimits;

  constructor(private readonly options: FakeWecomOptions) {
    this.limits = options.limits ?? wecomMemberSendLimits;
  }

  get secrets(): CallbackSecrets {
    return { token: this.options.token, encodingAesKey: this.options.encodingAesKey, corpId: this.options.corpId };
  }

  async start(): Promise<string> {
    const app = new Koa();
    app.use(bodyParser({ enableTypes: ['json'] }));
    app.use(this.routes().routes());
    this.server = await listenLocally(app);
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** Calls `listener` with each message delivered to a member; returns the unsubscribe. */
  onDelivered(listener: (delivery: FakeWecomDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with each accepted card update; returns the unsubscribe. */
  onCardUpdated(listener: (update: CardUpdate) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  addUser(userId: string, name: string, department = [1]): void {
    this.users.set(userId, { name, department });
  }

  /** Every token handed out so far now answers 42001 (expired), as after 7,200 s. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expired = true;
  }

  // ---- the driver: what WeCom sends to the app's callback URL ----

  /** A member writes `content` to the app; resolves with WeCom's view of our answer. */
  sendText(userId: string, content: string): Promise<CallbackAnswer> {
    return this.deliver(this.messageXml(userId, 'text', { Content: content }));
  }

  /** A member sends a file (`image` for a picture); the app fetches it through media/get. */
  sendFile(userId: string, name: string, content: Buffer, image = false): Promise<CallbackAnswer> {
    const mediaId = this.storeMedia({ content, name, type: image ? 'image/jpeg' : 'application/octet-stream' });
    const fields: Record<string, string> = image
      ? { PicUrl: `https://wework.qpic.cn/${mediaId}`, MediaId: mediaId }
      : { MediaId: mediaId, FileName: name };
    return this.deliver(this.messageXml(userId, image ? 'image' : 'file', fields));
  }

  /** A member clicks a button of a card they received; the event carries a fresh response code. */
  clickCard(
    userId: string,
    card: NonNullable<FakeWecomDelivery['card']>,
    buttonText: string,
    at = new Date(),
  ): Promise<CallbackAnswer> {
    const button = card.buttons.find((candidate) => candidate.text === buttonText);
    if (!button) throw new Error(`the card has no button ${buttonText}`);
    const responseCode = this.issueResponseCode();
    return this.deliver(
      buildCallbackXml({
        ToUserName: this.options.corpId,
        FromUserName: userId,
        CreateTime: Math.floor(at.getTime() / 1000),
        MsgType: 'event',
        Event: 'template_card_event',
        EventKey: button.key,
        TaskId: card.taskId,
        CardType: 'button_interaction',
        ResponseCode: responseCode,
        AgentID: this.options.agentId,
      }),
    );
  }

  /** Encrypts, signs and posts a decrypted callback body; `tamper` forges one part of it. */
  async deliver(plaintext: string, tamper: CallbackTamper = {}): Promise<CallbackAnswer> {
    const timestamp = String(Math.floor((tamper.at ?? new Date()).getTime() / 1000));
    const nonce = randomBytes(5).toString('hex');
    const sealed = sealCallback(
      { ...this.secrets, corpId: tamper.corpId ?? this.options.corpId },
      plaintext,
      timestamp,
      nonce,
    );
    if (tamper.signature) sealed.query.msg_signature = tamper.signature;
    const request: SignedCallback = {
      query: sealed.query,
      body: buildCallbackXml({
        ToUserName: this.options.corpId,
        AgentID: String(this.options.agentId),
        Encrypt: sealed.ciphertext,
      }),
    };
    return this.post(request);
  }

  /** Posts a callback exactly as it was posted before (WeCom's retry, or an attacker's replay). */
  async post(request: SignedCallback): Promise<CallbackAnswer> {
    const url = new URL(this.callbackUrl);
    for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
    const response = await fetch(url, { method: 'POST', body: request.body, headers: { 'content-type': 'text/xml' } });
    return { status: response.status, body: await response.text(), request };
  }

  /** The URL check the admin console runs when the callback URL is saved. */
  async verifyUrl(echo = randomBytes(8).toString('hex')): Promise<{ status: number; body: string; echo: string }> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sealed = sealCallback(this.secrets, echo, timestamp, randomBytes(5).toString('hex'));
    const url = new URL(this.callbackUrl);
    for (const [key, value] of Object.entries({ ...sealed.query, echostr: sealed.ciphertext }))
      url.searchParams.set(key, value);
    const response = await fetch(url);
    return { status: response.status, body: await response.text(), echo };
  }

  private messageXml(userId: string, type: string, fields: Record<string, string>): string {
    this.nextMessageId += 1n;
    return buildCallbackXml({
      ToUserName: this.options.corpId,
      FromUserName: userId,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: type,
      ...fields,
      MsgId: this.nextMessageId.toString(),
      AgentID: this.options.agentId,
    });
  }

  // ---- the server: what the app calls ----

  private routes(): Router {
    const router = new Router({ prefix: '/cgi-bin' });
    router.get('/gettoken', (ctx) => {
      this.tokenRequests += 1;
      if (ctx.query.corpid !== this.options.corpId)
        return void (ctx.body = { errcode: 40013, errmsg: 'invalid corpid' });
      if (ctx.query.corpsecret !== this.options.secret)
        return void (ctx.body = { errcode: 40001, errmsg: 'invalid credential' });
      const token = randomBytes(24).toString('hex');
      this.tokens.set(token, { expired: false });
      ctx.body = { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
    });
    router.use(async (ctx, next) => {
      if (ctx.path.endsWith('/gettoken')) return next();
      const token = this.tokens.get(String(ctx.query.access_token ?? ''));
      if (!token) return void (ctx.body = { errcode: 40014, errmsg: 'invalid access_token' });
      if (token.expired) return void (ctx.body = { errcode: 42001, errmsg: 'access_token expired' });
      return next();
    });
    router.post('/message/send', (ctx) => {
      ctx.body = this.acceptMessage(ctx.request.body as Record<string, unknown>);
    });
    router.post('/media/upload', async (ctx) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
      const form = await new Response(Buffer.concat(chunks), {
        headers: { 'content-type': ctx.get('content-type') },
      }).formData();
      const file = form.get('media');
      if (!(file instanceof Blob)) return void (ctx.body = { errcode: 41006, errmsg: 'media data missing' });
      const content = Buffer.from(await file.arrayBuffer());
      const maxBytes = ctx.query.type === 'image' ? 10 * 1024 * 1024 : 20 * 1024 * 1024;
      if (content.length <= 5 || content.length > maxBytes)
        return void (ctx.body = { errcode: 40005, errmsg: 'invalid file size' });
      const name = (file as File).name || 'media';
      const mediaId = this.storeMedia({ content, name, type: file.type || 'application/octet-stream' });
      ctx.body = {
        errcode: 0,
        errmsg: 'ok',
        type: ctx.query.type,
        media_id: mediaId,
        created_at: String(Math.floor(Date.now() / 1000)),
      };
    });
    router.get('/media/get', (ctx) => {
      const media = this.media.get(String(ctx.query.media_id ?? ''));
      if (!media) return void (ctx.body = { errcode: 40007, errmsg: 'invalid media_id' });
      ctx.type = media.type;
      ctx.set('content-disposition', `attachment; filename="${encodeURIComponent(media.name)}"`);
      ctx.body = media.content;
    });
    router.post('/message/update_template_card', (ctx) => {
      const body = ctx.request.body as {
        userids?: string[];
        response_code?: string;
        button?: { replace_name?: string };
      };
      const code = body.response_code ?? '';
      if (this.responseCodes.get(code) !== false)
        return void (ctx.body = { errcode: 40097, errmsg: 'invalid response_code' });
      this.responseCodes.set(code, true);
      const update = { userids: body.userids ?? [], responseCode: code, replaceName: body.button?.replace_name ?? '' };
      this.cardUpdates.push(update);
      for (const listener of this.updateListeners) listener(update);
      ctx.body = { errcode: 0, errmsg: 'ok', invaliduser: [] };
    });
    router.get('/user/get', (ctx) => {
      const userId = String(ctx.query.userid ?? '');
      const user = this.users.get(userId);
      ctx.body = user
        ? { errcode: 0, errmsg: 'ok', userid: userId, name: user.name, department: user.department }
        : { errcode: 60111, errmsg: 'userid not found' };
    });
    return router;
  }

  private acceptMessage(body: Record<string, unknown>): Record<string, unknown> {
    if (Number(body.agentid) !== this.options.agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
    const msgtype = String(body.msgtype ?? '');
    const part = (body[msgtype] ?? {}) as Record<string, unknown>;
    if (!['text', 'image', 'file', 'template_card'].includes(msgtype))
      return { errcode: 40008, errmsg: 'invalid message type' };
    if (msgtype === 'text' && Buffer.byteLength(String(part.content ?? ''), 'utf8') > 2048) {
      return { errcode: 44004, errmsg: 'text content over limit' };
    }
    const recipients = String(body.touser ?? '')
      .split('|')
      .filter(Boolean);
    const invalid = recipients.filter((userId) => !this.users.has(userId));
    const msgid = randomBytes(16).toString('base64url');
    const answer: Record<string, unknown> = { errcode: 0, errmsg: 'ok', invaliduser: invalid.join('|'), msgid };
    let responseCode = '';
    if (msgtype === 'template_card') {
      responseCode = this.issueResponseCode();
      answer.response_code = responseCode;
    }
    for (const touser of recipients.filter((userId) => this.users.has(userId))) {
      const delivery = this.describe(touser, msgtype, part, responseCode);
      if (this.overLimit(touser)) {
        this.dropped.push(delivery);
        continue;
      }
      this.delivered.push(delivery);
      for (const listener of this.listeners) listener(delivery);
    }
    return answer;
  }

  private describe(
    touser: string,
    msgtype: string,
    part: Record<string, unknown>,
    responseCode: string,
  ): FakeWecomDelivery {
    const at = new Date();
    if (msgtype === 'text') return { at, touser, msgtype, text: String(part.content ?? '') };
    if (msgtype === 'template_card') {
      const title = (part.main_title as { title?: string } | undefined)?.title ?? '';
      const buttons = (part.button_list as { text: string; key: string }[] | undefined) ?? [];
      const url = (part.card_action as { url?: string } | undefined)?.url ?? '';
      const text = [
        title,
        String(part.sub_title_text ?? ''),
        buttons.map((button) => `[${button.text}]`).join(' ') + (url ? ' [查看全文]' : ''),
      ].join('\n');
      return { at, touser, msgtype, text, card: { taskId: String(part.task_id ?? ''), responseCode, buttons, url } };
    }
    const media = this.media.get(String(part.media_id ?? ''));
    return { at, touser, msgtype, text: `[${msgtype === 'image' ? '图片' : '文件'}] ${media?.name ?? ''}` };
  }

  /** Counts the send against the member's limits; true when WeCom would drop it. */
  private overLimit(userId: string): boolean {
    const now = Date.now();
    const times = (this.sendTimes.get(userId) ?? []).filter((time) => time > now - hourMs);
    const lastMinute = times.filter((time) => time > now - minuteMs).length;
    if (lastMinute >= this.limits.perMinute || times.length >= this.limits.perHour) {
      this.sendTimes.set(userId, times);
      return true;
    }
    times.push(now);
    this.sendTimes.set(userId, times);
    return false;
  }

  private issueResponseCode(): string {
    const code = randomBytes(12).toString('hex');
    this.responseCodes.set(code, false);
    return code;
  }

  private storeMedia(media: StoredMedia): string {
    const mediaId = `media-${randomBytes(12).toString('hex')}`;
    this.media.set(mediaId, media);
    return mediaId;
  }
}

export interface SignedCallback {
  query: Record<string, string>;
  body: string;
}

export interface CallbackAnswer {
  status: number;
  body: string;
  /** What was posted, for a later `post` (a retry or a replay). */
  request: SignedCallback;
}

export interface CallbackTamper {
  signature?: string;
  corpId?: string;
  /** The time in the signed timestamp (an old capture replayed). */
  at?: Date;
}
