/**
 * A unit's own inquiry deadlines, or an account's own acknowledgement (inquiry-setting-rules.ts): one
 * small document each, read whole and cached (few units and accounts set anything).
 */
import { Schema, model } from 'mongoose';
import type { Types } from 'mongoose';
import type { AccountInquirySettings, UnitInquirySettings } from './inquiry-setting-rules';

export interface InquirySetting extends UnitInquirySettings, AccountInquirySettings {
  /** "unit:<id>" or "account:<id>" */
  _id: string;
  updatedAt: Date;
  updatedById: Types.ObjectId | null;
}

const answerDaysSchema = new Schema(
  { consultation: Number, suggestion: Number, complaint: Number, other: Number },
  { _id: false },
);

const inquirySettingSchema = new Schema<InquirySetting>(
  {
    _id: { type: String, required: true },
    acknowledgeWorkingHours: { type: Number },
    answerWorkingDays: { type: answerDaysSchema },
    maxWorkingDays: { type: Number },
    answerApproval: { type: Boolean },
    autoAcknowledge: { type: Boolean },
    acknowledgementTemplate: { type: String },
    updatedAt: { type: Date, required: true },
    updatedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
  },
  { versionKey: false },
);

export const InquirySettingModel = model<InquirySetting>('InquirySetting', inquirySettingSchema, 'inquiry_settings');
