/**
 * When each open inquiry's next reminder falls due, with what the reminder rules and messages read of it:
 * one small document per open inquiry, so the reminder job reads this collection alone (open inquiries
 * only, a dozen fields) and never the inquiries themselves; a follower's new message and the 留言 list
 * find the open inquiries here too. Written from the inquiry after each change
 * (`scheduleReminders` in inquiry-reminders.ts) and removed when it ends.
 */
import { Schema, model } from 'mongoose';
import type { Types } from 'mongoose';
import { inquiryKinds, inquirySources } from './inquiry-rules';
import type { InquiryKind, InquirySource } from './inquiry-rules';

export interface InquiryReminder {
  /** The inquiry's id. */
  _id: Types.ObjectId;
  nextAt: Date;
  code: string;
  accountId: Types.ObjectId;
  /** The answering unit. */
  unitId: Types.ObjectId;
  kind: InquiryKind;
  source: InquirySource;
  /** The follower as the platform names them ('' for inquiries registered by hand): a new message joins. */
  citizenId: string;
  answerDueOn: string;
  lastCitizenMessageAt: Date;
  repliesInWindow: number;
  /** An answer went out after the citizen's last message. */
  repliedInWindow: boolean;
  /** The citizen's first message, personal data masked, cut short: what heads each reminder. */
  excerpt: string;
}

const inquiryReminderSchema = new Schema<InquiryReminder>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    nextAt: { type: Date, required: true },
    code: { type: String, default: '' },
    accountId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: inquiryKinds, required: true },
    source: { type: String, enum: inquirySources, required: true },
    citizenId: { type: String, default: '' },
    answerDueOn: { type: String, required: true },
    lastCitizenMessageAt: { type: Date, required: true },
    repliesInWindow: { type: Number, default: 0 },
    repliedInWindow: { type: Boolean, default: false },
    excerpt: { type: String, default: '' },
  },
  { versionKey: false },
);

inquiryReminderSchema.index({ nextAt: 1 });
// The open inquiries, small enough to look in on every push and every 留言: a follower's open one at an
// account, and what waits on a unit (the inquiries themselves are many and could only be scanned).
inquiryReminderSchema.index({ accountId: 1, citizenId: 1, lastCitizenMessageAt: -1 });
inquiryReminderSchema.index({ unitId: 1, answerDueOn: 1 });

export const InquiryReminderModel = model<InquiryReminder>(
  'InquiryReminder',
  inquiryReminderSchema,
  'inquiry_reminders',
);
