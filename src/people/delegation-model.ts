/**
 * Delegations for a period of leave: while it runs, the delegate may decide for the person (the
 * decision is recorded as "delegate on behalf of person", R3). A record is edited once at most, to end it early (`until` moves to that moment); when periods
 * overlap, the delegation set last applies (delegation-rules: effectiveDelegation).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface Delegation {
  _id: Types.ObjectId;
  personId: Types.ObjectId;
  delegateId: Types.ObjectId;
  /** Inclusive start. */
  from: Date;
  /** Exclusive end. */
  until: Date;
  createdById: Types.ObjectId | null;
  createdAt: Date;
  /** Set when the delegation was ended early; `until` then moved to that moment. */
  cancelledAt?: Date | null;
  cancelledById?: Types.ObjectId | null;
}

const delegationSchema = new Schema<Delegation>(
  {
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    delegateId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    from: { type: Date, required: true },
    until: { type: Date, required: true },
    createdById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    createdAt: { type: Date, required: true },
    cancelledAt: { type: Date, default: null },
    cancelledById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
  },
  { versionKey: false },
);

delegationSchema.index({ delegateId: 1, until: 1 });
delegationSchema.index({ personId: 1, until: 1 });
// A person's (or the admin's people's) delegations not yet over, in order of start.
delegationSchema.index({ personId: 1, from: 1, until: 1 });

export const DelegationModel = model<Delegation>('Delegation', delegationSchema);
