/**
 * A chat world for the real bot over the real services: people with chat contacts, binding by a
 * one-time code sent in chat, and everything said — by people and by the bot — seen as it happens and
 * kept per chat. Two worlds share this: wechaty-puppet-mock (`mock-chat.ts`) and a fake WeCom server
 * under PuppetWecomApp (`wecom/wecom-chat.ts`), so the chat tests, `npm run demo` and the benchmark
 * run the same scenarios over either. Nothing here is used by the production bot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileBox } from 'file-box';
import type { Wechaty } from 'wechaty';
import type { Puppet } from 'wechaty-puppet';
import type { Services } from '../src/services';
import type { Logger } from '../src/shared/logger';
import type { OutboxConfig } from '../src/shared/config';
import type { OutboxDeliveryOptions } from '../src/outbox/outbox-delivery';
import { noMinuteLimit } from '../src/outbox/outbox-rules';
import { createChatBot } from './shenfa-bot';
import { InboundSpool } from './inbound-spool';
import type { InboundChatMessage } from './chat-command-handler';

export const botDisplayName = '审发';

/** No pacing and quick retries: messages leave as soon as they are queued. */
export const immediateOutboxConfig: OutboxConfig = {
  perContactIntervalMs: 0,
  perMinuteLimit: noMinuteLimit,
  jitterMs: 0,
  maxAttempts: 3,
  retryBaseMs: 10,
};

/** One message in the chat, in either direction. */
export interface ChatLine {
  at: Date;
  /** The sender's display name; the bot is "审发". */
  from: string;
  /** The person's display name for a private chat, the topic for a group chat. */
  to: string;
  /** The group chat's topic; '' for a private chat. */
  room: string;
  /** True when the bot said it. */
  fromBot: boolean;
  text: string;
}

export interface ChatWorldOptions {
  services: Services;
  logger: Logger;
  /** Keys the bot's memory; unique per bot unless given. */
  botName?: string;
  processId?: string;
  outbox?: OutboxConfig;
  deliveryOptions?: OutboxDeliveryOptions;
  spoolRetryMs?: number;
  digestKey?: string;
  /** Fresh services for `restart` (a new process over the same database). */
  recreateServices?: () => Services;
}

/** A chat contact as the tests see it: its id in the chat platform. */
export interface ChatContact {
  id: string;
}

export abstract class ChatWorld {
  /** What each person received privately from the bot, by display name. */
  readonly received = new Map<string, string[]>();
  /** What the bot said in each group chat, by topic. */
  readonly roomMessages = new Map<string, string[]>();
  /** The puppet's name: chat identities are bound per provider. */
  abstract readonly provider: string;
  /** Whether the platform has group chats the bot can be in. */
  abstract readonly supportsRooms: boolean;
  abstract readonly botUser: ChatContact;
  services: Services;
  bot!: Wechaty;
  protected readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-chat-'));
  private readonly observers = new Set<(line: ChatLine) => void>();
  private readonly waiters: (() => void)[] = [];

  constructor(protected readonly options: ChatWorldOptions) {
    this.services = options.services;
  }

  /** Starts the bot and logs it in. */
  abstract start(): Promise<void>;
  /** What a restart of the bot process leaves: nothing but what is stored; contacts keep their ids. */
  abstract restartBot(services: Services): Promise<void>;
  /** A chat contact for a person of the organisation (or a stranger), not yet bound. */
  abstract contact(name: string): ChatContact;
  /** A person writes to the bot privately, or in `room` mentioning `mentions`. */
  abstract say(name: string, text: string, room?: unknown, mentions?: ChatContact[]): void;
  /** A person sends a file (a FileBox) to the bot in a private chat. */
  abstract sendFile(name: string, file: FileBox): void;
  /** A group chat with the bot and these people. */
  abstract room(topic: string, memberNames: string[]): unknown;

  /** A new bot process over fresh services; see restartBot. */
  async restart(): Promise<void> {
    if (!this.options.recreateServices) throw new Error('this chat world was made without recreateServices');
    await this.restartBot(this.options.recreateServices());
  }

  /** What a bot process that died while handling a message leaves behind: the message noted as in flight. */
  leaveInFlight(message: InboundChatMessage): void {
    new InboundSpool({ directory: path.join(this.dataDir, 'spool'), logger: this.options.logger }).begin(message);
  }

  /** Calls `listener` with every message said from now on, in either direction; returns the unsubscribe. */
  observe(listener: (line: ChatLine) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /**
   * Binds a person of the organisation the way a person does it: a code from the admin (for the person
   * named by `reference`: a name, staff code or id), sent in chat from the contact `contactName`.
   */
  async bind(reference: string, contactName = reference): Promise<ChatContact> {
    const { code } = await this.services.people.createBindCode(reference, {});
    const contact = this.contact(contactName);
    await this.sayAndWait(contactName, `绑定 ${code}`, '绑定成功');
    return contact;
  }

  async sayAndWait(name: string, text: string, expected: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const before = this.messagesOf(name).length;
    this.say(name, text);
    return this.waitFor(name, expected, { after: before, timeoutMs });
  }

  /** Messages a person received privately, or (with "room:<topic>") what the bot said in a group. */
  messagesOf(name: string): string[] {
    if (name.startsWith('room:')) return this.roomMessages.get(name.slice('room:'.length)) ?? [];
    return this.received.get(name) ?? [];
  }

  /** Waits until `name` has received a message matching `expected` (after the first `after` messages). */
  async waitFor(
    name: string,
    expected: string | RegExp,
    options: { after?: number; timeoutMs?: number } = {},
  ): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
    for (;;) {
      const found = this.messagesOf(name)
        .slice(options.after ?? 0)
        .find(matches);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${name} never received ${String(expected)}; received:\n${this.messagesOf(name).join('\n---\n')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until nothing new arrives for a moment, so a caller can tell that something was NOT sent. */
  async settle(quietMs = 400): Promise<void> {
    let count = -1;
    while (count !== this.totalReceived()) {
      count = this.totalReceived();
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  protected createBot(services: Services, puppet: Puppet, outbox?: OutboxConfig): Wechaty {
    const { options } = this;
    const suffix = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    return createChatBot({
      services,
      puppet,
      provider: this.provider,
      botName: options.botName ?? `shenfa-chat-${suffix}`,
      outbox: options.outbox ?? outbox ?? immediateOutboxConfig,
      dataDir: this.dataDir,
      timeZone: 'Asia/Shanghai',
      auditDigest: {
        key: () => options.digestKey ?? 'mock-chat-digest-key-0123456789abcdef',
        directory: path.join(this.dataDir, 'audit-digests'),
      },
      logger: options.logger,
      processId: options.processId ?? `chat-world-${suffix}`,
      deliveryOptions: options.deliveryOptions ?? { pollIntervalMs: 20 },
      spoolRetryMs: options.spoolRetryMs ?? 200,
    });
  }

  /** Records a line said in a private chat (`to` or `from` the person `name`) or a group. */
  protected publish(line: Omit<ChatLine, 'at'>): void {
    const seen = { at: new Date(), ...line };
    for (const observer of this.observers) observer(seen);
    if (seen.fromBot) for (const wake of this.waiters.splice(0)) wake();
  }

  /** A private message from the bot to `name`. */
  protected receivedBy(name: string, text: string): void {
    const messages = this.received.get(name) ?? [];
    messages.push(text);
    this.received.set(name, messages);
    this.publish({ from: botDisplayName, to: name, room: '', fromBot: true, text });
  }

  private totalReceived(): number {
    return [...this.received.values(), ...this.roomMessages.values()].reduce(
      (sum, messages) => sum + messages.length,
      0,
    );
  }
}
