/**
 * The account registry (R4): one document per new-media account of a unit, with the fields of its
 * opening application (申请表) and its decision, the filing and re-filings, its certification and
 * interaction function, and its closure workflow. Changes are audited claimed writes (src/audit/audit-ledger.ts).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

import type { AccountPlatform, AccountStatus, ClosureStep, FilingKind } from './account-vocabulary';
import { accountPlatforms, accountStatuses, closureSteps, filingKinds } from './account-vocabulary';

export { accountPlatforms, accountStatuses, closureSteps, filingKinds };
export type { AccountPlatform, AccountStatus, ClosureStep, FilingKind };

/** One filing with the managing office: the opening, a re-filing (from → to), or the closure. */
export interface AccountFiling {
  kind: FilingKind;
  filedAt: Date;
  filedById: Types.ObjectId;
  note: string;
  /** For re-filings: the person before and after the change. */
  fromId: Types.ObjectId | null;
  toId: Types.ObjectId | null;
}

export interface ClosureRecord {
  step: ClosureStep;
  at: Date;
  byId: Types.ObjectId;
  note: string;
  /** The stop notice's link (停更公告). */
  url: string;
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
  backendAdminPhone: string;
  applicantId: Types.ObjectId | null;
  status: AccountStatus;
  /** The managing office's decision on the opening application (开办审核). */
  openingApproval: {
    decision: 'approved' | 'rejected' | null;
    byId: Types.ObjectId | null;
    at: Date | null;
    reason: string;
    documentNumber: string;
  };
  /** The date the account was opened on the platform (from the application). */
  openedAt: Date | null;
  /** Filing deadline after opening (R4: 3 days by default, configurable per province). */
  filingDueAt: Date | null;
  /** When the opening was filed (备案); null while it is not. */
  filedAt: Date | null;
  filings: AccountFiling[];
  certification: { certified: boolean; expiresAt: Date | null };
  /** The public interaction function; the national inspection fails an account without one. */
  interactionEnabled: boolean;
  /** Baseline publishing cadence in days (R6: one post every 1–3 days, adjustable per account). */
  cadenceDays: number;
  closure: ClosureRecord[];
  /** '' while the account holds its platform slot; its own id once rejected or closed, freeing the slot. */
  closedKey: string;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const personReference = { type: Schema.Types.ObjectId, ref: 'Person' };

const accountSchema = new Schema<Account>(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    platform: { type: String, enum: accountPlatforms, required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    purpose: { type: String, default: '', maxlength: 500 },
    scope: { type: String, default: '', maxlength: 500 },
    leaderInChargeId: { ...personReference, required: true },
    backendAdminId: { ...personReference, required: true },
    backendAdminPhone: { type: String, default: '', maxlength: 30 },
    applicantId: { ...personReference, default: null },
    status: { type: String, enum: accountStatuses, default: 'applying' },
    openingApproval: {
      decision: { type: String, enum: ['approved', 'rejected', null], default: null },
      byId: { ...personReference, default: null },
      at: { type: Date, default: null },
      reason: { type: String, default: '' },
      documentNumber: { type: String, default: '' },
    },
    openedAt: { type: Date, default: null },
    filingDueAt: { type: Date, default: null },
    filedAt: { type: Date, default: null },
    filings: [
      {
        _id: false,
        kind: { type: String, enum: filingKinds, required: true },
        filedAt: { type: Date, required: true },
        filedById: { ...personReference, required: true },
        note: { type: String, default: '' },
        fromId: { ...personReference, default: null },
        toId: { ...personReference, default: null },
      },
    ],
    certification: {
      certified: { type: Boolean, default: false },
      expiresAt: { type: Date, default: null },
    },
    interactionEnabled: { type: Boolean, default: true },
    cadenceDays: { type: Number, min: 1, max: 14, default: 3 },
    closure: [
      {
        _id: false,
        step: { type: String, enum: closureSteps, required: true },
        at: { type: Date, required: true },
        byId: { ...personReference, required: true },
        note: { type: String, default: '' },
        url: { type: String, default: '' },
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
accountSchema.index({ status: 1, filedAt: 1, filingDueAt: 1 });
accountSchema.index({ unitId: 1, status: 1 });
// Chat names an account: by name, oldest first (findByName).
accountSchema.index({ name: 1, _id: 1 });

export const AccountModel = model<Account>('Account', accountSchema);
