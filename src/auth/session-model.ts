/**
 * Mini-program sessions. A login starts a session (one "family" of refresh tokens); each refresh
 * spends the presented token and issues the next one. Spending is a revision-guard claim (an insert),
 * so two concurrent refreshes with one token cannot both succeed; presenting a spent token again means
 * it was copied, and revokes the whole session. Only SHA-256 hashes of refresh tokens are stored.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const sessionEndReasons = ['logout', 'refresh-reuse', 'unbound'] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

export interface LoginSession {
  /** Random; named in the access tokens as `sid`. */
  _id: string;
  personId: Types.ObjectId;
  /** mini-program appid + openid the session logged in with. */
  provider: string;
  openid: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: SessionEndReason | null;
}

const loginSessionSchema = new Schema<LoginSession>(
  {
    _id: { type: String, required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    provider: { type: String, required: true },
    openid: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, enum: [...sessionEndReasons, null], default: null },
  },
  { versionKey: false },
);
loginSessionSchema.index({ personId: 1 });

export const LoginSessionModel = model<LoginSession>('LoginSession', loginSessionSchema, 'login_sessions');

export interface RefreshToken {
  _id: Types.ObjectId;
  sessionId: string;
  tokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revision: number;
}

const refreshTokenSchema = new Schema<RefreshToken>(
  {
    sessionId: { type: String, required: true },
    tokenHash: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revision: { type: Number, default: 0 },
  },
  { versionKey: false },
);
uniqueIndex(refreshTokenSchema, { fields: ['tokenHash'], code: 'REFRESH_TOKEN_TAKEN', message: '请重试' });
refreshTokenSchema.index({ sessionId: 1 });

export const RefreshTokenModel = model<RefreshToken>('RefreshToken', refreshTokenSchema, 'refresh_tokens');
