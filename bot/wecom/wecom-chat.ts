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
import type { CallbackAnswer, FakeWecomDelivery } from './fake-wecom-server';
import type { MemberSendLimits } from './wecom-send-limits';

export interface WecomChatOptions extends ChatWorldOptions {
  /** The per-member limits of the fake server and the puppet; WeCom's own unless given. */
  memberLimits?: MemberSendLimits;
}

const agentId = 1000002;

export class WecomChat extends ChatWorld {
  readonly provider = wecomAppPuppetName;
  readonly supportsRooms = false;
  readonly botUser: ChatContact = { id: `${wecomAppPuppetName}:${agentId}` };
  readonly fake: FakeWecomServer;
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

  say(name: string, text: string, room?: unknown): void {
    if (room) throw new Error('a WeCom self-built app is in no group chat');
    const { id } = this.contact(name);
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

  room(): never {
    throw new Error('a WeCom self-built app cannot be invited into group chats (WECOM.md, Groups)');
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
  }
}
