/**
 * The account registry (R4): one document per new-media account of a unit, with the fields of its
 * opening application and filing, its certification and interaction function, and its closure workflow.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const accountPlatforms = [
  'wechat-official-account',
  'wechat-channels',
  'weibo',
  'toutiao',
  'douyin',
  'kuaishou',
  'app',
  'other',
] as const;
export type AccountPlatform = (typeof accountPlatforms)[number];

export const accountStatuses = ['applying', 'active', 'closing', 'closed'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export const closureSteps = ['requested', 'approved', 'stop-notice-published', 'platform-cancelled', 'filed'] as const;
export type ClosureStep = (typeof closureSteps)[number];

export interface AccountFiling {
  kind: 'opening' | 'leader-change' | 'admin-change' | 'closure';
  filedAt: Date;
  filedById: Types.ObjectId;
  note: string;
}

export interface Account {
  _id: Types.ObjectId;
  unitId: Types.ObjectId;
  platform: AccountPlatform;
  name: string;
  purpose: string;
  scope: string;
  leaderInChargeId: Types.ObjectId;
  backendAdminId: Types.ObjectId;
  status: AccountStatus;
  /** Opening approved by the managing office (开办审核). */
  openingApproval: { approvedById: Types.ObjectId | null; approvedAt: Date | null; documentNumber: string };
  openedAt: Date | null;
  /** Filing deadline after opening (R4: 3 days by default, configurable per province). */
  filingDueAt: Date | null;
  filings: AccountFiling[];
  certification: { certified: boolean; expiresAt: Date | null };
  /** The public interaction function; the national inspection fails an account without one. */
  interactionEnabled: boolean;
  /** Baseline publishing cadence in days (R6: one post every 1–3 days, adjustable per account). */
  cadenceDays: number;
  closure: { step: ClosureStep; at: Date; byId: Types.ObjectId; note: string }[];
  /** '' while the account is not closed; its own id afterwards, so a closed account frees its platform slot. */
  closedKey: string;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<Account>(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    platform: { type: String, enum: accountPlatforms, required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    purpose: { type: String, default: '', maxlength: 500 },
    scope: { type: String, default: '', maxlength: 500 },
    leaderInChargeId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    backendAdminId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    status: { type: String, enum: accountStatuses, default: 'applying' },
    openingApproval: {
      approvedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      approvedAt: { type: Date, default: null },
      documentNumber: { type: String, default: '' },
    },
    openedAt: { type: Date, default: null },
    filingDueAt: { type: Date, default: null },
    filings: [
      {
        _id: false,
        kind: { type: String, enum: ['opening', 'leader-change', 'admin-change', 'closure'], required: true },
        filedAt: { type: Date, required: true },
        filedById: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        note: { type: String, default: '' },
      },
    ],
    certification: {
      certified: { type: Boolean, default: false },
      expiresAt: { type: Date, default: null },
    },
    interactionEnabled: { type: Boolean, default: false },
    cadenceDays: { type: Number, min: 1, max: 14, default: 3 },
    closure: [
      {
        _id: false,
        step: { type: String, enum: closureSteps, required: true },
        at: { type: Date, required: true },
        byId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        note: { type: String, default: '' },
      },
    ],
    closedKey: { type: String, default: '' },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);

uniqueIndex(accountSchema, {
  fields: ['unitId', 'platform', 'closedKey'],
  code: 'ACCOUNT_PLATFORM_TAKEN',
  message: '本单位在该平台已开设账号（同一单位同一平台只能开设一个账号）',
});
accountSchema.index({ status: 1, 'certification.expiresAt': 1 });

export const AccountModel = model<Account>('Account', accountSchema);
