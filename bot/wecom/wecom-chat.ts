/**
 * The real chat bot on PuppetWecomApp against a local fake WeCom server (see chat-world.ts): each
 * person is a member of the fake corp, their messages reach the bot as encrypted, signed callbacks on
 * the app's callback route (mounted on a Koa server as in production), and what the app sends shows in
 * their WeCom client — cards included, whose buttons a person can click. For the chat tests and
 * `npm run demo -- --channel wecom`; nothing here is used by the production bot.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import type { FileBox } from 'file-box';
import type { Services } from '../../src/services';
import { systemClock } from '../../src/shared/clock';
import { ChatWorld } from '../chat-world';
import type { ChatContact, ChatWorldOptions } from '../chat-world';
import type { PuppetWecomApp } from './puppet-wecom-app';
import { WecomChannel, viewDraftText, wecomAppPuppetName } from './wecom-channel';
import { FakeWecomServer } from './fake-wecom-server';
import { FakeAibotServer } from './fake-aibot-server';
import type { CallbackAnswer, FakeWecomDelivery } from './fake-wecom-server';
import type { MemberSendLimits } from './wecom-send-limits';

export interface WecomChatOptions extends ChatWorldOptions {
  /** The per-member limits of the fake server and the puppet; WeCom's own unless given. */
  memberLimits?: MemberSendLimits;
}

const agentId = 1000002;

export class WecomChat extends ChatWorld {
  readonly provider = wecomAppPuppetName;
  /** Group chats through the 智能机器人 (a second, WebSocket fake). */
  readonly supportsRooms = true;
  readonly botUser: ChatContact = { id: `${wecomAppPuppetName}:${agentId}` };
  readonly fake: FakeWecomServer;
  readonly aibot = new FakeAibotServer({
    botId: `aib${randomBytes(6).toString('hex')}`,
    secret: randomBytes(12).toString('hex'),
  });
  /** Group topic → chatid. */
  private readonly chatIds = new Map<string, string>();
  /** Display name → the member's UserID. */
  readonly userIds = new Map<string, string>();
  /** What each callback got as its answer (status 200 and an empty body, unless refused). */
  readonly callbackAnswers: CallbackAnswer[] = [];
  private channel: WecomChannel | null = null;
  private callbackServer: http.Server | null = null;
  private readonly secrets = {
    corpId: `ww${randomBytes(8).toString('hex')}`,
    secret: randomBytes(21).toString('base64url'),
    token: randomBytes(8).toString('hex'),
    encodingAesKey: randomBytes(32).toString('base64').slice(0, 43).replace(/[+/]/g, 'A'),
  };

  constructor(private readonly wecomOptions: WecomChatOptions) {
    super(wecomOptions);
    this.fake = new FakeWecomServer({ ...this.secrets, agentId, limits: wecomOptions.memberLimits });
    this.fake.onDelivered((delivery) => {
      for (const name of this.namesOf([delivery.touser])) this.receivedBy(name, delivery.text);
    });
    this.aibot.onSent((send) => {
      const topic = [...this.chatIds].find(([, chatId]) => chatId === send.chatId)?.[0];
      if (!topic) return;
      this.roomMessages.get(topic)?.push(send.content);
      this.publish({ from: '审发', to: topic, room: topic, fromBot: true, text: send.content });
    });
    this.fake.onCardUpdated((update) => {
      for (const name of this.namesOf(update.userids)) {
        this.publish({ from: '审发', to: name, room: '', fromBot: false, text: `[卡片已更新] ${update.replaceName}` });
      }
    });
  }

  private namesOf(userIds: string[]): string[] {
    return [...this.userIds].filter(([, userId]) => userIds.includes(userId)).map(([name]) => name);
  }

  get puppet(): PuppetWecomApp {
    const puppet = this.channel?.puppet;
    if (!puppet) throw new Error('the WeCom chat has not started');
    return puppet;
  }

  async start(): Promise<void> {
    const apiBaseUrl = await this.fake.start();
    const aibotWsUrl = await this.aibot.start();
    // The callback server first: its address is the public base URL of the cards' 查看全文 links.
    const app = new Koa();
    app.use((ctx, next) => {
      const routes = this.channel?.router.routes();
      return routes ? routes(ctx as Parameters<typeof routes>[0], next) : next();
    });
    this.callbackServer = http.createServer(app.callback());
    await new Promise<void>((resolve) => this.callbackServer?.listen(0, '127.0.0.1', resolve));
    const address = this.callbackServer.address();
    const publicBaseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    this.fake.callbackUrl = `${publicBaseUrl}/wecom/callback`;
    this.channel = new WecomChannel({
      config: {
        ...this.secrets,
        agentId,
        apiBaseUrl,
        callbackPath: '/wecom/callback',
        publicBaseUrl,
        approvalCards: true,
        aibotId: this.aibot.credentials.botId,
        aibotSecret: this.aibot.credentials.secret,
        aibotWsUrl,
      },
      botName: '审发',
      clock: systemClock,
      logger: this.options.logger,
      memberLimits: this.wecomOptions.memberLimits,
      viewDraft: async (userId, code) => {
        const person = await this.services.people.findPersonByChatIdentity(wecomAppPuppetName, userId);
        if (!person) return '您尚未绑定身份，不能查看稿件。';
        return viewDraftText(() => this.services.drafts.viewDraft({ personId: person.id, via: 'test' }, code));
      },
    });
    await this.startBot(this.services);
  }

  async restartBot(services: Services): Promise<void> {
    await this.bot.stop();
    await this.services.audit.settle();
    this.services = services;
    await this.startBot(services);
  }

  private async startBot(services: Services): Promise<void> {
    if (!this.channel) throw new Error('the WeCom chat has not started');
    this.bot = this.createBot(services, this.channel.createPuppet());
    await this.bot.start();
    for (let waited = 0; !this.bot.isLoggedIn; waited += 10) {
      if (waited > 10_000) throw new Error('PuppetWecomApp did not log in');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** A member with a known UserID (as the organization file may give it). */
  member(name: string, userId: string): ChatContact {
    if (!this.userIds.has(name)) {
      this.userIds.set(name, userId);
      this.received.set(name, []);
      this.fake.addUser(userId, name);
    }
    return this.contact(name);
  }

  contact(name: string): ChatContact {
    let userId = this.userIds.get(name);
    if (!userId) {
      userId = `user${this.userIds.size + 1}-${randomBytes(3).toString('hex')}`;
      this.userIds.set(name, userId);
      this.received.set(name, []);
      this.fake.addUser(userId, name);
    }
    return { id: userId };
  }

  say(name: string, text: string, room?: unknown, mentions: ChatContact[] = []): void {
    const { id } = this.contact(name);
    if (room) {
      const topic = String(room);
      this.publish({ from: name, to: topic, room: topic, fromBot: false, text });
      // WeCom hands the AI bot only the group messages that @-mention it.
      if (mentions.some((mention) => mention.id === this.botUser.id)) {
        this.aibot.mention(this.chatIds.get(topic) ?? '', id, text);
      }
      return;
    }
    this.publish({ from: name, to: '审发', room: '', fromBot: false, text });
    void this.fake.sendText(id, text).then((answer) => this.callbackAnswers.push(answer));
  }

  sendFile(name: string, file: FileBox): void {
    const { id } = this.contact(name);
    this.publish({ from: name, to: '审发', room: '', fromBot: false, text: `[文件] ${file.name}` });
    void file
      .toBuffer()
      .then((content) => this.fake.sendFile(id, file.name, content, /\.(png|jpe?g)$/i.test(file.name)))
      .then((answer) => this.callbackAnswers.push(answer));
  }

  /** A group chat with the AI bot in it; its handle is the topic. */
  room(topic: string, memberNames: string[]): string {
    for (const name of memberNames) this.contact(name);
    if (!this.chatIds.has(topic)) this.chatIds.set(topic, `wr${randomBytes(10).toString('hex')}`);
    this.roomMessages.set(topic, []);
    return topic;
  }

  /** `name` quotes a message in group `topic` and @-mentions the bot with `text`. */
  quoteInRoom(name: string, topic: string, quoted: string, text: string): void {
    this.publish({ from: name, to: topic, room: topic, fromBot: false, text: `「${quoted.split('\n')[0]}…」 ${text}` });
    this.aibot.mention(this.chatIds.get(topic) ?? '', this.contact(name).id, text, quoted);
  }

  /** The latest approval card `name` received for draft `code`. */
  cardFor(name: string, code: string): NonNullable<FakeWecomDelivery['card']> {
    const userId = this.contact(name).id;
    const delivery = this.fake.delivered.findLast(
      (candidate) => candidate.touser === userId && candidate.card && candidate.text.includes(`#${code}`),
    );
    if (!delivery?.card) throw new Error(`${name} has no card for #${code}`);
    return delivery.card;
  }

  /** `name` clicks a button (同意 / 驳回) on a card; resolves with the callback's answer. */
  async clickCard(name: string, card: NonNullable<FakeWecomDelivery['card']>, button: string): Promise<CallbackAnswer> {
    this.publish({ from: name, to: '审发', room: '', fromBot: false, text: `[点击卡片按钮] ${button}` });
    return this.fake.clickCard(this.contact(name).id, card, button);
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.callbackServer?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.callbackServer ? this.callbackServer.close(() => resolve()) : resolve(),
    );
    await this.fake.stop();
    await this.aibot.stop();
  }
}
