/**
 * A draft's listing: the small document every list of drafts reads (MongoDB's subset pattern) — the
 * API's list, 待办, 我的稿件, the dashboard, the nudges' and the cadence's lists, a look-up by short code.
 * One per draft, `_id` the draft's, derived from the draft (draft-listing-rules.ts) and written by `_id`
 * in the same claimed transition, just before the draft itself (draft-store.ts). Versions' texts,
 * findings, files, decisions and messages stay in the draft, which is read by `_id` alone.
 *
 * Why: the embedded FerretDB decodes every document of a collection for any filter but one `_id`, so a
 * list costs the number of drafts times their size; measured on `npm run bench -- api`.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { draftStatuses } from './draft-model';
import type { DraftStatus } from './draft-model';

export interface DraftListing {
  /** The draft's id. */
  _id: Types.ObjectId;
  shortCode: string;
  /** The current version's title. */
  title: string;
  /** Every version's title, once each: what the list's search (`q`) matches. */
  titles: string[];
  unitId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  submitterId: Types.ObjectId;
  status: DraftStatus;
  currentVersion: number;
  /** When the current version was submitted: the first step waits since then. */
  versionCreatedAt: Date;
  currentStepIndex: number;
  stepCount: number;
  /** The approvers and the backups of every step: who sees the draft through its route. */
  approverIds: Types.ObjectId[];
  backupApproverIds: Types.ObjectId[];
  pendingApproverIds: Types.ObjectId[];
  /** The last approval of the current version; null before one. */
  approvedAt: Date | null;
  publishedAt: Date | null;
  /** The draft's revision this listing shows. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const ids = { type: [Schema.Types.ObjectId], ref: 'Person', default: [] };

const draftListingSchema = new Schema<DraftListing>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    shortCode: { type: String, required: true },
    title: { type: String, default: '' },
    titles: { type: [String], default: [] },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', default: null },
    submitterId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    status: { type: String, enum: draftStatuses, required: true },
    currentVersion: { type: Number, required: true },
    versionCreatedAt: { type: Date, required: true },
    currentStepIndex: { type: Number, required: true },
    stepCount: { type: Number, required: true },
    approverIds: ids,
    backupApproverIds: ids,
    pendingApproverIds: ids,
    approvedAt: { type: Date, default: null },
    publishedAt: { type: Date, default: null },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  // The draft's own times are copied, not stamped anew.
  { versionKey: false, timestamps: false },
);

// The API's list: each alternative of a viewer's scope, sorted by last change (draft-access-rules).
draftListingSchema.index({ unitId: 1, updatedAt: -1, _id: -1 });
draftListingSchema.index({ submitterId: 1, updatedAt: -1, _id: -1 });
draftListingSchema.index({ accountId: 1, updatedAt: -1, _id: -1 });
draftListingSchema.index({ approverIds: 1, updatedAt: -1, _id: -1 });
draftListingSchema.index({ backupApproverIds: 1, updatedAt: -1, _id: -1 });
// 待办, 我的稿件, a draft by the code people type, the lists of the nudges and the cadence check.
draftListingSchema.index({ pendingApproverIds: 1, status: 1, createdAt: 1 });
draftListingSchema.index({ submitterId: 1, createdAt: -1 });
draftListingSchema.index({ shortCode: 1, createdAt: -1 });
draftListingSchema.index({ status: 1, updatedAt: -1 });
draftListingSchema.index({ status: 1, publishedAt: -1 });

export const DraftListingModel = model<DraftListing>('DraftListing', draftListingSchema, 'draft_listings');
