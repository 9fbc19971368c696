/**
 * A 微信公众号 account's connection to the platform's API (R10), one document per account, keyed by the
 * account's id. The AppSecret, the Token and the EncodingAESKey are stored sealed (shared/secret-box.ts,
 * bound to the account and the field); '' when not set. Changes are claimed writes on the claims
 * collection (shared/claimed-write.ts), each followed by its audit event.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import type { ConnectionState } from './official-account-connection-rules';

export interface OfficialAccountConnection {
  /** The account's id. */
  _id: Types.ObjectId;
  appId: string;
  apiBaseUrl: string;
  sealedAppSecret: string;
  sealedToken: string;
  sealedEncodingAesKey: string;
  state: ConnectionState;
  /** Publishing settings (not secret): publish as soon as approved, the articles' author, the default cover. */
  autoPublish: boolean;
  author: string;
  defaultCoverMediaId: string;
  /** The last test of the settings as they are (cleared when they change). */
  lastTest: { at: Date; ok: boolean; code: string; message: string } | null;
  changedAt: Date | null;
  changedById: Types.ObjectId | null;
  revision: number;
}

const connectionSchema = new Schema<OfficialAccountConnection>(
  {
    appId: { type: String, default: '' },
    apiBaseUrl: { type: String, default: '' },
    sealedAppSecret: { type: String, default: '' },
    sealedToken: { type: String, default: '' },
    sealedEncodingAesKey: { type: String, default: '' },
    state: { type: String, enum: ['unset', 'untested', 'connected', 'failed'], default: 'unset' },
    autoPublish: { type: Boolean, default: false },
    author: { type: String, default: '' },
    defaultCoverMediaId: { type: String, default: '' },
    lastTest: {
      type: new Schema({ at: Date, ok: Boolean, code: String, message: String }, { _id: false, versionKey: false }),
      default: null,
    },
    changedAt: { type: Date, default: null },
    changedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    revision: { type: Number, default: 0 },
  },
  { versionKey: false },
);

// The connected accounts: the platform sweep's daily list, and whose posts are counted from the platform.
connectionSchema.index({ state: 1 });

export const OfficialAccountConnectionModel = model<OfficialAccountConnection>(
  'OfficialAccountConnection',
  connectionSchema,
  'official_account_connections',
);
