/**
 * The pushes of the fake Official Account platform (安全模式): the URL check the back office runs when the
 * server URL is saved, and each push encrypted and signed with the shared scheme, the AppID sealed
 * inside, posted to the configured URL with the query the platform sends. Tampering on demand, for tests.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { sealCallback, signCallback } from '../shared/callback-crypto';
import { buildCallbackXml } from '../shared/callback-xml';
import type { FakePublishJob } from './fake-official-account-articles';

/** 服务器配置 as saved in the back office. */
export interface FakePushConfig {
  /** Our push endpoint, e.g. http://127.0.0.1:3000/wechat-official/push/<accountId>. */
  url: string;
  token: string;
  encodingAesKey: string;
  /** The account's original id (gh_…), ToUserName of every push. */
  originalId?: string;
}

export interface SignedPush {
  url: string;
  query: Record<string, string>;
  body: string;
}

export interface PushAnswer {
  status: number;
  body: string;
  /** What was posted, for a later repost (the platform's retry, or an attacker's replay). */
  request: SignedPush;
}

export interface PushTamper {
  signature?: string;
  /** Seal the push for another AppID. */
  appId?: string;
  /** The time in the signed timestamp (an old capture replayed). */
  at?: Date;
}

type Config = FakePushConfig & { appId: string };

export class FakePushSender {
  private nextMessageId = 24_000_000_000_000_000n;

  constructor(private readonly clock: Clock) {}

  /** Encrypts, signs and posts a push body. */
  async deliver(config: Config, plaintext: string, tamper: PushTamper = {}): Promise<PushAnswer> {
    const timestamp = seconds(tamper.at ?? this.clock.now()).toString();
    const nonce = randomBytes(5).toString('hex');
    const secrets = {
      token: config.token,
      encodingAesKey: config.encodingAesKey,
      receiverId: tamper.appId ?? config.appId,
    };
    const sealed = sealCallback(secrets, plaintext, timestamp, nonce);
    const openId = /<FromUserName><!\[CDATA\[([^\]]*)\]\]>/.exec(plaintext)?.[1] ?? '';
    const query: Record<string, string> = {
      signature: signCallback(config.token, timestamp, nonce),
      timestamp,
      nonce,
      openid: openId,
      encrypt_type: 'aes',
      msg_signature: tamper.signature ?? sealed.query.msg_signature,
    };
    const body = buildCallbackXml({ ToUserName: originalIdOf(config), Encrypt: sealed.ciphertext });
    return this.post({ url: config.url, query, body });
  }

  /** Posts a push exactly as it was posted before. */
  async post(request: SignedPush): Promise<PushAnswer> {
    const target = new URL(request.url);
    for (const [key, value] of Object.entries(request.query)) target.searchParams.set(key, value);
    const response = await fetch(target, {
      method: 'POST',
      body: request.body,
      headers: { 'content-type': 'text/xml' },
    });
    return { status: response.status, body: await response.text(), request };
  }

  /** The URL check: a GET with the plain signature and an echostr to be answered as it came. */
  async verifyUrl(config: Config): Promise<{ status: number; body: string; echo: string }> {
    const timestamp = seconds(this.clock.now()).toString();
    const nonce = randomBytes(5).toString('hex');
    const echo = randomBytes(9).toString('hex');
    const url = new URL(config.url);
    const query = { signature: signCallback(config.token, timestamp, nonce), timestamp, nonce, echostr: echo };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url);
    return { status: response.status, body: await response.text(), echo };
  }

  /** The PUBLISHJOBFINISH event for a finished job. */
  publishJobFinished(config: Config, job: FakePublishJob): Promise<PushAnswer> {
    const succeeded = job.articleId !== null;
    return this.deliver(
      config,
      buildCallbackXml({
        ToUserName: originalIdOf(config),
        FromUserName: `o${config.appId.slice(2)}system`,
        CreateTime: seconds(this.clock.now()),
        MsgType: 'event',
        Event: 'PUBLISHJOBFINISH',
        PublishEventInfo: {
          publish_id: job.publishId,
          publish_status: job.status,
          ...(succeeded
            ? {
                article_id: job.articleId ?? '',
                article_detail: {
                  count: job.articleUrls.length,
                  item: job.articleUrls.map((url, index) => ({ idx: index + 1, article_url: url })),
                },
              }
            : { fail_idx: job.failedIndexes }),
        },
      }),
    );
  }

  /** A follower's text message (MsgType text, with a 64-bit MsgId). */
  userText(config: Config, openId: string, content: string, at?: Date): Promise<PushAnswer> {
    this.nextMessageId += 1n;
    return this.deliver(
      config,
      buildCallbackXml({
        ToUserName: originalIdOf(config),
        FromUserName: openId,
        CreateTime: seconds(at ?? this.clock.now()),
        MsgType: 'text',
        Content: content,
        MsgId: this.nextMessageId.toString(),
      }),
    );
  }
}

function seconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function originalIdOf(config: Config): string {
  return config.originalId ?? `gh_${config.appId.slice(-12)}`;
}
