/**
 * Inbound chat messages already taken on, by puppet and message id: a puppet that delivers a message
 * twice (reconnects do) gets one answer. The insert is the claim.
 */
import { Schema, model } from 'mongoose';

export interface InboundMessage {
  /** "<puppet>:<message id>" */
  _id: string;
  receivedAt: Date;
}

const inboundMessageSchema = new Schema<InboundMessage>(
  {
    _id: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// The nightly prune (inbound-prune-job.ts) deletes by age.
inboundMessageSchema.index({ receivedAt: 1 });

export const InboundMessageModel = model<InboundMessage>('InboundMessage', inboundMessageSchema, 'inbound_messages');
