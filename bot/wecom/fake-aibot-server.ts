/**
 * A local stand-in for WeCom's AI-bot WebSocket endpoint, for the tests and the demo: it authenticates
 * `aibot_subscribe`, answers heartbeats and sends, records what the bot sends into each chat, and
 * pushes `aibot_msg_callback` frames the way WeCom does for an @-mention in a group (with the quoted
 * message, when there is one). Frame shapes from the SDK's own types (`WsFrame`, `WsCmd`).
 */
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export interface AibotSend {
  chatId: string;
  content: string;
}

interface Frame {
  cmd?: string;
  headers: { req_id: string };
  body?: { chatid?: string; markdown?: { content?: string }; text?: { content?: string } };
}

export class FakeAibotServer {
  readonly sent: AibotSend[] = [];
  private server: WebSocketServer | null = null;
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<(send: AibotSend) => void>();

  constructor(readonly credentials: { botId: string; secret: string }) {}

  async start(): Promise<string> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    this.server = server;
    server.on('connection', (socket) => {
      socket.on('message', (raw) => this.answer(socket, JSON.parse(String(raw)) as Frame));
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  onSent(listener: (send: AibotSend) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A member @-mentions the bot in group `chatId` (or writes to it in a single chat when chatId is ''). */
  mention(chatId: string, userId: string, content: string, quote = ''): void {
    if (!this.socket) throw new Error('no AI bot is connected');
    const body = {
      msgid: randomBytes(12).toString('hex'),
      aibotid: this.credentials.botId,
      ...(chatId ? { chatid: chatId, chattype: 'group' } : { chattype: 'single' }),
      from: { userid: userId },
      create_time: Math.floor(Date.now() / 1000),
      msgtype: 'text',
      text: { content },
      ...(quote ? { quote: { msgtype: 'text', text: { content: quote } } } : {}),
    };
    const frame = { cmd: 'aibot_msg_callback', headers: { req_id: randomBytes(8).toString('hex') }, body };
    this.socket.send(JSON.stringify(frame));
  }

  private answer(socket: WebSocket, frame: Frame): void {
    const ok = (errcode = 0, errmsg = 'ok') =>
      socket.send(JSON.stringify({ headers: { req_id: frame.headers.req_id }, errcode, errmsg }));
    if (frame.cmd === 'aibot_subscribe') {
      const body = frame.body as { bot_id?: string; secret?: string } | undefined;
      if (body?.bot_id !== this.credentials.botId || body.secret !== this.credentials.secret) {
        return ok(40001, 'invalid credential');
      }
      this.socket = socket;
      return ok();
    }
    if (frame.cmd === 'aibot_send_msg') {
      const send = { chatId: frame.body?.chatid ?? '', content: frame.body?.markdown?.content ?? '' };
      this.sent.push(send);
      for (const listener of this.listeners) listener(send);
    }
    ok();
  }
}
