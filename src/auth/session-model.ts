/**
 * API sessions: every access token names one (`sid`), which the API checks on every request.
 * - 'mini-program': a WeChat login starts one (a "family" of refresh tokens); each refresh spends the
 *   presented token and issues the next one. Spending is a claimed write (src/shared/claimed-write.ts),
 *   so two concurrent refreshes with one token cannot both succeed; presenting a spent token again
 *   means it was copied, and revokes the whole session. Only SHA-256 hashes of refresh tokens are stored.
 * - 'cli': `npm run admin -- api-token` starts one with a single access token and no refresh.
 * Either ends on logout (mini-program), refresh-token reuse, unbinding, `revoke-tokens`, or an import
 * that takes the admin role or marks the person as left. One small document per login or CLI token,
 * read by `_id` on every request.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const sessionKinds = ['mini-program', 'cli'] as const;
export type SessionKind = (typeof sessionKinds)[number];

export const sessionEndReasons = ['logout', 'refresh-reuse', 'unbound', 'revoked', 'admin-removed', 'left'] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

export interface LoginSession {
  /** Random (a UUID); named in the access tokens as `sid`. */
  _id: string;
  /** Sessions stored before CLI tokens had sessions have no kind: they are mini-program logins. */
  kind: SessionKind;
  personId: Types.ObjectId;
  /** The mini-program appid + openid the session logged in with; null for a CLI session. */
  provider: string | null;
  openid: string | null;
  createdAt: Date;
  /**
   * CLI: when its one token expires. Mini-program: when the login's first refresh token expires (each
   * refresh token keeps its own expiry; the session is not rewritten on refresh, since FerretDB's
   * read-modify-write update could then undo a concurrent revocation).
   */
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: SessionEndReason | null;
}

const loginSessionSchema = new Schema<LoginSession>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: sessionKinds, default: 'mini-program' },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    provider: { type: String, default: null },
    openid: { type: String, default: null },
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
