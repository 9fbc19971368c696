/**
 * The WeCom app's callback URL on our Koa server, and the card's 查看全文 page beside it.
 * - GET: WeCom's URL check; the decrypted echostr is answered as plain text (doc 96466).
 * - POST: an encrypted message. Checked (signature in constant time, timestamp window, corp id) and
 *   answered with an empty body at once — no passive reply, no retry — then handed to the puppet.
 *   A callback that fails a check (a parameter repeated in the query string among them) is answered
 *   403 and nothing in it is processed.
 * - GET …/drafts/:code: the full text of a draft for the approver a card was sent to, behind a link
 *   signed for that member and that draft, valid for a limited time.
 */
import { createHmac } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../../src/shared/clock';
import type { Logger } from '../../src/shared/logger';
import { openCallback, sameSignedText } from './wecom-callback-crypto';
import type { CallbackSecrets, SignedQuery } from './wecom-callback-crypto';
import { parseCallbackXml } from './wecom-xml';
import { readBodyText, singleValues } from '../../src/shared/callback-request';

export interface WecomCallbackRouteOptions {
  /** e.g. /wecom/callback */
  path: string;
  secrets: CallbackSecrets;
  clock: Clock;
  logger: Logger;
  /** The running puppet's inbound handler; null while the bot is not running (WeCom then retries). */
  receive: () => ((plaintext: string) => Promise<void>) | null;
  /** The draft's full text as `userId` may see it (throws an AppError when they may not). */
  viewDraft?: (userId: string, code: string) => Promise<string>;
  /** Key of the 查看全文 links. */
  linkKey: string;
}

/** Far above any message WeCom delivers; a larger body is refused unread. */
const maxCallbackBytes = 2 * 1024 * 1024;
/** A 查看全文 link works this long after the card was sent. */
export const draftLinkLifetimeMs = 7 * 24 * 3_600_000;

const signedKeys = ['msg_signature', 'timestamp', 'nonce'] as const satisfies readonly (keyof SignedQuery)[];

export function createWecomCallbackRouter(options: WecomCallbackRouteOptions): Router {
  const router = new Router({ sensitive: true });
  const { logger, secrets } = options;
  const refuse = (ctx: Context, reason: string) => {
    logger.warn({ reason }, 'wecom callback refused');
    ctx.status = 403;
    ctx.body = 'forbidden';
  };

  router.get(options.path, (ctx) => {
    const query = singleValues(ctx.query, [...signedKeys, 'echostr']);
    if (!query) return refuse(ctx, 'repeated-parameter');
    const opened = openCallback(secrets, query, query.echostr, options.clock.now());
    if (!opened.ok) return refuse(ctx, opened.reason);
    ctx.type = 'text/plain';
    ctx.body = opened.plaintext;
  });

  router.post(options.path, async (ctx) => {
    const body = await readBodyText(ctx, maxCallbackBytes);
    const envelope = body === null ? null : parseCallbackXml(body);
    if (!envelope?.Encrypt) return refuse(ctx, 'malformed-body');
    const query = singleValues(ctx.query, signedKeys);
    if (!query) return refuse(ctx, 'repeated-parameter');
    const opened = openCallback(secrets, query, envelope.Encrypt, options.clock.now());
    if (!opened.ok) return refuse(ctx, opened.reason);
    const receive = options.receive();
    if (!receive) {
      ctx.status = 503;
      ctx.body = 'bot not running';
      return;
    }
    ctx.status = 200;
    ctx.body = '';
    // WeCom waits at most 5 s for the answer: handle after it has gone.
    setImmediate(() => {
      receive(opened.plaintext).catch((error: unknown) =>
        logger.error({ err: error }, 'wecom callback handling failed'),
      );
    });
  });

  router.get(`${options.path}/drafts/:code`, async (ctx) => {
    const query = singleValues(ctx.query, ['user', 'v', 'exp', 'sig']);
    const code = ctx.params.code;
    const valid =
      query !== null &&
      sameSignedText(signDraftLink(options.linkKey, query.user, code, query.v, query.exp), query.sig) &&
      Number(query.exp) > options.clock.now().getTime();
    if (!valid || !options.viewDraft) {
      ctx.status = 403;
      ctx.type = 'text/html';
      ctx.body = page('链接无效或已过期', '请在企业微信中发送“查看 编号”查看稿件全文。');
      return;
    }
    const text = await options.viewDraft(query.user, code);
    ctx.type = 'text/html';
    ctx.body = page(`稿件 #${code}`, text);
  });
  return router;
}

/** The signature of a 查看全文 link: HMAC-SHA256 over member, draft, version and expiry. */
export function signDraftLink(key: string, userId: string, code: string, version: string, expiresAt: string): string {
  return createHmac('sha256', key).update([userId, code, version, expiresAt].join('\n')).digest('hex');
}

/** A 查看全文 link for `userId`, valid for draftLinkLifetimeMs from `now`. */
export function draftLink(
  publicBaseUrl: string,
  path: string,
  key: string,
  link: { userId: string; code: string; version: number; now: Date },
): string {
  const expiresAt = String(link.now.getTime() + draftLinkLifetimeMs);
  const version = String(link.version);
  const url = new URL(`${publicBaseUrl.replace(/\/+$/, '')}${path}/drafts/${link.code}`);
  url.search = new URLSearchParams({
    user: link.userId,
    v: version,
    exp: expiresAt,
    sig: signDraftLink(key, link.userId, link.code, version, expiresAt),
  }).toString();
  return url.toString();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, text: string): string {
  return [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    `<body><h3>${escapeHtml(title)}</h3><pre style="white-space:pre-wrap;font-size:16px">${escapeHtml(text)}</pre></body></html>`,
  ].join('');
}
