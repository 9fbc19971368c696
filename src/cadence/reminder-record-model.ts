/**
 * Reminders already given, one document each, keyed by what they are about: a cadence warning of one
 * account for one gap ("cadence:<account>:<threshold>:<gap start>") or an approval nudge of one pending
 * episode ("nudge:<draft>:v<version>:s<step>[:p<pending since>]:h<handovers>:<stage>"). The unique
 * `_id` makes each reminder happen once however many job runs see it due, and outlives the outbox's
 * 30-day pruning; the retention job deletes it only once it guards nothing (reminder-record-rules.ts).
 */
import { Schema, model } from 'mongoose';

export interface ReminderRecord {
  _id: string;
  at: Date;
}

const reminderRecordSchema = new Schema<ReminderRecord>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

// The retention job finds the records older than the retention by their time.
reminderRecordSchema.index({ at: 1 });

export const ReminderRecordModel = model<ReminderRecord>('ReminderRecord', reminderRecordSchema, 'reminder_records');
