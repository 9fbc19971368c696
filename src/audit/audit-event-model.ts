/**
 * The audit trail's storage (R3, R9). Events are only ever inserted and linked, never edited by the
 * application. `_id` is the event's sequence number, claimed atomically from the audit sequence, so
 * events have one total order that every process agrees on.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export interface AuditActor {
  /** The person who acted; null for the system (jobs, the bot itself). */
  personId: Types.ObjectId | null;
  /** Set when the person acted for someone else (delegate, 转交): "X on behalf of Y". */
  onBehalfOfId: Types.ObjectId | null;
  /** Chat identity (puppet:contactId) or mini-program openid the action came through. */
  via: string;
}

export interface AuditSubject {
  type: string;
  id: string;
}

export interface AuditEvent {
  /** The sequence number. */
  _id: number;
  /** Caller-chosen idempotency key: appending the same key twice records one event. */
  key: string;
  at: Date;
  actor: AuditActor;
  action: string;
  subject: AuditSubject;
  subjectVersion: number | null;
  contentHash: string;
  reason: string;
  details: Record<string, unknown>;
  /** Hash of the previous event (genesis: 64 zeros); the link that makes edits, deletions and reordering visible. */
  previousHash: string;
  hash: string;
}

const auditEventSchema = new Schema<AuditEvent>(
  {
    _id: { type: Number, required: true },
    key: { type: String, required: true },
    at: { type: Date, required: true },
    actor: {
      personId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      onBehalfOfId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      via: { type: String, default: '' },
    },
    action: { type: String, required: true },
    subject: {
      type: { type: String, required: true },
      id: { type: String, required: true },
    },
    subjectVersion: { type: Number, default: null },
    contentHash: { type: String, default: '' },
    reason: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
    previousHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);

uniqueIndex(auditEventSchema, {
  fields: ['key'],
  code: 'AUDIT_EVENT_RECORDED',
  message: '该操作已记录',
});
auditEventSchema.index({ 'subject.type': 1, 'subject.id': 1, _id: 1 });
auditEventSchema.index({ at: 1, _id: 1 });

export const AuditEventModel = model<AuditEvent>('AuditEvent', auditEventSchema, 'audit_events');

/**
 * Where the newest event is, as a hint: appenders in other processes read it after losing a race for a
 * sequence number instead of scanning the trail. It may lag behind (it is written after the event),
 * never ahead; the trail itself is the truth.
 */
export interface AuditHead {
  _id: 'head';
  sequence: number;
  hash: string;
  /** When a writer last lost a number to another process: writers then publish their hints at once. */
  contendedAt?: Date;
}

const auditHeadSchema = new Schema<AuditHead>(
  {
    _id: { type: String, required: true },
    sequence: { type: Number, required: true },
    hash: { type: String, required: true },
    contendedAt: { type: Date },
  },
  { versionKey: false },
);

export const AuditHeadModel = model<AuditHead>('AuditHead', auditHeadSchema, 'audit_head');
