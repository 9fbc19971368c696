/**
 * Local exceptions to the official calendar, one per date ("YYYY-MM-DD" as `_id`): a county's own day
 * off or an emergency working day. Few documents; read whole and cached.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { overrideKinds } from './calendar-rules';
import type { OverrideKind } from './calendar-rules';

export interface CalendarOverrideRecord {
  _id: string;
  kind: OverrideKind;
  name: string;
  setById: Types.ObjectId | null;
  setAt: Date;
}

const calendarOverrideSchema = new Schema<CalendarOverrideRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: overrideKinds, required: true },
    name: { type: String, default: '', trim: true, maxlength: 50 },
    setById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    setAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const CalendarOverrideModel = model<CalendarOverrideRecord>(
  'CalendarOverride',
  calendarOverrideSchema,
  'calendar_overrides',
);
