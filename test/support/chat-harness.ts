/**
 * The real chat bot on wechaty-puppet-mock over the real database: people from the sample
 * organisation, each with a mock chat contact bound by a one-time code sent in chat, and what each
 * contact receives from the bot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Wechaty } from 'wechaty';
import { createServices } from '../../src/services';
import type { Services } from '../../src/services';
import { createChatBot } from '../../bot/shenfa-bot';
import { createLogger } from '../../src/shared/logger';
import { systemClock } from '../../src/shared/clock';
import type { Clock } from '../../src/shared/clock';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;

export const sampleOrganization = path.resolve(__dirname, '..', '..', 'docs', 'sample-organization.json');
export const provider = 'wechaty-puppet-mock';

export interface HarnessOptions {
  clock?: Clock;
  /** Import the sample organisation (default true). */
  importSample?: boolean;
}

export class ChatHarness {
  readonly contacts = new Map<string, ContactMock>();
  readonly received = new Map<string, string[]>();
  /** What the bot said in each group chat, by topic. */
  readonly roomMessages = new Map<string, string[]>();
  private readonly waiters: (() => void)[] = [];

  private constructor(
    public services: Services,
    public bot: Wechaty,
    public mocker: mock.Mocker,
    public botUser: ContactMock,
    private readonly dataDir: string,
    private readonly startBot: (services: Services, puppet: PuppetMock) => Wechaty,
    private readonly clock: Clock,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<ChatHarness> {
    const clock = options.clock ?? systemClock;
    const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    const services = createServices({ clock, logger });
    if (options.importSample !== false) {
      await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-chat-'));
    const mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    const startBot = (botServices: Services, botPuppet: PuppetMock) =>
      createChatBot({
        services: botServices,
        puppet: botPuppet,
        provider,
        botName: `shenfa-test-${process.pid}-${Math.random()}`,
        outbox: { perContactIntervalMs: 0, perMinuteLimit: 100_000, jitterMs: 0, maxAttempts: 3, retryBaseMs: 10 },
        dataDir,
        timeZone: 'Asia/Shanghai',
        auditDigest: {
          key: () => 'chat-harness-digest-key-0123456789abcdef',
          directory: path.join(dataDir, 'audit-digests'),
        },
        logger,
        processId: `test-${process.pid}-${Math.random()}`,
        deliveryOptions: { pollIntervalMs: 20 },
        spoolRetryMs: 200,
      });
    const bot = startBot(services, puppet);
    await bot.start();
    const botUser = mocker.createContact({ name: '审发' });
    mocker.login(botUser);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return new ChatHarness(services, bot, mocker, botUser, dataDir, startBot, clock);
  }

  /**
   * What a restart of the bot process leaves: nothing but what is stored. The bot stops; a new bot
   * with fresh services and a new puppet starts on the same database, in a new mock chat world whose
   * contacts keep their ids (as a real chat account's contacts do).
   */
  async restart(): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    this.services = createServices({ clock: this.clock, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
    this.mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker: this.mocker });
    this.bot = this.startBot(this.services, puppet);
    await this.bot.start();
    this.botUser = this.mocker.createContact({ id: this.botUser.id, name: this.botUser.payload.name });
    for (const [name, contact] of [...this.contacts]) {
      this.contacts.delete(name);
      this.listen(name, this.mocker.createContact({ id: contact.id, name }));
    }
    this.mocker.login(this.botUser);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** A chat contact for a person of the organisation (or a stranger), not yet bound. */
  contact(name: string): ContactMock {
    const existing = this.contacts.get(name);
    if (existing) return existing;
    this.received.set(name, []);
    return this.listen(name, this.mocker.createContact({ name }));
  }

  private listen(name: string, contact: ContactMock): ContactMock {
    this.contacts.set(name, contact);
    contact.on('message', (message: { talker(): { id: string }; text(): string | undefined }) => {
      if (message.talker().id !== this.botUser.id) return;
      this.received.get(name)?.push(message.text() ?? '');
      for (const wake of this.waiters.splice(0)) wake();
    });
    return contact;
  }

  /**
   * Binds a person of the organisation the way a person does it: a code from the admin (for the person
   * named by `reference`: a name, staff code or id), sent in chat from the contact `contactName`.
   */
  async bind(reference: string, contactName = reference): Promise<ContactMock> {
    const { code } = await this.services.people.createBindCode(reference, {});
    const contact = this.contact(contactName);
    await this.sayAndWait(contactName, `绑定 ${code}`, '绑定成功');
    return contact;
  }

  /** A group chat with the bot and these people (contacts are created as needed). */
  room(topic: string, memberNames: string[]): RoomMock {
    const members = memberNames.map((name) => this.contact(name));
    const room = this.mocker.createRoom({
      topic,
      memberIdList: [this.botUser.id, ...members.map((member) => member.id)],
    });
    this.roomMessages.set(topic, []);
    room.on('message', (message: { talker(): { id: string }; text(): string | undefined }) => {
      if (message.talker().id !== this.botUser.id) return;
      this.roomMessages.get(topic)?.push(message.text() ?? '');
      for (const wake of this.waiters.splice(0)) wake();
    });
    return room;
  }

  say(name: string, text: string, room?: RoomMock, mentions: ContactMock[] = []): void {
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

  /** Waits until nothing new arrives for a moment, so a test can assert that something was NOT sent. */
  async settle(quietMs = 400): Promise<void> {
    let count = -1;
    while (count !== this.totalReceived()) {
      count = this.totalReceived();
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  private totalReceived(): number {
    return [...this.received.values(), ...this.roomMessages.values()].reduce(
      (sum, messages) => sum + messages.length,
      0,
    );
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
