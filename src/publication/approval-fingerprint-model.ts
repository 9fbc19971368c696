/**
 * What each approved draft's article would look like to the sweep (R10): the fingerprints of its
 * approved version (article-fingerprint-rules), one document per draft (`_id` its id), replaced when
 * another version is approved and removed when the draft is no longer approved. Derived from the drafts
 * and rebuilt from them at will (the sweep reads the drafts changed since its last read, sweep-state),
 * so matching an account's articles reads these small documents, not the drafts.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface ApprovalFingerprint {
  /** The draft's id. */
  _id: Types.ObjectId;
  code: string;
  /** null when the draft names no account: then it may be the publication of any of its unit's. */
  accountId: Types.ObjectId | null;
  unitId: Types.ObjectId;
  /** Told of what the sweep finds about the draft's article, without reading the draft. */
  submitterId: Types.ObjectId;
  approverIds: Types.ObjectId[];
  versionNumber: number;
  title: string;
  contentHash: string;
  /** article-fingerprint-rules: title and text, the text alone, the title as people retype it. */
  whole: string;
  text: string;
  titleKey: string;
  /** false for a reprint (转载). */
  original: boolean;
  approvedAt: Date;
}

const approvalFingerprintSchema = new Schema<ApprovalFingerprint>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, default: '' },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', default: null },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    submitterId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    approverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    versionNumber: { type: Number, required: true },
    title: { type: String, default: '' },
    contentHash: { type: String, required: true },
    whole: { type: String, required: true },
    text: { type: String, default: '' },
    titleKey: { type: String, default: '' },
    original: { type: Boolean, default: true },
    approvedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// The approvals of the accounts being swept; and of their units, for drafts that name no account.
approvalFingerprintSchema.index({ accountId: 1, approvedAt: -1 });
approvalFingerprintSchema.index({ unitId: 1, approvedAt: -1 });

export const ApprovalFingerprintModel = model<ApprovalFingerprint>(
  'ApprovalFingerprint',
  approvalFingerprintSchema,
  'approval_fingerprints',
);
