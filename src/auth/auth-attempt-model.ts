/**
 * Attempts counted against a limit (the /auth/* rate limit per client address, wrong bind codes per
 * openid), one document per attempt, so every API process over the same database counts the same
 * attempts. Inserting is the only write: FerretDB makes no conditional update atomic, but each insert
 * stands on its own. Documents of past windows are pruned (see attempt-limiter.ts).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface AuthAttempt {
  _id: Types.ObjectId;
  /** What is limited and for whom: "auth-ip:<address>", "bind-failed:<openid>". */
  key: string;
  /** Start of the fixed window the attempt falls in. */
  windowStart: Date;
  at: Date;
}

const authAttemptSchema = new Schema<AuthAttempt>(
  {
    key: { type: String, required: true },
    windowStart: { type: Date, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
authAttemptSchema.index({ key: 1, windowStart: 1 });
authAttemptSchema.index({ windowStart: 1 });

export const AuthAttemptModel = model<AuthAttempt>('AuthAttempt', authAttemptSchema, 'auth_attempts');
