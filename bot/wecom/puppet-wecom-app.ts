/**
 * PuppetWecomApp: a Wechaty puppet over the official API of a WeCom / 政务微信 self-built app
 * (自建应用). No client to drive and no QR code: messages arrive at the app's callback URL (mounted on
 * our Koa server, `wecom-callback-routes.ts`) and leave through `message/send`. Private chats only —
 * a self-built app cannot be invited into group chats.
 *
 * Inbound: the route verifies and decrypts, answers at once, then hands the plaintext here; WeCom's
 * retries of one message (same MsgId; events: same user and time) are emitted once. Outbound: text,
 * files and images (through media/upload); a review request becomes an approval card whose button
 * clicks come back as the quoted reply the command parser already reads (wecom-card-rules.ts).
 *
 * Which cards were decided is not kept here but read from the draft (issue 21): a click names its
 * draft, version and step, and the draft's rules refuse it once that step is no longer open for the
 * clicker, so a bot restarted with none of the memory below still decides nothing twice. The memory
 * only keeps a repeated click within one run silent and finds the card to update.
 */
import { randomBytes } from 'node:crypto';
import * as PUPPET from 'wechaty-puppet';
import { FileBox } from 'file-box';
import type { FileBoxInterface } from 'file-box';
import type { Clock } from '../../src/shared/clock';
import { systemClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import type { Logger } from '../../src/shared/logger';
import { wecomAppProvider } from '../../src/people/organization-import-rules';
import { WecomApiClient } from './wecom-api-client';
import { parseCallbackXml } from './wecom-xml';
import type { CallbackSecrets } from './wecom-callback-crypto';
import { MemberSendCounter } from './wecom-send-limits';
import type { MemberSendLimits } from './wecom-send-limits';
import {
  buildApprovalCard,
  cardSettlementOf,
  clickAsQuotedReply,
  parseCardButtonKey,
  readRejectionReason,
  reviewRequestOf,
} from './wecom-card-rules';
import type { CardClick, CardSettlement } from './wecom-card-rules';
import { splitUtf8Text } from './wecom-text';
import { AibotLink } from './wecom-aibot-link';
import type { AibotSettings, AibotText } from './wecom-aibot-link';

/** The puppet's name, which is also the provider its chat identities are bound under. */
export const wecomAppPuppetName = wecomAppProvider;

export interface WecomAppSettings extends CallbackSecrets {
  agentId: number;
  /** The app's Secret (gettoken's corpsecret). */
  secret: string;
  /** https://qyapi.weixin.qq.com, or the 政务微信 tenant's API host. */
  apiBaseUrl: string;
  /** Review requests go out as cards with buttons (needs the callback URL set; off for tenants without cards). */
  approvalCards: boolean;
  /** The 智能机器人 that hears group @-mentions; null: private chats only. */
  aibot: AibotSettings | null;
}

/** Group chats are heard through the AI bot; their room ids carry this prefix before the chatid. */
const groupPrefix = 'wecom-group:';

export interface PuppetWecomAppOptions extends PUPPET.PuppetOptions {
  settings: WecomAppSettings;
  /** The bot's display name in transcripts and logs. */
  botName?: string;
  clock?: Clock;
  logger?: Logger;
  /** WeCom's documented per-member limits unless a tenant (or a test) has others. */
  memberLimits?: MemberSendLimits;
  /** The 查看全文 link of a card for `userId`, or null for none. */
  draftViewUrl?: (userId: string, code: string, version: number) => string | null;
}

/** Every message of a self-built app is a private one: from a member to the app. */
type PrivateMessage = PUPPET.payloads.MessageBase & PUPPET.payloads.MessageTo;

/** What the puppet keeps of a card it sent, to update it once the decision is recorded. */
interface SentCard {
  taskId: string;
  code: string;
  version: number;
  /** null for a card sent before cards named their step. */
  step: number | null;
  /** The freshest unused response_code: from the send, then from each click. */
  responseCode: string;
}

/** How long the reason for a 驳回 click is waited for. */
const rejectionReasonWindowMs = 10 * 60_000;
/** Callback keys remembered against WeCom's retries (3 tries within seconds). */
const rememberedCallbacks = 5000;
const rememberedMessages = 2000;
const rememberedCardsPerMember = 200;

export class PuppetWecomApp extends PUPPET.Puppet {
  /** WeCom's limit for one text message, in UTF-8 bytes (doc 90236); longer texts are split. */
  readonly maxTextBytes = 2048;
  /** Group chats exist only with the AI bot: a self-built app is never in one. */
  readonly supportsRooms: boolean;
  readonly api: WecomApiClient;
  readonly appUserId: string;

  private readonly settings: WecomAppSettings;
  private readonly clock: Clock;
  private readonly sendCounter: MemberSendCounter;
  private readonly aibot: AibotLink | null;
  private readonly messages = new Map<string, PUPPET.payloads.Message>();
  private readonly mediaOf = new Map<string, { mediaId: string; name: string }>();
  private readonly seenCallbacks = new Set<string>();
  /** Member → the cards sent to them and not settled yet, oldest first. */
  private readonly cards = new Map<string, SentCard[]>();
  /** Cards already clicked or settled: a further click does nothing. */
  private readonly closedTasks = new Set<string>();
  /** Member → the card they clicked last (answers that name no draft are about it). */
  private readonly lastClicked = new Map<string, SentCard>();
  /** Member → a 驳回 click whose reason the next text carries. */
  private readonly awaitingReason = new Map<string, { click: CardClick; at: number }>();

  constructor(private readonly wecomOptions: PuppetWecomAppOptions) {
    super(wecomOptions);
    this.settings = wecomOptions.settings;
    this.clock = wecomOptions.clock ?? systemClock;
    this.appUserId = `${wecomAppPuppetName}:${this.settings.agentId}`;
    this.sendCounter = new MemberSendCounter(wecomOptions.memberLimits);
    this.aibot = this.settings.aibot ? new AibotLink(this.settings.aibot, wecomOptions.logger) : null;
    this.supportsRooms = Boolean(this.aibot);
    this.api = new WecomApiClient({
      apiBaseUrl: this.settings.apiBaseUrl,
      corpId: this.settings.corpId,
      secret: this.settings.secret,
      clock: this.clock,
    });
  }

  override name(): string {
    return wecomAppPuppetName;
  }

  override version(): string {
    return '1.0.0';
  }

  async onStart(): Promise<void> {
    // Fail at start, not at the first message, when the corp id or secret is wrong.
    await this.api.accessToken();
    await this.aibot?.start((text) => this.receiveAibotText(text));
    setImmediate(() => this.login(this.appUserId));
  }

  async onStop(): Promise<void> {
    this.aibot?.stop();
    this.awaitingReason.clear();
  }

  /**
   * A text through the AI bot. In a group it is an @-mention of the bot (WeCom sends nothing else); a
   * quoted message is put back in front the way WeChat shows a quoted reply, so the parser binds the
   * decision to the quoted request and version as it does there.
   */
  private receiveAibotText(text: AibotText): void {
    if (!this.remember(`aibot:${text.msgid}`)) return;
    const written = text.quote ? `「${text.quote}」\n- - - - - - - - - - - - - - -\n${text.content}` : text.content;
    const base = { id: `aibot:${text.msgid}`, talkerId: text.userId, timestamp: text.createdAt, text: written };
    const type = PUPPET.types.Message.Text;
    if (!text.chatId) {
      this.emitMessage({ ...base, type, listenerId: this.appUserId });
      return;
    }
    const payload = { ...base, type, roomId: `${groupPrefix}${text.chatId}`, mentionIdList: [this.appUserId] };
    this.messages.set(payload.id, payload);
    this.emit('message', { messageId: payload.id });
  }

  /**
   * One decrypted callback (the route has checked signature, time and corp). Emits what it carries
   * as a chat message; a retry of one already taken is ignored.
   */
  async receive(plaintext: string): Promise<void> {
    const fields = parseCallbackXml(plaintext);
    if (!fields) return this.warn({}, 'wecom callback is not XML; ignored');
    if (fields.AgentID && Number(fields.AgentID) !== this.settings.agentId) {
      return this.warn({ agentId: fields.AgentID }, 'wecom callback for another app; ignored');
    }
    const from = fields.FromUserName ?? '';
    const key = fields.MsgId
      ? `msg:${fields.MsgId}`
      : `event:${from}:${fields.CreateTime}:${fields.Event}:${fields.EventKey ?? ''}`;
    if (!from || !this.remember(key)) return;
    const at = Number(fields.CreateTime) * 1000 || this.clock.now().getTime();
    const base = { talkerId: from, listenerId: this.appUserId, timestamp: at };
    switch (fields.MsgType) {
      case 'text':
        return this.receiveText({ ...base, id: fields.MsgId, type: PUPPET.types.Message.Text, text: fields.Content });
      case 'image':
      case 'file': {
        const image = fields.MsgType === 'image';
        const name = image ? `${fields.MsgId}.jpg` : (fields.FileName ?? fields.Title ?? fields.MsgId);
        this.mediaOf.set(fields.MsgId, { mediaId: fields.MediaId, name });
        trim(this.mediaOf, rememberedMessages);
        const type = image ? PUPPET.types.Message.Image : PUPPET.types.Message.Attachment;
        return this.emitMessage({ ...base, id: fields.MsgId, type, filename: name, text: '' });
      }
      case 'event':
        if (fields.Event === 'template_card_event') return this.receiveCardClick(from, fields, base);
        return;
      default:
        return this.emitMessage({ ...base, id: key, type: PUPPET.types.Message.Unknown, text: '' });
    }
  }

  /** A text after a 驳回 click is the reason (unless it is a command of its own or a cancel). */
  private async receiveText(payload: PrivateMessage): Promise<void> {
    const member = payload.talkerId;
    const pending = this.awaitingReason.get(member);
    if (pending && this.clock.now().getTime() - pending.at < rejectionReasonWindowMs) {
      const answer = readRejectionReason(payload.text ?? '');
      if (answer.kind !== 'other') this.awaitingReason.delete(member);
      if (answer.kind === 'reason') {
        return this.emitMessage({ ...payload, text: clickAsQuotedReply(pending.click, answer.reason) });
      }
      if (answer.kind === 'cancel') {
        this.reopenCard(member);
        await this.sendText(member, `已取消驳回 #${pending.click.code}，卡片上的按钮仍可使用。`);
        return;
      }
    }
    return this.emitMessage(payload);
  }

  private async receiveCardClick(
    member: string,
    fields: Record<string, string>,
    base: { talkerId: string; listenerId: string; timestamp: number },
  ): Promise<void> {
    const click = parseCardButtonKey(fields.EventKey ?? '');
    const taskId = fields.TaskId ?? '';
    if (!click || this.closedTasks.has(taskId)) return;
    this.closedTasks.add(taskId);
    trim(this.closedTasks, rememberedCallbacks);
    const card =
      this.cards.get(member)?.find((candidate) => candidate.taskId === taskId) ??
      // A card sent by an earlier run of the bot: known from its click, so the answer can still settle it.
      this.rememberCard(member, {
        taskId,
        code: click.code,
        version: click.version,
        step: click.step,
        responseCode: '',
      });
    if (fields.ResponseCode) card.responseCode = fields.ResponseCode;
    this.lastClicked.set(member, card);
    if (click.decision === 'reject') {
      this.awaitingReason.set(member, { click, at: this.clock.now().getTime() });
      await this.sendText(member, `请直接回复驳回 #${click.code} 的理由（10分钟内有效）；发送“取消”放弃驳回。`);
      return;
    }
    const id = `card:${taskId}:${fields.CreateTime}`;
    return this.emitMessage({ ...base, id, type: PUPPET.types.Message.Text, text: clickAsQuotedReply(click) });
  }

  private reopenCard(member: string): void {
    const card = this.lastClicked.get(member);
    if (card) this.closedTasks.delete(card.taskId);
  }

  private emitMessage(payload: PrivateMessage): void {
    this.messages.set(payload.id, payload);
    trim(this.messages, rememberedMessages);
    this.emit('message', { messageId: payload.id });
  }

  /** True the first time `key` is seen. */
  private remember(key: string): boolean {
    if (this.seenCallbacks.has(key)) return false;
    this.seenCallbacks.add(key);
    trim(this.seenCallbacks, rememberedCallbacks);
    return true;
  }

  override async messageRawPayload(id: string): Promise<PUPPET.payloads.Message> {
    const payload = this.messages.get(id);
    if (!payload) throw new AppError('WECOM_MESSAGE_UNKNOWN', `企业微信消息 ${id} 已不在缓存中`);
    return payload;
  }

  override async messageRawPayloadParser(payload: PUPPET.payloads.Message): Promise<PUPPET.payloads.Message> {
    return payload;
  }

  override async messageFile(id: string): Promise<FileBoxInterface> {
    const media = this.mediaOf.get(id);
    if (!media) throw new AppError('WECOM_MEDIA_UNKNOWN', `企业微信消息 ${id} 没有附件`);
    const downloaded = await this.api.downloadMedia(media.mediaId);
    return FileBox.fromBuffer(downloaded.content, media.name || downloaded.name);
  }

  override async messageImage(id: string): Promise<FileBoxInterface> {
    return this.messageFile(id);
  }

  override async contactRawPayload(id: string): Promise<PUPPET.payloads.Contact> {
    const base = { id, gender: PUPPET.types.ContactGender.Unknown, type: PUPPET.types.Contact.Individual };
    if (id === this.appUserId) return { ...base, name: this.wecomOptions.botName ?? '审发', avatar: '', phone: [] };
    try {
      const user = await this.api.getUser(id);
      return { ...base, name: user.name || id, avatar: '', phone: [], coworker: true, friend: true };
    } catch (error) {
      // Apps created since 2022 may not read names: the UserID stands in; identity is the binding anyway.
      this.warn({ err: error, userId: id }, 'wecom user/get failed; using the UserID as the name');
      return { ...base, name: id, avatar: '', phone: [], coworker: true, friend: true };
    }
  }

  override async contactRawPayloadParser(payload: PUPPET.payloads.Contact): Promise<PUPPET.payloads.Contact> {
    return payload;
  }

  override async contactList(): Promise<string[]> {
    return [this.appUserId];
  }

  override async roomList(): Promise<string[]> {
    return [];
  }

  override async roomRawPayload(id: string): Promise<PUPPET.payloads.Room> {
    if (!id.startsWith(groupPrefix)) throw new AppError('WECOM_ROOM_UNKNOWN', `不是企业微信群聊：${id}`);
    // The AI bot learns no group name or member list; the chatid stands in for the topic.
    return { id, topic: id.slice(groupPrefix.length), memberIdList: [], adminIdList: [] };
  }

  override async roomRawPayloadParser(payload: PUPPET.payloads.Room): Promise<PUPPET.payloads.Room> {
    return payload;
  }

  override async messageSendText(conversationId: string, text: string): Promise<void> {
    if (conversationId.startsWith(groupPrefix)) {
      if (!this.aibot) throw new AppError('WECOM_NO_GROUPS', '未配置企业微信智能机器人，不能在群聊中发消息');
      for (const piece of splitUtf8Text(text, this.maxTextBytes)) {
        await this.aibot.send(conversationId.slice(groupPrefix.length), piece);
      }
      return;
    }
    const request = this.settings.approvalCards ? reviewRequestOf(text) : null;
    if (request) await this.sendCard(conversationId, request);
    else await this.sendText(conversationId, text);
    const settlement = cardSettlementOf(text, this.lastClicked.get(conversationId)?.code ?? null);
    if (settlement) await this.settleCard(conversationId, settlement);
  }

  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<void> {
    const content = await file.toBuffer();
    const image = /^image\/(png|jpe?g)$/.test(file.mediaType) && content.length <= 10 * 1024 * 1024;
    this.sendCounter.take(conversationId, this.clock.now());
    const mediaId = await this.api.uploadMedia(image ? 'image' : 'file', file.name, content);
    const type = image ? 'image' : 'file';
    await this.send(conversationId, { msgtype: type, [type]: { media_id: mediaId } });
  }

  /** Text in pieces of at most `maxTextBytes`; the per-member limits are checked for all pieces first. */
  private async sendText(member: string, text: string): Promise<void> {
    const pieces = splitUtf8Text(text, this.maxTextBytes);
    this.sendCounter.take(member, this.clock.now(), pieces.length);
    for (const piece of pieces) await this.send(member, { msgtype: 'text', text: { content: piece } });
  }

  private async sendCard(member: string, request: NonNullable<ReturnType<typeof reviewRequestOf>>): Promise<void> {
    this.sendCounter.take(member, this.clock.now());
    const taskId = `${request.code}-${request.version}-${randomBytes(8).toString('hex')}`;
    const viewUrl = this.wecomOptions.draftViewUrl?.(member, request.code, request.version) ?? null;
    const template_card = buildApprovalCard(request, taskId, viewUrl);
    const answer = await this.send(member, { msgtype: 'template_card', template_card });
    const { code, version, step } = request;
    this.rememberCard(member, { taskId, code, version, step, responseCode: answer.response_code ?? '' });
  }

  private rememberCard(member: string, card: SentCard): SentCard {
    this.cards.set(member, [...(this.cards.get(member) ?? []), card].slice(-rememberedCardsPerMember));
    return card;
  }

  /**
   * Shows on the card who decided and disables its buttons: the card the member clicked when the answer
   * is about its draft (and step, when it names one), else their latest such card. A failure is logged;
   * the message stands.
   */
  private async settleCard(member: string, settlement: NonNullable<CardSettlement>): Promise<void> {
    const { code, step, label } = settlement;
    const about = (card: SentCard | undefined) =>
      card?.code === code && (step === null || card.step === null || card.step === step);
    const cards = this.cards.get(member) ?? [];
    const clicked = this.lastClicked.get(member);
    const card = about(clicked) ? clicked : cards.findLast(about);
    if (!card?.responseCode) return;
    this.cards.set(
      member,
      cards.filter((candidate) => candidate !== card),
    );
    if (clicked === card) this.lastClicked.delete(member);
    this.closedTasks.add(card.taskId);
    try {
      await this.api.updateTemplateCard({
        userids: [member],
        agentid: this.settings.agentId,
        response_code: card.responseCode,
        button: { replace_name: label },
      });
    } catch (error) {
      this.warn({ err: error, member, code }, 'wecom card update failed');
    }
  }

  private async send(member: string, message: Record<string, unknown>) {
    if (member.includes('@')) {
      throw new AppError('WECOM_NO_GROUPS', '企业微信自建应用不能在群聊中发消息');
    }
    const answer = await this.api.sendMessage({ touser: member, agentid: this.settings.agentId, ...message });
    const refused = [answer.invaliduser, answer.unlicenseduser].some((list) => list?.split('|').includes(member));
    if (refused) {
      throw new AppError('WECOM_RECIPIENT_INVALID', `企业微信成员 ${member} 不存在、不在应用可见范围或未获许可`, {
        status: 502,
      });
    }
    return answer;
  }

  private warn(context: Record<string, unknown>, message: string): void {
    this.wecomOptions.logger?.warn(context, message);
  }
}

function trim<T>(collection: Set<T> | Map<T, unknown>, max: number): void {
  if (collection.size <= max) return;
  for (const key of collection.keys()) {
    collection.delete(key);
    if (collection.size <= max) return;
  }
}
