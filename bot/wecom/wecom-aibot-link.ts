/**
 * The WeCom 智能机器人 (AI bot) beside the self-built app: the only way to hear group chats. It holds a
 * WebSocket long connection through the official `@wecom/aibot-node-sdk` (no public URL, no crypto),
 * receives @-mentions in groups and single chats — with the quoted message, which the app callback
 * lacks — and sends into a group by its chatid (doc 100719, doc 101463).
 */
import { WSClient } from '@wecom/aibot-node-sdk';
import type { Logger } from '../../src/shared/logger';

export interface AibotSettings {
  botId: string;
  secret: string;
  /** '' for WeCom's own (wss://openws.work.weixin.qq.com); 政务微信 tenants look theirs up in the console. */
  wsUrl: string;
}

/** A text the AI bot received, as the puppet needs it. */
export interface AibotText {
  msgid: string;
  /** '' in a single chat. */
  chatId: string;
  userId: string;
  content: string;
  /** The quoted message's text, when the user quoted one. */
  quote: string;
  createdAt: number;
}

interface AibotTextFrame {
  body?: {
    msgid?: string;
    chatid?: string;
    chattype?: string;
    from?: { userid?: string };
    create_time?: number;
    text?: { content?: string };
    quote?: { msgtype?: string; text?: { content?: string } };
  };
}

export class AibotLink {
  private client: WSClient | null = null;

  constructor(
    private readonly settings: AibotSettings,
    private readonly logger?: Logger,
  ) {}

  /** Connects and calls `onText` with each text; resolves once the connection is authenticated. */
  async start(onText: (text: AibotText) => void): Promise<void> {
    const log = this.logger;
    const client = new WSClient({
      botId: this.settings.botId,
      secret: this.settings.secret,
      wsUrl: this.settings.wsUrl || undefined,
      maxReconnectAttempts: -1,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => log?.warn({ source: 'aibot-sdk' }, message),
        error: (message: string) => log?.error({ source: 'aibot-sdk' }, message),
      },
    });
    this.client = client;
    client.on('message.text', (frame: AibotTextFrame) => {
      const body = frame.body ?? {};
      if (!body.msgid || !body.from?.userid) return;
      onText({
        msgid: body.msgid,
        chatId: body.chattype === 'group' ? (body.chatid ?? '') : '',
        userId: body.from.userid,
        content: body.text?.content ?? '',
        quote: body.quote?.msgtype === 'text' ? (body.quote.text?.content ?? '') : '',
        createdAt: (body.create_time ?? 0) * 1000 || Date.now(),
      });
    });
    await new Promise<void>((resolve, reject) => {
      client.once('authenticated', () => resolve());
      client.once('error', (error: Error) => reject(error));
      client.connect();
    });
  }

  /** Sends markdown text into a group (by chatid) or a single chat (by userid). */
  async send(chatId: string, content: string): Promise<void> {
    if (!this.client) throw new Error('the AI bot is not connected');
    await this.client.sendMessage(chatId, { msgtype: 'markdown', markdown: { content } });
  }

  stop(): void {
    this.client?.disconnect();
    this.client = null;
  }
}
