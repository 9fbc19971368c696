/**
 * A person's chat identity (per puppet: contact ids are only stable within one puppet) or
 * mini-program identity (per appid: openid). One document per identity, so the unique index is on
 * plain fields — FerretDB v1 does not enforce unique indexes over array elements.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const identityKinds = ['chat', 'mini-program'] as const;
export type IdentityKind = (typeof identityKinds)[number];

export interface IdentityBinding {
  _id: Types.ObjectId;
  kind: IdentityKind;
  /** The puppet name for chat identities, the mini-program appid for openids. */
  provider: string;
  externalId: string;
  personId: Types.ObjectId;
  boundAt: Date;
}

const identityBindingSchema = new Schema<IdentityBinding>({
  kind: { type: String, enum: identityKinds, required: true },
  provider: { type: String, required: true },
  externalId: { type: String, required: true },
  personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
  boundAt: { type: Date, required: true },
});

uniqueIndex(identityBindingSchema, {
  fields: ['kind', 'provider', 'externalId'],
  code: 'IDENTITY_ALREADY_BOUND',
  message: '该身份已绑定到其他人员，如需更换请联系管理员解绑',
});
identityBindingSchema.index({ personId: 1, boundAt: -1 });

export const IdentityBindingModel = model<IdentityBinding>('IdentityBinding', identityBindingSchema);
