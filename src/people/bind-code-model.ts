/**
 * One-time codes with which a person binds their chat identity (DESIGN: identity is by a stable
 * binding). Only the SHA-256 of the 6-digit code is stored. A code is single use: using or revoking it
 * moves it from revision 0 through a claimed write (src/shared/claimed-write.ts), so two people racing
 * with one code cannot both bind.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';
import { identityKinds } from './identity-binding-model';
import type { IdentityKind } from './identity-binding-model';

export interface BindCode {
  _id: Types.ObjectId;
  /**
   * SHA-256 (hex) of the code while the code may still be looked up. A dead code (used, revoked or
   * expired) whose digits are drawn again is retired to "retired:<_id>", so the unique index only has
   * to keep live codes apart.
   */
  codeHash: string;
  /** What the code binds: a chat identity (made by an admin) or a mini-program openid (asked for in chat). */
  kind?: IdentityKind;
  personId: Types.ObjectId;
  createdById: Types.ObjectId | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: { provider: string; externalId: string } | null;
  /** Set when a newer code was issued for the same person before this one was used. */
  revokedAt: Date | null;
  revision: number;
}

const bindCodeSchema = new Schema<BindCode>(
  {
    codeHash: { type: String, required: true },
    kind: { type: String, enum: identityKinds, default: 'chat' },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    createdById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    usedBy: {
      type: new Schema({ provider: String, externalId: String }, { _id: false }),
      default: null,
    },
    revokedAt: { type: Date, default: null },
    revision: { type: Number, default: 0 },
  },
  { versionKey: false },
);

uniqueIndex(bindCodeSchema, {
  fields: ['codeHash'],
  code: 'BIND_CODE_TAKEN',
  message: '绑定码生成冲突，请重试',
});
bindCodeSchema.index({ personId: 1 });

export const BindCodeModel = model<BindCode>('BindCode', bindCodeSchema, 'bind_codes');
