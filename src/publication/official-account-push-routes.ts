/**
 * The Official Account (公众号) push endpoint on our Koa server, one URL per connected account
 * (`/wechat-official/push/:accountId`, entered as the server URL in the account's back office):
 * - GET: the URL check; `signature` over token, timestamp and nonce; `echostr` answered as it came.
 * - POST: an encrypted push (安全模式 only: a 明文 push is signed without its body). Checked — signature
 *   in constant time, timestamp window, decryption, the AppID sealed inside — then taken on once by a
 *   unique insert (the platform retries; a capture may be replayed), answered `success` at once, and
 *   handed to the handler after the answer has gone.
 * Anything that fails a check, or names an account with no connection, is answered 403 and nothing in it
 * is processed; the answer does not tell an unknown account from a bad signature.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isFreshTimestamp, openCallback, sameSignedText, signCallback } from '../shared/callback-crypto';
import { readBodyText, singleValues } from '../shared/callback-request';
import { parseCallbackXml } from '../shared/callback-xml';
import { readOfficialAccountPush } from './official-account-push-rules';
import type { OfficialAccountPush, OfficialAccountPushHandler } from './official-account-push-rules';
import { claimPushReceipt, markPushHandled } from './official-account-push-model';

/** What the push check needs of a connected account; the AppSecret is not among it. */
export interface OfficialAccountPushSecrets {
  appId: string;
  token: string;
  encodingAesKey: string;
}

/** The connection feature's port: an account's push secrets, or null when it has no connection. */
export type PushSecretsLookup = (accountId: string) => Promise<OfficialAccountPushSecrets | null>;

export interface OfficialAccountPushRouteOptions {
  pushSecrets: PushSecretsLookup;
  handler: OfficialAccountPushHandler;
  clock: Clock;
  logger: Logger;
  /** Where the routes sit; /wechat-official/push by default. */
  path?: string;
  /** Takes a push on once (a unique insert) and keeps it pending; the stored receipts by default. */
  claimReceipt?: (
    key: string,
    receivedAt: Date,
    pending: { accountId: string; push: OfficialAccountPush },
  ) => Promise<boolean>;
  /** Marks a push handled; the stored receipts by default. */
  markHandled?: (key: string) => Promise<void>;
}

/** Far above any push the platform sends (a text is at most 2,048 bytes); a larger body is refused unread. */
const maxPushBytes = 256 * 1024;
const accountIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const postKeys = ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature'] as const;

export function createOfficialAccountPushRouter(options: OfficialAccountPushRouteOptions): Router {
  const router = new Router({ sensitive: true, strict: true });
  const path = `${options.path ?? '/wechat-official/push'}/:accountId`;
  const claimReceipt = options.claimReceipt ?? claimPushReceipt;
  const markHandled = options.markHandled ?? markPushHandled;
  const { logger } = options;
  const refuse = (ctx: Context, accountId: string, reason: string) => {
    logger.warn({ accountId: accountId.slice(0, 64), reason }, 'official account push refused');
    ctx.status = 403;
    ctx.type = 'text/plain';
    ctx.body = 'forbidden';
  };
  const secretsOf = async (accountId: string) =>
    accountIdPattern.test(accountId) ? options.pushSecrets(accountId) : null;

  router.get(path, async (ctx) => {
    const accountId = ctx.params.accountId ?? '';
    const query = singleValues(ctx.query, ['signature', 'timestamp', 'nonce', 'echostr']);
    if (!query) return refuse(ctx, accountId, 'repeated-parameter');
    const secrets = await secretsOf(accountId);
    if (!secrets) return refuse(ctx, accountId, 'not-connected');
    const { signature, timestamp, nonce, echostr } = query;
    if (!signature || !timestamp || !nonce || !echostr) return refuse(ctx, accountId, 'missing-parameters');
    if (!sameSignedText(signCallback(secrets.token, timestamp, nonce), signature.toLowerCase())) {
      return refuse(ctx, accountId, 'bad-signature');
    }
    if (!isFreshTimestamp(timestamp, options.clock.now())) return refuse(ctx, accountId, 'stale-timestamp');
    ctx.type = 'text/plain';
    ctx.body = echostr;
  });

  router.post(path, async (ctx) => {
    const accountId = ctx.params.accountId ?? '';
    const query = singleValues(ctx.query, postKeys);
    if (!query) return refuse(ctx, accountId, 'repeated-parameter');
    if (query.encrypt_type !== 'aes') return refuse(ctx, accountId, 'not-encrypted');
    const body = await readBodyText(ctx, maxPushBytes);
    const envelope = body === null ? null : parseCallbackXml(body);
    if (!envelope?.Encrypt) return refuse(ctx, accountId, 'malformed-body');
    const secrets = await secretsOf(accountId);
    if (!secrets) return refuse(ctx, accountId, 'not-connected');
    const receiver = { token: secrets.token, encodingAesKey: secrets.encodingAesKey, receiverId: secrets.appId };
    const now = options.clock.now();
    const opened = openCallback(receiver, query, envelope.Encrypt, now);
    if (!opened.ok) return refuse(ctx, accountId, opened.reason === 'wrong-receiver' ? 'wrong-appid' : opened.reason);

    const read = readOfficialAccountPush(opened.plaintext);
    ctx.type = 'text/plain';
    if (read.kind !== 'handled') {
      // Genuine but not ours to act on: answered, so the platform does not retry it.
      logger.info(
        { accountId, push: read.kind === 'ignored' ? read.what : 'unreadable' },
        'official account push ignored',
      );
      ctx.body = 'success';
      return;
    }
    // A failed insert (the database away) answers 500: the platform retries, and nothing is lost.
    const receiptKey = `${accountId}:${read.receiptKey}`;
    if (!(await claimReceipt(receiptKey, now, { accountId, push: read.push }))) {
      logger.info({ accountId, kind: read.push.kind }, 'official account push repeated');
      ctx.body = 'success';
      return;
    }
    ctx.body = 'success';
    // The platform waits at most 5 s for the answer: handle after it has gone. A push not handled
    // (an error, a stop) stays pending; the redelivery job hands it over again.
    setImmediate(() => {
      options
        .handler(accountId, read.push)
        .then(() => markHandled(receiptKey))
        .catch((error: unknown) =>
          logger.error({ err: error, accountId, kind: read.push.kind }, 'official account push handling failed'),
        );
    });
  });
  return router;
}
