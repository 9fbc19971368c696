/**
 * The real chat bot on wechaty-puppet-mock: a mock chat world with the bot logged in, a mock contact per
 * person, binding by a one-time code sent in chat, and everything said in it — by people and by the
 * bot — seen as it happens and kept per chat. The chat tests, `npm run demo` and the approval-flow
 * benchmark drive the bot through it; nothing here is used by the production bot.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileBox } from 'file-box';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Wechaty } from 'wechaty';
import type { Services } from '../src/services';
import type { Logger } from '../src/shared/logger';
import type { OutboxConfig } from '../src/shared/config';
import type { OutboxDeliveryOptions } from '../src/outbox/outbox-service';
import { createChatBot } from './shenfa-bot';

export const mockProvider = 'wechaty-puppet-mock';
export const botDisplayName = '审发';

/** No pacing and quick retries: messages leave as soon as they are queued. */
export const immediateOutboxConfig: OutboxConfig = {
  perContactIntervalMs: 0,
  perMinuteLimit: 100_000,
  jitterMs: 0,
  maxAttempts: 3,
  retryBaseMs: 10,
};

/** One message in the mock chat, in either direction. */
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

export interface MockChatOptions {
  services: Services;
  logger: Logger;
  /** Keys the bot's memory; unique per bot unless given. */
  botName?: string;
  processId?: string;
  outbox?: OutboxConfig;
  deliveryOptions?: OutboxDeliveryOptions;
  spoolRetryMs?: number;
  digestKey?: string;
}

export class MockChat {
  readonly contacts = new Map<string, mock.ContactMock>();
  /** What each person received privately from the bot, by display name. */
  readonly received = new Map<string, string[]>();
  /** What the bot said in each group chat, by topic. */
  readonly roomMessages = new Map<string, string[]>();
  services: Services;
  bot: Wechaty;
  mocker = new mock.Mocker();
  botUser: mock.ContactMock;
  private puppet = new PuppetMock({ mocker: this.mocker });
  protected readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-chat-'));
  private readonly observers = new Set<(line: ChatLine) => void>();
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly options: MockChatOptions) {
    this.services = options.services;
    this.bot = this.createBot(options.services);
    this.botUser = this.mocker.createContact({ name: botDisplayName });
  }

  /** Starts the bot and logs it in to the mock chat. */
  async start(): Promise<void> {
    await this.bot.start();
    this.mocker.login(this.botUser);
    await sleep(50);
  }

  /**
   * What a restart of the bot process leaves: nothing but what is stored. The bot stops; a new bot over
   * `services` and a new puppet start, in a new mock chat world whose contacts keep their ids (as a real
   * chat account's contacts do). puppet-mock allows one puppet per mock world, hence the new world.
   */
  async restartBot(services: Services): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    this.services = services;
    this.mocker = new mock.Mocker();
    this.puppet = new PuppetMock({ mocker: this.mocker });
    this.bot = this.createBot(services);
    await this.bot.start();
    this.botUser = this.mocker.createContact({ id: this.botUser.id, name: this.botUser.payload.name });
    for (const [name, contact] of [...this.contacts]) {
      this.listen(name, this.mocker.createContact({ id: contact.id, name }));
    }
    this.mocker.login(this.botUser);
    await sleep(50);
  }

  /** Calls `listener` with every message said from now on, in either direction; returns the unsubscribe. */
  observe(listener: (line: ChatLine) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** A chat contact for a person of the organisation (or a stranger), not yet bound. */
  contact(name: string): mock.ContactMock {
    const existing = this.contacts.get(name);
    if (existing) return existing;
    this.received.set(name, []);
    return this.listen(name, this.mocker.createContact({ name }));
  }

  /** Text as written; a file shows as "[文件] name" (puppet-mock keeps the file beside the message). */
  private textOf(message: mock.MessageMock): string {
    const file = this.mocker.cacheFileBoxPayload.get(message.id);
    return file ? `[文件] ${(file as { name?: string }).name ?? ''}` : (message.text() ?? '');
  }

  /** puppet-mock tells the talker and the listener of each message: this contact's side of its private chat. */
  private listen(name: string, contact: mock.ContactMock): mock.ContactMock {
    this.contacts.set(name, contact);
    contact.on('message', (message: mock.MessageMock) => {
      if (message.room()) return;
      const text = this.textOf(message);
      if (message.talker().id === this.botUser.id) {
        this.received.get(name)?.push(text);
        this.publish({ from: botDisplayName, to: name, room: '', fromBot: true, text });
      } else if (message.talker().id === contact.id) {
        this.publish({ from: name, to: message.listener()?.payload.name ?? '', room: '', fromBot: false, text });
      }
    });
    return contact;
  }

  /**
   * Binds a person of the organisation the way a person does it: a code from the admin (for the person
   * named by `reference`: a name, staff code or id), sent in chat from the contact `contactName`.
   */
  async bind(reference: string, contactName = reference): Promise<mock.ContactMock> {
    const { code } = await this.services.people.createBindCode(reference, {});
    const contact = this.contact(contactName);
    await this.sayAndWait(contactName, `绑定 ${code}`, '绑定成功');
    return contact;
  }

  /** A group chat with the bot and these people (contacts are created as needed). */
  room(topic: string, memberNames: string[]): mock.RoomMock {
    const members = memberNames.map((name) => this.contact(name));
    const room = this.mocker.createRoom({
      topic,
      memberIdList: [this.botUser.id, ...members.map((member) => member.id)],
    });
    this.roomMessages.set(topic, []);
    room.on('message', (message: mock.MessageMock) => {
      const text = this.textOf(message);
      const fromBot = message.talker().id === this.botUser.id;
      if (fromBot) this.roomMessages.get(topic)?.push(text);
      this.publish({ from: message.talker().payload.name, to: topic, room: topic, fromBot, text });
    });
    return room;
  }

  /** A person sends a file (a FileBox) to the bot in a private chat. */
  sendFile(name: string, file: FileBox): void {
    this.contact(name).say(file).to(this.botUser);
  }

  say(name: string, text: string, room?: mock.RoomMock, mentions: mock.ContactMock[] = []): void {
    const contact = this.contact(name);
    if (room) contact.say(text, mentions).to(room);
    else contact.say(text).to(this.botUser);
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

  private createBot(services: Services): Wechaty {
    const { options } = this;
    const suffix = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    return createChatBot({
      services,
      puppet: this.puppet,
      provider: mockProvider,
      botName: options.botName ?? `shenfa-mock-${suffix}`,
      outbox: options.outbox ?? immediateOutboxConfig,
      dataDir: this.dataDir,
      timeZone: 'Asia/Shanghai',
      auditDigest: {
        key: () => options.digestKey ?? 'mock-chat-digest-key-0123456789abcdef',
        directory: path.join(this.dataDir, 'audit-digests'),
      },
      logger: options.logger,
      processId: options.processId ?? `mock-chat-${suffix}`,
      deliveryOptions: options.deliveryOptions ?? { pollIntervalMs: 20 },
      spoolRetryMs: options.spoolRetryMs ?? 200,
    });
  }

  private publish(line: Omit<ChatLine, 'at'>): void {
    const seen = { at: new Date(), ...line };
    for (const observer of this.observers) observer(seen);
    if (seen.fromBot) for (const wake of this.waiters.splice(0)) wake();
  }

  private totalReceived(): number {
    return [...this.received.values(), ...this.roomMessages.values()].reduce(
      (sum, messages) => sum + messages.length,
      0,
    );
  }
}
