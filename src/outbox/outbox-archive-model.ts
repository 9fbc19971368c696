/**
 * Where sent messages go once the rate limits no longer count them, and the registry of every key
 * ever sent. The live outbox (outbox-message-model.ts) then holds only what is still to be sent, so
 * the deliverer's reads stay the same size however long the system has run.
 *
 * The archive keeps a sent message as it was (same `_id`) for the admins, 30 days (outbox-prune-job.ts).
 * The sent-key registry is what keeps an idempotency key from being sent twice once its message has
 * left the live outbox, where the unique key index no longer sees it: before each attempt the deliverer
 * inserts the key with its message's id, and a message whose key another message holds is dropped
 * unsent. It is only ever inserted into (unique `_id`, an index insert on every server), never read
 * on the way of a normal send, and kept for good: one small document per message.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { outboxMessageDefinition } from './outbox-message-model';
import type { OutboxMessage } from './outbox-message-model';

const outboxArchiveSchema = new Schema<OutboxMessage>(outboxMessageDefinition, {
  timestamps: true,
  versionKey: false,
});
outboxArchiveSchema.index({ idempotencyKey: 1 });
outboxArchiveSchema.index({ sentAt: 1 });

export const OutboxArchiveModel = model<OutboxMessage>('OutboxArchivedMessage', outboxArchiveSchema, 'outbox_archive');

export interface OutboxSentKey {
  /** The idempotency key. */
  _id: string;
  /** The message that holds the key: its attempts may go, any other message with this key may not. */
  messageId: Types.ObjectId;
  registeredAt: Date;
}

const outboxSentKeySchema = new Schema<OutboxSentKey>(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    registeredAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const OutboxSentKeyModel = model<OutboxSentKey>('OutboxSentKey', outboxSentKeySchema, 'outbox_sent_keys');
