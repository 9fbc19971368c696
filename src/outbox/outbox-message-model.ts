/**
 * Outbound messages (the outbox): every message the system sends is first a document here, keyed
 * by an idempotency key, then claimed and delivered by the bot. A crash at any moment loses nothing
 * and, but for the moment between handing a message to the chat and marking it sent, sends nothing twice.
 *
 * A sent message stays here only while the rate limits still count it, then moves to the archive
 * (outbox-archive-model.ts): the deliverer reads this collection on every drain, so it must hold what
 * is still to be sent, not the history.
 *
 * Every change of state after the insert is a claimed write (src/shared/claimed-write.ts), so two
 * deliverers never both take one message. 'sending' is only ever written by a roll-forward: a deliverer
 * holds its claim while sending and writes the outcome directly.
 */
import type { SchemaDefinition, Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const outboxStatuses = ['pending', 'sending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * notice: anything the system tells people (approval requests, replies, reminders).
 * alert: a message to the admins about the outbox itself; when it dies, no further alert is raised,
 * so a broken chat cannot make alerts about alerts.
 */
export const outboxKinds = ['notice', 'alert'] as const;
export type OutboxKind = (typeof outboxKinds)[number];

export const outboxMaxKeyLength = 300;
export const outboxMaxTextLength = 20_000;

export interface OutboxRecipient {
  /** A person: delivered to the contact of each of their chat bindings. */
  personId: Types.ObjectId | null;
  /** A chat room by its puppet id. */
  roomId: string;
  /** A chat contact by its puppet id, for replies to someone not yet bound to a person. */
  contactId: string;
}

/** A stored file sent as its own chat message (a draft's attachment, for its approvers to open). */
export interface OutboxFile {
  path: string;
  name: string;
}

export interface OutboxMessage {
  _id: Types.ObjectId;
  idempotencyKey: string;
  kind: OutboxKind;
  recipient: OutboxRecipient;
  /** Set for a file message; `text` then describes the file for logs and alerts. */
  file: OutboxFile | null;
  /** "room:<id>", "contact:<id>" or "person:<id>": the chat the rate limits count against (see outbox-rules.ts). */
  recipientKey: string;
  text: string;
  status: OutboxStatus;
  /** Attempts started so far, the current one included. */
  attempts: number;
  /** Not to be sent before this time (back-off, scheduled reminders). */
  notBefore: Date;
  claimedBy: string;
  /** When the latest attempt was claimed; with `sendJitterMs` what the rate limits count. */
  claimedAt: Date | null;
  /** The random extra gap the latest attempt added to its chat's interval. */
  sendJitterMs: number;
  sentAt: Date | null;
  deadLetteredAt: Date | null;
  lastError: string;
  /** Moves by one with every change of state; the revision guard claims each move once. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields of a message; shared with the archive (outbox-archive-model.ts), which keeps sent ones. */
export const outboxMessageDefinition: SchemaDefinition<OutboxMessage> = {
  idempotencyKey: { type: String, required: true, maxlength: outboxMaxKeyLength },
  kind: { type: String, enum: outboxKinds, default: 'notice' },
  recipient: {
    personId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    roomId: { type: String, default: '' },
    contactId: { type: String, default: '' },
  },
  recipientKey: { type: String, default: '' },
  file: { type: new Schema({ path: String, name: String }, { _id: false }), default: null },
  text: { type: String, required: true, maxlength: outboxMaxTextLength },
  status: { type: String, enum: outboxStatuses, default: 'pending' },
  attempts: { type: Number, default: 0 },
  notBefore: { type: Date, required: true },
  claimedBy: { type: String, default: '' },
  claimedAt: { type: Date, default: null },
  sendJitterMs: { type: Number, default: 0 },
  sentAt: { type: Date, default: null },
  deadLetteredAt: { type: Date, default: null },
  lastError: { type: String, default: '' },
  revision: { type: Number, default: 0 },
};

const outboxMessageSchema = new Schema<OutboxMessage>(outboxMessageDefinition, { timestamps: true, versionKey: false });

uniqueIndex(outboxMessageSchema, {
  fields: ['idempotencyKey'],
  code: 'OUTBOX_MESSAGE_EXISTS',
  message: '该消息已在发送队列中',
});
// Due messages in the order they go (the $or of pending and abandoned 'sending' uses it for both branches).
outboxMessageSchema.index({ status: 1, notBefore: 1, _id: 1 });
// The attempts the rate limits count.
outboxMessageSchema.index({ claimedAt: 1 });
// Sent messages that are old enough to leave for the archive.
outboxMessageSchema.index({ status: 1, sentAt: 1 });

export const OutboxMessageModel = model<OutboxMessage>('OutboxMessage', outboxMessageSchema, 'outbox_messages');
