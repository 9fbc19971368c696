/**
 * A unit's reminder settings (R6): when approval nudges remind and escalate, the working hours they
 * keep to, and whether the publishing baseline counts working days. A unit without its own settings
 * uses its nearest ancestor's, then the configured defaults. Few documents; read whole and cached.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';
import { baselineCountings } from './reminder-policy-rules';
import type { BaselineCounting } from './reminder-policy-rules';

export interface ReminderPolicyRecord {
  _id: Types.ObjectId;
  unitId: Types.ObjectId;
  remindAfterWorkingHours: number;
  escalateAfterWorkingHours: number;
  workdayStart: string;
  workdayEnd: string;
  baselineCounts: BaselineCounting;
  setById: Types.ObjectId | null;
  setAt: Date;
}

const reminderPolicySchema = new Schema<ReminderPolicyRecord>(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    remindAfterWorkingHours: { type: Number, required: true },
    escalateAfterWorkingHours: { type: Number, required: true },
    workdayStart: { type: String, required: true },
    workdayEnd: { type: String, required: true },
    baselineCounts: { type: String, enum: baselineCountings, required: true },
    setById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    setAt: { type: Date, required: true },
  },
  { versionKey: false },
);

uniqueIndex(reminderPolicySchema, {
  fields: ['unitId'],
  code: 'REMINDER_POLICY_EXISTS',
  message: '该单位的提醒设置已存在',
});

export const ReminderPolicyModel = model<ReminderPolicyRecord>(
  'ReminderPolicy',
  reminderPolicySchema,
  'reminder_policies',
);
