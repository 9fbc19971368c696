/**
 * The real chat bot on wechaty-puppet-mock (see chat-world.ts): a mock chat world with the bot logged
 * in and a mock contact per person. The chat tests, `npm run demo` and the approval-flow benchmark
 * drive the bot through it; nothing here is used by the production bot.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileBox } from 'file-box';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Services } from '../src/services';
import { ChatWorld, botDisplayName } from './chat-world';
import type { ChatContact, ChatWorldOptions } from './chat-world';

export { botDisplayName, immediateOutboxConfig } from './chat-world';
export type { ChatLine } from './chat-world';

export const mockProvider = 'wechaty-puppet-mock';

export type MockChatOptions = ChatWorldOptions;

export class MockChat extends ChatWorld {
  readonly provider = mockProvider;
  readonly supportsRooms = true;
  readonly contacts = new Map<string, mock.ContactMock>();
  mocker = new mock.Mocker();
  botUser: mock.ContactMock;
  private puppet = new PuppetMock({ mocker: this.mocker });

  constructor(options: MockChatOptions) {
    super(options);
    this.bot = this.createBot(options.services, this.puppet);
    this.botUser = this.mocker.createContact({ name: botDisplayName });
  }

  /** Starts the bot and logs it in to the mock chat. */
  async start(): Promise<void> {
    await this.bot.start();
    this.mocker.login(this.botUser);
    await sleep(50);
  }

  /**
   * A new bot over `services` and a new puppet, in a new mock chat world whose contacts keep their ids
   * (as a real chat account's contacts do). puppet-mock allows one puppet per mock world, hence the new world.
   */
  async restartBot(services: Services): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    this.services = services;
    this.mocker = new mock.Mocker();
    this.puppet = new PuppetMock({ mocker: this.mocker });
    this.bot = this.createBot(services, this.puppet);
    await this.bot.start();
    this.botUser = this.mocker.createContact({ id: this.botUser.id, name: this.botUser.payload.name });
    for (const [name, contact] of [...this.contacts]) {
      this.listen(name, this.mocker.createContact({ id: contact.id, name }));
    }
    this.mocker.login(this.botUser);
    await sleep(50);
  }

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
        this.receivedBy(name, text);
      } else if (message.talker().id === contact.id) {
        this.publish({ from: name, to: message.listener()?.payload.name ?? '', room: '', fromBot: false, text });
      }
    });
    return contact;
  }

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

  sendFile(name: string, file: FileBox): void {
    this.contact(name).say(file).to(this.botUser);
  }

  say(name: string, text: string, room?: unknown, mentions: ChatContact[] = []): void {
    const contact = this.contact(name);
    if (room) {
      const mentioned = mentions.map((mention) =>
        mention.id === this.botUser.id ? this.botUser : this.mocker.ContactMock.load(mention.id),
      );
      contact.say(text, mentioned).to(room as mock.RoomMock);
    } else contact.say(text).to(this.botUser);
  }
}
