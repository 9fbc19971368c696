/**
 * An inquiry from the public to an official account (R8): the citizen's messages and ours, its kind and
 * deadlines, who answers it, and how it ended. Changes are audited claimed writes (changeAudited): each
 * step is an event in the trail, under the inquiry's own subject.
 *
 * The reminder job does not read this collection: open inquiries' next reminder times live in the small
 * `inquiry_reminders` collection (inquiry-reminder-model.ts).
 */
import { Schema, model } from 'mongoose';
import type { Types } from 'mongoose';
import { inquiryKinds, inquirySources, inquiryStatuses, invalidReasons } from './inquiry-rules';
import type { InquiryKind, InquirySource, InquiryStatus, InvalidReason } from './inquiry-rules';
import { uniqueIndex } from '../shared/unique-conflict-plugin';
import type { PendingAnswer } from './inquiry-answer-approval-rules';

export const threadDirections = ['in', 'out'] as const;
/** How a message of ours went out: through the platform's API, or typed in its back office and confirmed here. */
export const replyChannels = ['platform', 'back-office'] as const;
export type ReplyChannel = (typeof replyChannels)[number];

export interface ThreadMessage {
  at: Date;
  direction: (typeof threadDirections)[number];
  text: string;
  /** The platform's MsgId of a citizen's message (deduplication), '' otherwise. */
  platformMessageId: string;
  /** Ours: acknowledgement or answer, who sent it and how. */
  purpose: '' | 'acknowledgement' | 'answer';
  byPersonId: Types.ObjectId | null;
  channel: ReplyChannel | '';
}

export interface InquiryExtension {
  at: Date;
  byPersonId: Types.ObjectId;
  fromDueOn: string;
  toDueOn: string;
  reason: string;
}

/** A step of the inquiry as its audit event recorded it, kept with the inquiry for its timeline. */
export interface InquiryTimelineEntry {
  sequence: number;
  at: Date;
  action: string;
  byPersonId: Types.ObjectId | null;
  reason: string;
  /** What the step promised or set: a date, a unit, a channel. */
  note: string;
}

export interface Inquiry {
  _id: Types.ObjectId;
  revision: number;
  updatedAt: Date;
  /** Four characters for chat (答复 Q7K2); unique among open inquiries. */
  code: string;
  /** '' while open; the inquiry's id once it ended, freeing the code. */
  closedKey: string;
  accountId: Types.ObjectId;
  /** The unit answering it now (转办 moves it); the account's unit at first. */
  unitId: Types.ObjectId;
  /** The account's own unit, for the account's figures and the audit scope. */
  accountUnitId: Types.ObjectId;
  source: InquirySource;
  /** The citizen as the platform names them (OpenID) or as registered ("微博用户 张三"). */
  citizenId: string;
  citizenLabel: string;
  kind: InquiryKind;
  status: InquiryStatus;
  invalidReason: InvalidReason | '';
  receivedAt: Date;
  lastCitizenMessageAt: Date;
  /** Our platform messages since the citizen's last message (the window's quota). */
  repliesInWindow: number;
  acknowledgeDueAt: Date;
  acknowledgedAt: Date | null;
  /** The promised date in force; originalDueOn is the first. */
  answerDueOn: string;
  originalDueOn: string;
  extensions: InquiryExtension[];
  answeredAt: Date | null;
  answeredById: Types.ObjectId | null;
  answeredByUnitId: Types.ObjectId | null;
  answerText: string;
  answerChannel: ReplyChannel | '';
  messages: ThreadMessage[];
  /** Who registered it by hand; null for pushed ones. */
  registeredById: Types.ObjectId | null;
  timeline: InquiryTimelineEntry[];
  /** An answer waiting for the unit's approval before it goes out (inquiry-answer-approval-rules.ts). */
  pendingAnswer: PendingAnswer | null;
}

const threadMessageSchema = new Schema<ThreadMessage>(
  {
    at: { type: Date, required: true },
    direction: { type: String, enum: threadDirections, required: true },
    text: { type: String, default: '' },
    platformMessageId: { type: String, default: '' },
    purpose: { type: String, enum: ['', 'acknowledgement', 'answer'], default: '' },
    byPersonId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    channel: { type: String, enum: ['', ...replyChannels], default: '' },
  },
  { _id: false },
);

const extensionSchema = new Schema<InquiryExtension>(
  {
    at: { type: Date, required: true },
    byPersonId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    fromDueOn: { type: String, required: true },
    toDueOn: { type: String, required: true },
    reason: { type: String, required: true },
  },
  { _id: false },
);

const timelineEntrySchema = new Schema<InquiryTimelineEntry>(
  {
    sequence: { type: Number, required: true },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    byPersonId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    reason: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
);

const approvalStepSchema = new Schema(
  {
    mode: { type: String, enum: ['any', 'all'], required: true },
    approverIds: { type: [String], default: [] },
    approvedByIds: { type: [String], default: [] },
  },
  { _id: false },
);

const pendingAnswerSchema = new Schema<PendingAnswer>(
  {
    text: { type: String, required: true },
    contentHash: { type: String, required: true },
    byPersonId: { type: String, required: true },
    at: { type: Date, required: true },
    steps: { type: [approvalStepSchema], default: [] },
    stepIndex: { type: Number, default: 0 },
  },
  { _id: false },
);

const inquirySchema = new Schema<Inquiry>(
  {
    revision: { type: Number, default: 0 },
    updatedAt: { type: Date, required: true },
    code: { type: String, required: true },
    closedKey: { type: String, default: '' },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    accountUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    source: { type: String, enum: inquirySources, required: true },
    citizenId: { type: String, default: '' },
    citizenLabel: { type: String, default: '' },
    kind: { type: String, enum: inquiryKinds, default: 'consultation' },
    status: { type: String, enum: inquiryStatuses, default: 'open' },
    invalidReason: { type: String, enum: ['', ...invalidReasons], default: '' },
    receivedAt: { type: Date, required: true },
    lastCitizenMessageAt: { type: Date, required: true },
    repliesInWindow: { type: Number, default: 0 },
    acknowledgeDueAt: { type: Date, required: true },
    acknowledgedAt: { type: Date, default: null },
    answerDueOn: { type: String, required: true },
    originalDueOn: { type: String, required: true },
    extensions: { type: [extensionSchema], default: [] },
    answeredAt: { type: Date, default: null },
    answeredById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    answeredByUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    answerText: { type: String, default: '' },
    answerChannel: { type: String, enum: ['', ...replyChannels], default: '' },
    messages: { type: [threadMessageSchema], default: [] },
    registeredById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    timeline: { type: [timelineEntrySchema], default: [] },
    pendingAnswer: { type: pendingAnswerSchema, default: null },
  },
  { versionKey: false },
);

// Chat names an open inquiry by its code.
uniqueIndex(inquirySchema, {
  fields: ['code', 'closedKey'],
  code: 'INQUIRY_CODE_TAKEN',
  message: '留言编号已被占用，请重试',
});
// A user's new message joins their open inquiry at the account.
inquirySchema.index({ accountId: 1, citizenId: 1, status: 1, lastCitizenMessageAt: -1 });
// Lists, figures and the ledger: by the answering unit or the account, newest first, and by month.
inquirySchema.index({ unitId: 1, status: 1, receivedAt: -1 });
inquirySchema.index({ accountId: 1, status: 1, receivedAt: -1 });
inquirySchema.index({ receivedAt: -1, _id: -1 });
// The API's list (newest first, keyset by receipt and id) and a month's figures and ledger, within a
// viewer's scope: one index per branch of the scope's $or (answering unit, account's unit, account).
inquirySchema.index({ unitId: 1, receivedAt: -1, _id: -1 });
inquirySchema.index({ accountUnitId: 1, receivedAt: -1, _id: -1 });
inquirySchema.index({ accountId: 1, receivedAt: -1, _id: -1 });

export const InquiryModel = model<Inquiry>('Inquiry', inquirySchema, 'inquiries');
