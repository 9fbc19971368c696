/**
 * One inbound chat message → one command → the services, and the reply into the outbox. Works on a
 * plain snapshot of the message, so a message spooled while the database was away is handled the same
 * way when it returns.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../src/shared/logger';
import type { Clock } from '../src/shared/clock';
import { AppError, DatabaseUnavailableError, ForbiddenError, isAppError } from '../src/shared/errors';
import { isConnectionError, isUniqueConflict, translateDatabaseError } from '../src/shared/database';
import type { DraftService } from '../src/drafts/draft-service';
import { isAlreadyRecorded } from '../src/drafts/draft-service-types';
import type { DraftChange, DraftSummary } from '../src/drafts/draft-service-types';
import { draftHeading, statusWord } from '../src/drafts/draft-messages';
import { parseChatCommand } from './command-parser';
import { helpFor } from './help-text';
import type { ChatCommand } from './command-parser';
import { InboundMessageModel } from './inbound-message-model';
import { cleanInputDeep } from '../src/shared/text-normalization';
import type { RegistryChatCommands } from './registry-chat-commands';
import type { InquiryChatCommands } from './inquiry-chat-commands';
import type { DelegationInvolvement } from '../src/people/delegation-rules';

/** What the bot keeps of a message: enough to handle it now or after a database outage. */
export interface InboundChatMessage {
  id: string;
  contactId: string;
  contactName: string;
  /** '' for a private chat. */
  roomId: string;
  text: string;
  /** A forwarded article. */
  link?: { url: string; title: string; description: string };
  /** A file or image, already stored under the data folder. */
  file?: { name: string; mimeType: string; size: number; sha256: string; storagePath: string };
  receivedAt: string;
  /** Set when the database went away after the message was taken on: it is handled again regardless. */
  takenOn?: boolean;
}

export interface ChatPerson {
  id: string;
  name: string;
  roles: string[];
}

export interface ChatPeople {
  findPersonByChatIdentity(provider: string, externalId: string): Promise<ChatPerson | null>;
  bindChatIdentity(input: { code: string; provider: string; externalId: string }): Promise<ChatPerson>;
  createMiniProgramBindCode(personId: string): Promise<{ code: string; expiresAt: Date }>;
  unbindChatIdentity(provider: string, externalId: string): Promise<ChatPerson | null>;
  endOwnDelegations(personId: string, otherName: string, via: string): Promise<DelegationInvolvement[]>;
}

export interface ChatOutbox {
  enqueue(
    entries: {
      idempotencyKey: string;
      recipient: { personId?: string | null; roomId?: string; contactId?: string };
      text: string;
      file?: { path: string; name: string } | null;
    }[],
  ): Promise<void>;
}

/** A reply: its text, and a file sent after it (a long draft's full text). */
interface ChatReply {
  text: string;
  file: { path: string; name: string } | null;
}

export interface ChatCommandHandlerDependencies {
  /** The puppet's name: chat identities are only stable within one puppet. */
  provider: string;
  clock: Clock;
  drafts: DraftService;
  /** 年审 and closure commands; absent where the registry is not wired (they are then unknown). */
  registry?: RegistryChatCommands;
  /** 留言 commands (登记留言, 答复, 已答复, 延期, 转办…); absent where inquiries are not wired (they are then unknown). */
  inquiries?: InquiryChatCommands;
  people: ChatPeople;
  outbox: ChatOutbox;
  /** Signs the audit head and answers with the digest text (admins only). */
  createAuditDigest: () => Promise<string>;
  /** 更新情况: the publishing cadence of a leader's or admin's accounts. */
  cadence: { describeForPerson(person: { id: string; roles: string[] }): Promise<string> };
  /**
   * An admin's `解绑 姓名` for a person who left: src/people/unbind-person.ts, the same as the API and the
   * CLI; answers the text for the admin. Absent where it is not wired (the command is then refused).
   */
  unbindPerson?: (personName: string, actor: { byId: string; via: string }) => Promise<string>;
  /** 发布 and 查看's publication lines (src/publication/); absent where publishing is not wired. */
  publications?: ChatPublications;
  logger: Logger;
}

/** Publishing through a platform, as the chat uses it. */
export interface ChatPublications {
  publish(actor: { personId: string; via: string }, code: string): Promise<{ message: string }>;
  describeForDraft(draftId: string, code: string): Promise<string[]>;
}

const maxFailedBindings = 5;
const bindWindowMs = 3_600_000;

export class ChatCommandHandler {
  /** Contact id → times of wrong bind codes within the last hour. */
  private readonly failedBindings = new Map<string, number[]>();

  constructor(private readonly dependencies: ChatCommandHandlerDependencies) {}

  /**
   * Handles a message once. Throws DatabaseUnavailableError (with `message.takenOn` set when it had
   * been taken on already) when the database cannot be reached, so the caller can spool it.
   */
  async handle(message: InboundChatMessage): Promise<void> {
    const { provider, logger } = this.dependencies;
    const log = logger.child({ chatMessageId: message.id });
    if (!message.takenOn) {
      try {
        await InboundMessageModel.create({
          _id: `${provider}:${message.id}`,
          receivedAt: new Date(message.receivedAt),
        });
      } catch (error) {
        if (isUniqueConflict(error)) {
          log.info('chat message already handled');
          return;
        }
        translateDatabaseError(error);
      }
    }
    try {
      await this.answer(message, log);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) && !isConnectionError(error)) throw error;
      message.takenOn = true;
      throw error instanceof DatabaseUnavailableError
        ? error
        : new DatabaseUnavailableError('数据库暂时无法访问', { cause: error });
    }
  }

  private async answer(received: InboundChatMessage, log: Logger): Promise<void> {
    // Text, names and file names cleaned (well-formed, no control characters) before anything is hashed or stored.
    const message = cleanInputDeep(received);
    const { provider } = this.dependencies;
    const person = await this.dependencies.people.findPersonByChatIdentity(provider, message.contactId);
    const command: ChatCommand = message.file
      ? {
          kind: 'submit',
          title: message.file.name.replace(/\.[^.]+$/, '') || message.file.name,
          body: '',
          sourceUrl: '',
          reprint: null,
          accountName: null,
        }
      : message.link
        ? {
            kind: 'submit',
            title: message.link.title,
            body: message.link.description || message.link.url,
            sourceUrl: message.link.url,
            reprint: null,
            accountName: null,
          }
        : parseChatCommand(message.text);
    log.info({ command: command.kind, bound: Boolean(person) }, 'chat command');
    let reply: ChatReply | string | null;
    try {
      reply = await this.run(command, person, message);
    } catch (error) {
      if (error instanceof DatabaseUnavailableError || isConnectionError(error)) throw error;
      reply = isAppError(error) && error.expose ? error.message : apologize(log, error, 'chat command failed');
    }
    if (!reply) return;
    // After 解绑 the person has no chat identity to deliver to: the confirmation goes to this contact.
    const recipient = command.kind === 'unbind' && !command.personName ? null : person;
    try {
      await this.reply(message, recipient, typeof reply === 'string' ? { text: reply, file: null } : reply);
    } catch (error) {
      if (error instanceof DatabaseUnavailableError || isConnectionError(error)) throw error;
      // The answer itself could not be queued: the person still hears that something went wrong.
      await this.reply(message, recipient, { text: apologize(log, error, 'chat reply failed'), file: null });
    }
  }

  private async run(
    command: ChatCommand,
    person: ChatPerson | null,
    message: InboundChatMessage,
  ): Promise<ChatReply | string | null> {
    if (command.kind === 'bind') return this.bind(command.bindCode, message.contactId);
    if (command.kind === 'help') return helpFor(person?.roles ?? null);
    if (!person) {
      return '您尚未绑定身份，暂不能使用审发。请向管理员索取绑定码，然后发送“绑定 123456”（6位数字）。';
    }
    const actor = { personId: person.id, via: `${this.dependencies.provider}:${message.contactId}` };
    const { drafts, registry } = this.dependencies;
    switch (command.kind) {
      case 'submit': {
        // A file right after "年审 账号名" is that account's annual report, not a draft.
        const report = message.file && registry ? await registry.takeReportFile(actor, message.file) : null;
        if (report) return report;
        await drafts.submitDraft(actor, {
          title: command.title,
          body: command.body,
          sourceUrl: command.sourceUrl,
          reprint: command.reprint,
          attachments: message.file ? [message.file] : [],
          accountName: command.accountName,
          submissionKey: `${this.dependencies.provider}:${message.id}`,
        });
        return null;
      }
      case 'annual-report':
      case 'annual-decision':
      case 'closure':
      case 'closure-withdrawal':
        return registry ? registry.run(command, actor) : `没有识别到指令。\n${helpFor(person.roles)}`;
      case 'inquiry-register':
      case 'inquiry-answer':
      case 'inquiry-answer-decision':
      case 'inquiry-confirm':
      case 'inquiry-extend':
      case 'inquiry-transfer':
      case 'inquiry-kind':
      case 'inquiry-invalid':
      case 'inquiry-list':
        return this.dependencies.inquiries
          ? this.dependencies.inquiries.run(command, actor)
          : `没有识别到指令。\n${helpFor(person.roles)}`;
      case 'decide':
        return replyTo(
          await drafts.decide(actor, {
            code: command.code,
            decision: command.decision,
            comment: command.comment,
            versionNumber: command.quotedVersion,
            stepNumber: command.quotedStep,
          }),
        );
      case 'revise':
        return replyTo(await drafts.revise(actor, { code: command.code, title: command.title, body: command.body }));
      case 'withdraw':
        return replyTo(await drafts.withdraw(actor, command.code));
      case 'publish':
        return replyTo(await drafts.reportPublished(actor, { code: command.code, url: command.url }));
      case 'revoke':
        return replyTo(await drafts.revokeApproval(actor, { code: command.code, reason: command.reason }));
      case 'hand-over':
        return replyTo(await drafts.handOver(actor, { code: command.code, toName: command.toName }));
      case 'publish-to-platform':
        if (!this.dependencies.publications) {
          return `本系统未启用平台发布，请在平台上发布后发送“已发布 ${command.code} 链接”登记`;
        }
        return (await this.dependencies.publications.publish(actor, command.code)).message;
      case 'view': {
        const view = await drafts.viewDraft(actor, command.code);
        const lines = (await this.dependencies.publications?.describeForDraft(view.draftId, view.code)) ?? [];
        return { text: [view.text, ...lines].join('\n'), file: view.file };
      }
      case 'pending':
        return listing('待审核', await drafts.listPending(actor), '当前没有待您审核的稿件');
      case 'mine':
        return listing('我的稿件（最近10篇）', await drafts.listMine(actor), '您还没有投过稿');
      case 'audit-digest':
        if (!person.roles.includes('admin')) throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以生成审计摘要');
        return this.dependencies.createAuditDigest();
      case 'mask':
        return replyTo(await drafts.maskPersonalData(actor, command.code));
      case 'cadence-report':
        if (!person.roles.includes('leader') && !person.roles.includes('admin')) {
          throw new ForbiddenError('LEADERS_AND_ADMINS_ONLY', '只有审核领导和管理员可以查看账号更新情况');
        }
        return this.dependencies.cadence.describeForPerson(person);
      case 'mini-program-bind': {
        // A code posted in a group could be used by anyone there.
        if (message.roomId) return '为保护您的账号，请私聊机器人发送“小程序绑定”获取绑定码。';
        const { code, expiresAt } = await this.dependencies.people.createMiniProgramBindCode(person.id);
        const minutes = Math.round((expiresAt.getTime() - this.dependencies.clock.now().getTime()) / 60_000);
        return `小程序绑定码：${code}\n请在${minutes}分钟内打开审发小程序，输入此绑定码完成绑定；只能使用一次，请勿告诉他人。`;
      }
      case 'unbind':
        if (command.personName) {
          if (!person.roles.includes('admin') || !this.dependencies.unbindPerson) {
            throw new ForbiddenError('ADMIN_ONLY', '只有管理员可以为他人解绑；解除您自己的绑定请只发送“解绑”');
          }
          return this.dependencies.unbindPerson(command.personName, { byId: person.id, via: actor.via });
        }
        await this.dependencies.people.unbindChatIdentity(this.dependencies.provider, message.contactId);
        return `已解绑：本微信不再代表${person.name}使用审发，待审事项和提醒也不再发到这里。如需重新使用，请向管理员索取绑定码后发送“绑定 123456”。`;
      case 'end-delegation':
        return this.endDelegations(person, command.otherName, actor.via, message.id);
      case 'malformed':
        return command.message;
      case 'decision-unclear':
        return decisionReminder(command.question, await drafts.listPending(actor));
      case 'empty':
      case 'unknown':
        return `没有识别到指令。\n${helpFor(person.roles)}`;
    }
  }

  /** Ends the delegations and tells the other person of each in one line. */
  private async endDelegations(person: ChatPerson, otherName: string, via: string, messageId: string): Promise<string> {
    const ended = await this.dependencies.people.endOwnDelegations(person.id, otherName, via);
    await this.dependencies.outbox.enqueue(
      ended.map((delegation) => ({
        idempotencyKey: `delegation-ended:${delegation.id}:${messageId}`,
        recipient: { personId: delegation.otherId },
        text:
          delegation.side === 'gave'
            ? `${person.name}已提前结束请假代审：您不再代${person.name}审核稿件。`
            : `${person.name}已提前结束为您代审：请假期间的稿件请您本人审核，或请管理员另行安排。`,
      })),
    );
    return [
      '已提前结束代审：',
      ...ended.map((delegation) =>
        delegation.side === 'gave'
          ? `· ${delegation.otherName}不再代您审核，待审稿件请您本人处理（发送“待办”查看）`
          : `· 您不再代${delegation.otherName}审核`,
      ),
      '对方已收到通知。',
    ].join('\n');
  }

  /**
   * A six-digit code can be guessed, so each chat contact gets a few wrong tries per hour; a correct
   * code from someone who has used them up is refused too, until the hour has passed.
   */
  private async bind(code: string, contactId: string): Promise<string> {
    const now = this.dependencies.clock.now().getTime();
    const recent = (this.failedBindings.get(contactId) ?? []).filter((at) => now - at < bindWindowMs);
    if (recent.length >= maxFailedBindings) {
      throw new AppError('BIND_ATTEMPTS_EXCEEDED', '绑定码错误次数过多，请1小时后再试，或联系管理员重新获取绑定码', {
        status: 429,
      });
    }
    try {
      const bound = await this.dependencies.people.bindChatIdentity({
        code,
        provider: this.dependencies.provider,
        externalId: contactId,
      });
      this.failedBindings.delete(contactId);
      return `绑定成功：${bound.name}。发送“帮助”查看可用指令。`;
    } catch (error) {
      if (isAppError(error) && error.code.startsWith('BIND_CODE_'))
        this.failedBindings.set(contactId, [...recent, now]);
      throw error;
    }
  }

  private async reply(message: InboundChatMessage, person: ChatPerson | null, reply: ChatReply): Promise<void> {
    const recipient = message.roomId
      ? { roomId: message.roomId }
      : person
        ? { personId: person.id }
        : { contactId: message.contactId };
    const addressed = message.roomId && person ? `@${person.name} ${reply.text}` : reply.text;
    const key = `reply:${this.dependencies.provider}:${message.id}`;
    await this.dependencies.outbox.enqueue([
      { idempotencyKey: key, recipient, text: addressed },
      ...(reply.file
        ? [{ idempotencyKey: `${key}:file`, recipient, text: `全文：${reply.file.name}`, file: reply.file }]
        : []),
    ]);
  }
}

/**
 * A change to a draft tells the people concerned through the outbox, so it needs no reply of its own;
 * a request that repeats what is recorded is answered with what was recorded.
 */
function replyTo(change: DraftChange): string | null {
  return isAlreadyRecorded(change) ? change.message : null;
}

/**
 * An unexpected failure: logged with a reference id that the person gets too, so an admin can find
 * it; the person is asked to try again (the services leave no transition half-done: see DraftService).
 */
export function apologize(log: Logger, error: unknown, what: string): string {
  const reference = randomBytes(4).toString('hex').toUpperCase();
  log.error({ err: error, reference }, what);
  return `抱歉，处理您的消息时出现意外错误，请稍后再试。如仍不成功，请联系管理员并提供错误编号 ${reference}。`;
}

/** The answer to a message that looks like a decision but is none: never recorded, the format and what waits. */
function decisionReminder(question: boolean, pending: DraftSummary[]): string {
  return [
    ...(question ? ['这是一个问句，没有记为审核决定。'] : []),
    '如需审核，请回复“同意 编号 [意见]”或“驳回 编号 理由”，也可以引用审核请求后回复“同意”。',
    listing('待您审核', pending, '当前没有待您审核的稿件。'),
  ].join('\n');
}

function listing(heading: string, drafts: DraftSummary[], empty: string): string {
  if (drafts.length === 0) return empty;
  const lines = drafts.map((draft) => {
    const progress =
      draft.status === 'in_review' ? `第${draft.stepNumber}/${draft.stepCount}步` : statusWord(draft.status);
    return `${draftHeading(draft.code, draft.title)} 第${draft.versionNumber}版 ${progress}`;
  });
  return [`${heading}（${drafts.length}）：`, ...lines].join('\n');
}
