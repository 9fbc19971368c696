/**
 * Outbound messages (the outbox): every message the system sends is first a document here, keyed
 * by an idempotency key, then claimed and delivered by the bot. A crash at any moment loses nothing
 * and, but for the moment between handing a message to the chat and marking it sent, sends nothing twice.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const outboxStatuses = ['pending', 'sending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

export interface OutboxRecipient {
  /** A person (delivered to each of their chat bindings' contact) or a chat room by id. */
  personId: Types.ObjectId | null;
  roomId: string;
}

export interface OutboxMessage {
  _id: Types.ObjectId;
  idempotencyKey: string;
  recipient: OutboxRecipient;
  text: string;
  status: OutboxStatus;
  attempts: number;
  /** Not to be sent before this time (rate limits, back-off, scheduled reminders). */
  notBefore: Date;
  claimedBy: string;
  claimedAt: Date | null;
  sentAt: Date | null;
  lastError: string;
  createdAt: Date;
  updatedAt: Date;
}

const outboxMessageSchema = new Schema<OutboxMessage>(
  {
    idempotencyKey: { type: String, required: true },
    recipient: {
      personId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      roomId: { type: String, default: '' },
    },
    text: { type: String, required: true, maxlength: 20_000 },
    status: { type: String, enum: outboxStatuses, default: 'pending' },
    attempts: { type: Number, default: 0 },
    notBefore: { type: Date, required: true },
    claimedBy: { type: String, default: '' },
    claimedAt: { type: Date, default: null },
    sentAt: { type: Date, default: null },
    lastError: { type: String, default: '' },
  },
  { timestamps: true, versionKey: false },
);

uniqueIndex(outboxMessageSchema, {
  fields: ['idempotencyKey'],
  code: 'OUTBOX_MESSAGE_EXISTS',
  message: '该消息已在发送队列中',
});
outboxMessageSchema.index({ status: 1, notBefore: 1 });

export const OutboxMessageModel = model<OutboxMessage>('OutboxMessage', outboxMessageSchema, 'outbox_messages');
