/**
 * When each open inquiry's next reminder falls due: one small document per open inquiry, so the reminder
 * job reads this (a few fields, open inquiries only) instead of every inquiry ever received. Derived from
 * the inquiry after each change (`scheduleReminders` in inquiry-service.ts) and removed when it ends.
 */
import { Schema, model } from 'mongoose';
import type { Types } from 'mongoose';

export interface InquiryReminder {
  /** The inquiry's id. */
  _id: Types.ObjectId;
  nextAt: Date;
}

const inquiryReminderSchema = new Schema<InquiryReminder>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    nextAt: { type: Date, required: true },
  },
  { versionKey: false },
);

inquiryReminderSchema.index({ nextAt: 1 });

export const InquiryReminderModel = model<InquiryReminder>(
  'InquiryReminder',
  inquiryReminderSchema,
  'inquiry_reminders',
);
