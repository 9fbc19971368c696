/**
 * Where the platform sweep stands (R10). Per connected account (`_id` its id in hex): when it was first
 * and last swept, how far back everything on the platform has been seen (`coveredUntil`: the next sweep
 * stops listing there), and what the last sweep found. And one more document, `_id` 'approvals': until
 * when the drafts' approvals were read into the fingerprints (approval-fingerprint-model.ts).
 *
 * These are marks, not states that move through steps: each only moves forward ($max), or is the last
 * sweep's report ($set), so concurrent sweeps may write them in any order (see sweep-service.ts).
 */
import { Schema, model } from 'mongoose';
import type { SweepFigures } from './sweep-rules';

/** What one sweep of an account found, and when. */
export interface SweepOutcome extends SweepFigures {
  at: Date;
}

export interface SweepState {
  _id: string;
  firstSweptAt?: Date;
  lastSweptAt?: Date;
  /** Everything published up to this time has been seen; absent before a sweep listed to the end. */
  coveredUntil?: Date;
  lastOutcome?: SweepOutcome;
  /** The 'approvals' mark: the drafts changed up to this time are in the fingerprints. */
  through?: Date;
}

export const approvalsMarkId = 'approvals';

const outcomeSchema = new Schema<SweepOutcome>(
  {
    at: Date,
    error: String,
    listed: Number,
    found: Number,
    verified: Number,
    mismatched: Number,
    unapproved: Number,
    deleted: Number,
    replaced: Number,
  },
  { _id: false },
);

const sweepStateSchema = new Schema<SweepState>(
  {
    _id: { type: String, required: true },
    // No defaults: the marks are set by $min/$max (null would sort before any date, and a default
    // inserted with an upsert would collide with them).
    firstSweptAt: { type: Date },
    lastSweptAt: { type: Date },
    coveredUntil: { type: Date },
    lastOutcome: { type: outcomeSchema },
    through: { type: Date },
  },
  { versionKey: false },
);

export const SweepStateModel = model<SweepState>('SweepState', sweepStateSchema, 'sweep_states');
