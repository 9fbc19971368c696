/**
 * The chat bot: a Wechaty instance with two plugins — chat commands (inbound) and outbox delivery
 * (outbound) — over the same services as the API. Handlers never let a rejection escape; a message
 * that finds the database away is spooled and its sender told so.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FileBox } from 'file-box';
import type { FileBoxInterface } from 'file-box';
import { WechatyBuilder } from 'wechaty';
import type { Message, Wechaty as WechatyInterface, WechatyPlugin } from 'wechaty';
import type { Puppet } from 'wechaty-puppet';
import { AppError, DatabaseUnavailableError } from '../src/shared/errors';
import { wellFormed } from '../src/shared/text-normalization';
import type { Logger } from '../src/shared/logger';
import { OutboxDelivery } from '../src/outbox/outbox-delivery';
import type { DeliverableMessage, OutboxDeliveryOptions } from '../src/outbox/outbox-delivery';
import { deadLetterAlertKey } from '../src/outbox/outbox-rules';
import { describeDigest } from '../src/audit/audit-chain-rules';
import { splitMessage } from '../src/outbox/message-length-rules';
import type { OutboxConfig } from '../src/shared/config';
import type { Services } from '../src/services';
import { ChatCommandHandler, apologize } from './chat-command-handler';
import type { InboundChatMessage } from './chat-command-handler';
import { InboundSpool } from './inbound-spool';
import { ConversationOrder, conversationKey } from './conversation-order';
import { RegistryChatCommands } from './registry-chat-commands';
import { InquiryChatCommands } from './inquiry-chat-commands';
import { maskPersonalData } from '../src/content-check/content-check-rules';

export interface ShenfaBotDependencies {
  name: string;
  puppet: Puppet | string;
  puppetOptions?: Record<string, unknown>;
  handler: ChatCommandHandler;
  spool: InboundSpool;
  /** Builds the delivery loop once the bot can send. */
  createDelivery: (send: (message: DeliverableMessage) => Promise<void>) => OutboxDelivery;
  /** Subscribes to enqueues in this process (Outbox.onEnqueued); returns the unsubscribe. */
  onOutboxEnqueued?: (listener: () => void) => () => void;
  /** Contact ids of a person's chat identities on this puppet. */
  contactIdsOf: (personId: string) => Promise<string[]>;
  logger: Logger;
  spoolRetryMs?: number;
  /** Where received files are kept. */
  attachmentDirectory: string;
}

export function createShenfaBot(dependencies: ShenfaBotDependencies): WechatyInterface {
  const bot = WechatyBuilder.build({
    name: dependencies.name,
    puppet: dependencies.puppet as never,
    puppetOptions: dependencies.puppetOptions,
  });
  const logError = throttledErrorLogger(dependencies.logger);
  // Before a login, errors are the puppet failing to connect: whoever starts the bot reports that once.
  bot.on('error', (error) =>
    bot.isLoggedIn ? logError(error) : dependencies.logger.debug({ reason: error.message }, 'chat error before login'),
  );
  bot.use(chatCommandsPlugin(dependencies), outboxDeliveryPlugin(dependencies));
  return bot;
}

/**
 * Puppets retry a lost connection on their own and report every attempt; the log gets the first of
 * each distinct error and, once a minute, how many repeats were left out.
 */
function throttledErrorLogger(logger: Logger, windowMs = 60_000): (error: Error) => void {
  const seen = new Map<string, { since: number; repeats: number }>();
  return (error) => {
    const key = error.message;
    const now = Date.now();
    const entry = seen.get(key);
    if (entry && now - entry.since < windowMs) {
      entry.repeats += 1;
      return;
    }
    const repeats = entry?.repeats ?? 0;
    seen.set(key, { since: now, repeats: 0 });
    logger.error({ err: error, repeatsSinceLastLogged: repeats }, 'chat bot error');
  };
}

/**
 * Inbound: text and forwarded articles become commands; in group chats only when @-mentioned. Each
 * conversation's messages are taken in (noted in flight) as they arrive and handled one after another,
 * in arrival order; different conversations are handled side by side.
 */
export function chatCommandsPlugin(dependencies: ShenfaBotDependencies): WechatyPlugin {
  return (bot: WechatyInterface) => {
    const { handler, spool, logger } = dependencies;
    const order = new ConversationOrder();
    const drainSpool = () =>
      void spool
        .drain((snapshot) => handler.handle(snapshot))
        .catch((error: unknown) => logger.error({ err: error }, 'spool drain failed'));
    const handle = async (snapshot: InboundChatMessage, message: Message) => {
      try {
        if (spool.holds(snapshot)) {
          // Older messages of this conversation wait in the spool: this one goes behind them.
          spool.add(snapshot);
          drainSpool();
          return;
        }
        await handler.handle(snapshot);
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) {
          // Not even the reply could be queued: answered directly, like the database-away reply below.
          await message.say(apologize(logger.child({ chatMessageId: snapshot.id }), error, 'chat message failed'));
          return;
        }
        spool.add(snapshot);
        logger.warn({ chatMessageId: snapshot.id }, 'database unavailable, chat message spooled');
        // The one reply not sent through the outbox: the outbox lives in the database that is away.
        await message.say('系统暂时无法访问数据库，您的消息已暂存，恢复后会自动处理并回复，请勿重复发送。');
      } finally {
        spool.finish(snapshot);
      }
    };
    // Handlings a previous process began and never finished go first, through the spool.
    spool.recoverInterrupted();
    drainSpool();
    const onMessage = (message: Message) => {
      const arrival = spool.arrival();
      const room = message.room();
      const key = conversationKey({ roomId: room?.id ?? '', contactId: message.talker().id });
      const logFailure = (error: unknown) =>
        logger.error({ err: error, chatMessageId: message.id }, 'chat message failed');
      // Taken in at once (files stored, noted in flight), so a crash while it waits its turn loses nothing.
      const takenIn = snapshotOf(bot, message, dependencies.attachmentDirectory).then(
        (snapshot) => {
          if (snapshot) spool.begin(snapshot, arrival);
          return snapshot;
        },
        (error: unknown) => {
          // A private message is answered even when it could not be taken in (its file could not be stored).
          if (room || message.self()) logFailure(error);
          else
            void message
              .say(apologize(logger.child({ chatMessageId: message.id }), error, 'chat message failed'))
              .catch(logFailure);
          return null;
        },
      );
      void order.run(
        key,
        async () => {
          const snapshot = await takenIn;
          if (snapshot) await handle(snapshot, message);
        },
        logFailure,
      );
    };
    // Retried while this bot runs; a stopped bot leaves the spool to the bot that replaces it.
    let timer: NodeJS.Timeout | undefined;
    const startRetrying = () => {
      timer ??= setInterval(drainSpool, dependencies.spoolRetryMs ?? 5000);
      timer.unref();
    };
    const stopRetrying = () => {
      clearInterval(timer);
      timer = undefined;
    };
    startRetrying();
    bot.on('start', startRetrying);
    bot.on('stop', stopRetrying);
    bot.on('message', onMessage);
    return () => {
      stopRetrying();
      bot.off('start', startRetrying);
      bot.off('stop', stopRetrying);
      bot.off('message', onMessage);
    };
  };
}

async function snapshotOf(
  bot: WechatyInterface,
  message: Message,
  attachmentDirectory: string,
): Promise<InboundChatMessage | null> {
  if (message.self()) return null;
  const room = message.room();
  if (room && !(await message.mentionSelf())) return null;
  const talker = message.talker();
  const base = {
    id: message.id,
    contactId: talker.id,
    contactName: talker.name(),
    roomId: room?.id ?? '',
    receivedAt: message.date().toISOString(),
  };
  switch (message.type()) {
    case bot.Message.Type.Text:
      return { ...base, text: message.text() };
    case bot.Message.Type.Url: {
      const link = await message.toUrlLink();
      return {
        ...base,
        text: '',
        link: { url: link.url(), title: link.title(), description: link.description() ?? '' },
      };
    }
    case bot.Message.Type.Attachment:
    case bot.Message.Type.Image: {
      const file = await storeAttachment(await message.toFileBox(), attachmentDirectory);
      return file ? { ...base, text: '', file } : { ...base, text: '' };
    }
    default:
      return { ...base, text: '' };
  }
}

const maxAttachmentBytes = 20 * 1024 * 1024;

/**
 * Keeps a received file under the data folder, named by its SHA-256 (the hash an approval binds to),
 * before the message is handled, so a spooled message still finds its file. Too large → not kept.
 */
async function storeAttachment(file: FileBoxInterface, directory: string): Promise<InboundChatMessage['file'] | null> {
  const content = await file.toBuffer();
  if (content.length > maxAttachmentBytes) return null;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const name = path.basename(wellFormed(file.name || 'attachment'));
  const storagePath = path.join(directory, `${sha256}${path.extname(name).toLowerCase()}`);
  await fs.mkdir(directory, { recursive: true });
  await fs.writeFile(storagePath, content, { flag: 'w' });
  return { name, mimeType: file.mediaType || 'application/octet-stream', size: content.length, sha256, storagePath };
}

/** Outbound: drains the outbox while logged in. */
export function outboxDeliveryPlugin(dependencies: ShenfaBotDependencies): WechatyPlugin {
  return (bot: WechatyInterface) => {
    const send = async (message: DeliverableMessage) => {
      const { roomId, contactId, personId } = message.recipient;
      // Base64 rather than a path: every puppet can send it, and it needs no file on the chat side.
      // A text the puppet says is too long for its channel goes in parts (the outbox split it for the configured limit).
      const contents = message.file
        ? [FileBox.fromBase64((await fs.readFile(message.file.path)).toString('base64'), message.file.name)]
        : splitMessage(message.text, puppetMessageLimit(bot));
      if (roomId) {
        const room = await bot.Room.find({ id: roomId });
        if (!room) throw new AppError('CHAT_ROOM_NOT_FOUND', `找不到群聊 ${roomId}`);
        for (const content of contents) await room.say(content);
        return;
      }
      const contactIds = contactId ? [contactId] : personId ? await dependencies.contactIdsOf(personId) : [];
      if (contactIds.length === 0) {
        throw new AppError('RECIPIENT_NOT_BOUND', '收件人尚未绑定聊天身份，无法送达');
      }
      for (const id of contactIds) {
        const contact = await bot.Contact.find({ id });
        if (!contact) throw new AppError('CHAT_CONTACT_NOT_FOUND', `找不到联系人 ${id}`);
        for (const content of contents) await contact.say(content);
      }
    };
    const delivery = dependencies.createDelivery(send);
    const stopWaking = dependencies.onOutboxEnqueued?.(() => delivery.wake());
    const onLogin = () => delivery.start();
    const onLogout = () => void delivery.stop();
    bot.on('login', onLogin);
    bot.on('logout', onLogout);
    bot.on('stop', onLogout);
    return () => {
      bot.off('login', onLogin);
      bot.off('logout', onLogout);
      bot.off('stop', onLogout);
      stopWaking?.();
      void delivery.stop();
    };
  };
}

/** The longest message (UTF-8 bytes) the puppet says its channel takes, if it says (`maxMessageBytes`). */
function puppetMessageLimit(bot: WechatyInterface): number {
  const exposed = (bot.puppet as unknown as { maxMessageBytes?: unknown }).maxMessageBytes;
  return typeof exposed === 'number' && exposed > 0 ? exposed : Infinity;
}

export interface ChatBotOptions {
  services: Services;
  /** The puppet instance (tests: PuppetMock) or its npm name; its name keys chat identities. */
  puppet: Puppet | string;
  provider: string;
  puppetToken?: string;
  botName: string;
  outbox: OutboxConfig;
  /** Spool folder and the like. */
  dataDir: string;
  timeZone: string;
  auditDigest: { key: () => string; directory: string };
  logger: Logger;
  processId: string;
  deliveryOptions?: OutboxDeliveryOptions;
  spoolRetryMs?: number;
}

/** Wires the bot to the services: command handler, spool, outbox delivery, identity lookup. */
export function createChatBot(options: ChatBotOptions): WechatyInterface {
  const { services, provider, logger } = options;
  const handler = new ChatCommandHandler({
    provider,
    clock: services.clock,
    drafts: services.drafts,
    registry: new RegistryChatCommands(services),
    inquiries: new InquiryChatCommands({
      inquiries: services.inquiries,
      clock: services.clock,
      timeZone: options.timeZone,
      maskPersonalData,
    }),
    people: services.people,
    outbox: services.outbox,
    createAuditDigest: async () => {
      const { digest } = await services.audit.createDigest({
        key: options.auditDigest.key(),
        directory: options.auditDigest.directory,
        timeZone: options.timeZone,
      });
      return describeDigest(digest);
    },
    cadence: services.cadence,
    unbindPerson: (personName, actor) => services.unbinding.unbindByChat(personName, actor),
    publications: services.publications,
    logger,
  });
  return createShenfaBot({
    name: options.botName,
    puppet: options.puppet,
    puppetOptions: options.puppetToken ? { token: options.puppetToken } : undefined,
    handler,
    spool: new InboundSpool({ directory: path.resolve(options.dataDir, 'spool'), logger }),
    attachmentDirectory: path.resolve(options.dataDir, 'attachments'),
    spoolRetryMs: options.spoolRetryMs,
    contactIdsOf: async (personId) =>
      (await services.people.chatIdentitiesOf([personId], provider)).get(personId) ?? [],
    onOutboxEnqueued: (listener) => services.outbox.onEnqueued(listener),
    createDelivery: (send) =>
      new OutboxDelivery(
        {
          clock: services.clock,
          config: options.outbox,
          logger,
          processId: options.processId,
          send,
          alertAdmins: async (text, dead) => {
            const admins = await services.people.adminsOf();
            await services.outbox.enqueue(
              admins.map((admin) => ({
                idempotencyKey: `${deadLetterAlertKey(dead.idempotencyKey)}:${admin.id}`,
                recipient: { personId: admin.id },
                text,
                kind: 'alert' as const,
              })),
            );
          },
        },
        options.deliveryOptions,
      ),
    logger,
  });
}
