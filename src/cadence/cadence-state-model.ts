/**
 * Per account, when it last posted and last posted original content: the daily check reads these
 * (one document per account) instead of every post. `_id` is the account's id.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface CadenceState {
  _id: Types.ObjectId;
  lastPostAt: Date | null;
  lastOriginalPostAt: Date | null;
}

const cadenceStateSchema = new Schema<CadenceState>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    lastPostAt: { type: Date, default: null },
    lastOriginalPostAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export const CadenceStateModel = model<CadenceState>('CadenceState', cadenceStateSchema, 'cadence_states');
