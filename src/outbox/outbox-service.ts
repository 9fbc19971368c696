/**
 * The outbox (DESIGN: "everything that must happen later is a document first, then an action").
 * Services put messages in with `Outbox.enqueue`; the bot process takes them out with
 * `OutboxDelivery` (outbox-delivery.ts), rate-limited, with retries, marking each message sent.
 * Sent messages move to the archive (outbox-archive.ts).
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ValidationError } from '../shared/errors';
import { insertIgnoringDuplicates } from '../shared/database';
import { toObjectIdOrNull } from '../shared/ids';
import { OutboxMessageModel, outboxKinds, outboxMaxKeyLength, outboxMaxTextLength } from './outbox-message-model';
import type { OutboxFile, OutboxKind, OutboxMessage } from './outbox-message-model';
import { OutboxArchiveModel } from './outbox-archive-model';
import { archiveSentMessages } from './outbox-archive';
import { recipientKeyOf } from './outbox-rules';
import { splitMessage, wechatMaxMessageBytes } from './message-length-rules';

export interface OutboxEntry {
  /** Deterministic, e.g. "draft:<id>:approval-request:<version>:<approverId>": enqueueing it again is a no-op. */
  idempotencyKey: string;
  /**
   * A room, a chat contact (contact ids are only stable within one puppet, so only for immediate
   * replies to someone not yet bound) or a person. A message that names a room goes into the room.
   */
  recipient: { personId?: Types.ObjectId | string | null; roomId?: string; contactId?: string };
  text: string;
  /** Not before this time (scheduled reminders); now when not given. */
  notBefore?: Date;
  /** 'notice' unless given; see outboxKinds. */
  kind?: OutboxKind;
  /** Sends this stored file instead of the text. */
  file?: OutboxFile | null;
}

export interface OutboxDependencies {
  clock: Clock;
  logger?: Logger;
  /** The chat channel's longest message (UTF-8 bytes); longer texts are enqueued as numbered parts. */
  maxMessageBytes?: number;
}

/** Puts messages into the outbox; used by every service that tells someone something. */
export class Outbox {
  private readonly enqueueListeners = new Set<() => void>();

  constructor(private readonly dependencies: OutboxDependencies) {}

  /**
   * Calls `listener` after each enqueue in this process, so a deliverer here can send at once instead
   * of at its next poll (which remains for messages enqueued by other processes). Returns the unsubscribe.
   */
  onEnqueued(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    return () => this.enqueueListeners.delete(listener);
  }

  /**
   * Inserts the entries in one unordered write. An entry whose idempotency key is already in the
   * outbox is skipped silently, so a service that retries after a crash can enqueue again. An invalid
   * entry (no recipient, empty text) fails the whole call before anything is written. A text longer
   * than the channel takes becomes numbered parts (the first keeps the entry's key, the others get
   * ":part-N"), sent in order; splitting is deterministic, so enqueueing again skips them all.
   */
  async enqueue(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.dependencies.clock.now();
    const maxBytes = this.dependencies.maxMessageBytes ?? wechatMaxMessageBytes;
    const documents = entries.flatMap((entry) => splitEntry(entry, maxBytes)).map((entry) => buildMessage(entry, now));
    const inserted = await insertIgnoringDuplicates(OutboxMessageModel.collection, documents);
    if (inserted < documents.length) {
      this.dependencies.logger?.debug(
        { skipped: documents.length - inserted, entries: documents.length },
        'outbox entries already enqueued were skipped',
      );
    }
    for (const listener of this.enqueueListeners) listener();
  }

  /**
   * Deletes archived messages sent before `sentBefore` (first moving any sent message still in the
   * live outbox). Dead messages stay for the admins to look at; the sent-key registry stays for good.
   */
  async pruneSent(sentBefore: Date): Promise<number> {
    await archiveSentMessages(sentBefore);
    const { deletedCount } = await OutboxArchiveModel.deleteMany({ sentAt: { $lt: sentBefore } });
    return deletedCount;
  }
}

function splitEntry(entry: OutboxEntry, maxBytes: number): OutboxEntry[] {
  if (entry.file || typeof entry.text !== 'string') return [entry];
  return splitMessage(entry.text, maxBytes).map((text, index) => ({
    ...entry,
    idempotencyKey: index === 0 ? entry.idempotencyKey : `${entry.idempotencyKey}:part-${index + 1}`,
    text,
  }));
}

/**
 * The stored message for an entry, built as a plain document with the schema's defaults: checked here
 * by hand, because a mongoose document with its validation costs about 0.3 ms per message, which the
 * annual review's 20,000 reminders of 1 November cannot afford (bench annual-review).
 */
const maxKeyLength = outboxMaxKeyLength;
const maxTextLength = outboxMaxTextLength;

function buildMessage(entry: OutboxEntry, now: Date): OutboxMessage {
  if (typeof entry.idempotencyKey !== 'string' || entry.idempotencyKey.trim() === '') {
    throw new ValidationError('OUTBOX_KEY_MISSING', '待发送消息缺少幂等键');
  }
  const personId = toObjectIdOrNull(
    entry.recipient.personId,
    () =>
      new ValidationError('OUTBOX_RECIPIENT_INVALID', '待发送消息的收件人编号无效', {
        details: { personId: entry.recipient.personId },
      }),
  );
  const roomId = entry.recipient.roomId ?? '';
  const contactId = entry.recipient.contactId ?? '';
  const recipientKey = recipientKeyOf({ personId, roomId, contactId });
  if (!recipientKey) {
    throw new ValidationError('OUTBOX_RECIPIENT_MISSING', '待发送消息缺少收件人', {
      details: { idempotencyKey: entry.idempotencyKey },
    });
  }
  const kind = entry.kind ?? 'notice';
  const notBefore = entry.notBefore ?? now;
  const invalidFields = [
    entry.idempotencyKey.length > maxKeyLength ? 'idempotencyKey' : '',
    typeof entry.text !== 'string' || entry.text === '' || entry.text.length > maxTextLength ? 'text' : '',
    outboxKinds.includes(kind) ? '' : 'kind',
    notBefore instanceof Date && !Number.isNaN(notBefore.getTime()) ? '' : 'notBefore',
    entry.file && (typeof entry.file.path !== 'string' || typeof entry.file.name !== 'string') ? 'file' : '',
  ].filter(Boolean);
  if (invalidFields.length > 0) {
    throw new ValidationError('OUTBOX_MESSAGE_INVALID', '待发送消息内容无效（正文为空或过长）', {
      details: { idempotencyKey: entry.idempotencyKey, fields: invalidFields },
    });
  }
  return {
    _id: new Types.ObjectId(),
    idempotencyKey: entry.idempotencyKey,
    kind,
    recipient: { personId, roomId, contactId },
    file: entry.file ? { path: entry.file.path, name: entry.file.name } : null,
    recipientKey,
    text: entry.text,
    status: 'pending',
    attempts: 0,
    notBefore,
    claimedBy: '',
    claimedAt: null,
    sendJitterMs: 0,
    sentAt: null,
    deadLetteredAt: null,
    lastError: '',
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
}
