/**
 * A draft and everything decided about it: its content versions (each with the hash an approval
 * binds to, R2), its approval route and the decisions of each step, and its timeline. `revision`
 * increments on every transition, each claimed once (src/shared/claimed-write.ts).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { findingFields, findingSeverities } from '../content-check/content-check-rules';
import type { ContentFinding } from '../content-check/content-check-rules';
import { timelineEntrySchema } from './draft-timeline-entry';
import type { DraftTimelineEntry } from './draft-timeline-entry';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const draftStatuses = ['in_review', 'approved', 'published', 'rejected', 'withdrawn'] as const;
export type DraftStatus = (typeof draftStatuses)[number];

export const approvalModes = ['any', 'all'] as const;
/** any: 或签, one approver suffices; all: 会签, every approver must approve and any rejection rejects. */
export type ApprovalMode = (typeof approvalModes)[number];

export const stepStatuses = ['waiting', 'pending', 'approved', 'rejected'] as const;
export type StepStatus = (typeof stepStatuses)[number];

// Findings are defined by the content check (R7), which produces them; stored here as it returns them.
export type { ContentFinding, DraftTimelineEntry };

export interface DraftAttachment {
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  storagePath: string;
}

export interface DraftVersion {
  number: number;
  title: string;
  body: string;
  sourceUrl: string;
  /** Set for a reprint (转载): where it comes from and its original title. */
  reprint: { source: string; originalTitle: string } | null;
  attachments: DraftAttachment[];
  contentHash: string;
  findings: ContentFinding[];
  createdById: Types.ObjectId;
  createdAt: Date;
}

export interface ApprovalDecision {
  approverId: Types.ObjectId;
  /** Set when a delegate or colleague decided for the designated approver ("X on behalf of Y"). */
  onBehalfOfId: Types.ObjectId | null;
  decision: 'approve' | 'reject';
  comment: string;
  versionNumber: number;
  contentHash: string;
  decidedAt: Date;
}

/** A pending item handed by one approver to a colleague (转交), for one version; see ReviewHandover. */
export interface ApprovalHandover {
  fromId: Types.ObjectId;
  toId: Types.ObjectId;
  versionNumber: number;
  at: Date;
  /** 'unbind': moved from a person who left, for this version and later ones. */
  cause?: 'unbind';
  replacedId?: Types.ObjectId;
}

export interface ApprovalStep {
  mode: ApprovalMode;
  approverIds: Types.ObjectId[];
  backupApproverIds: Types.ObjectId[];
  status: StepStatus;
  decisions: ApprovalDecision[];
  handovers: ApprovalHandover[];
  /** When the step last became pending (approval-step-rules.ts); null while waiting, absent on older drafts. */
  pendingSince?: Date | null;
}

/** An outbox entry a transition sent (kept with the state it led to). */
export interface DraftMessage {
  idempotencyKey: string;
  recipient: { personId: string };
  text: string;
  file: { path: string; name: string } | null;
}

export interface Draft {
  _id: Types.ObjectId;
  shortCode: string;
  /** '' while the draft is open; its own id once closed, so short codes are unique among open drafts. */
  closedKey: string;
  unitId: Types.ObjectId;
  accountId: Types.ObjectId | null;
  submitterId: Types.ObjectId;
  status: DraftStatus;
  versions: DraftVersion[];
  currentVersion: number;
  steps: ApprovalStep[];
  currentStepIndex: number;
  /** People to inform (抄送) when the draft is approved or published. */
  ccIds: Types.ObjectId[];
  /** True once the cc were told of an approval: they then hear of revisions, revocations, withdrawal. */
  ccInformed: boolean;
  /** Who may decide right now; kept with each transition so "待办" is one indexed query. */
  pendingApproverIds: Types.ObjectId[];
  publication: { url: string; publishedAt: Date | null; reportedById: Types.ObjectId | null };
  /** The messages of the last transition, enqueued again when its request is repeated. */
  lastMessages: DraftMessage[];
  /** Its audit events, oldest first; absent on drafts stored before it was kept, until the upgrade. */
  timeline?: DraftTimelineEntry[];
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const findingSchema = new Schema<ContentFinding>(
  {
    rule: String,
    category: String,
    severity: { type: String, enum: findingSeverities },
    field: { type: String, enum: findingFields },
    start: Number,
    end: Number,
    excerpt: String,
    suggestion: String,
  },
  { _id: false },
);

const versionSchema = new Schema<DraftVersion>(
  {
    number: { type: Number, required: true },
    title: { type: String, required: true, maxlength: 200 },
    body: { type: String, default: '' },
    sourceUrl: { type: String, default: '' },
    reprint: {
      type: new Schema({ source: String, originalTitle: String }, { _id: false }),
      default: null,
    },
    attachments: [
      {
        _id: false,
        name: String,
        mimeType: String,
        size: Number,
        sha256: String,
        storagePath: String,
      },
    ],
    contentHash: { type: String, required: true },
    findings: { type: [findingSchema], default: [] },
    createdById: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
);

const stepSchema = new Schema<ApprovalStep>(
  {
    mode: { type: String, enum: approvalModes, default: 'any' },
    approverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    backupApproverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    status: { type: String, enum: stepStatuses, default: 'waiting' },
    decisions: [
      {
        _id: false,
        approverId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        onBehalfOfId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
        decision: { type: String, enum: ['approve', 'reject'], required: true },
        comment: { type: String, default: '' },
        versionNumber: { type: Number, required: true },
        contentHash: { type: String, required: true },
        decidedAt: { type: Date, required: true },
      },
    ],
    handovers: [
      {
        _id: false,
        fromId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        toId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        versionNumber: { type: Number, required: true },
        at: { type: Date, required: true },
        cause: { type: String, enum: ['unbind'] },
        replacedId: { type: Schema.Types.ObjectId, ref: 'Person' },
      },
    ],
    pendingSince: { type: Date, default: null },
  },
  { _id: false },
);

const draftMessageSchema = new Schema<DraftMessage>(
  {
    idempotencyKey: { type: String, required: true },
    recipient: { personId: { type: String, required: true } },
    text: { type: String, required: true },
    file: { type: new Schema({ path: String, name: String }, { _id: false }), default: null },
  },
  { _id: false },
);

const draftSchema = new Schema<Draft>(
  {
    shortCode: { type: String, required: true },
    closedKey: { type: String, default: '' },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', default: null },
    submitterId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    status: { type: String, enum: draftStatuses, default: 'in_review' },
    versions: { type: [versionSchema], default: [] },
    currentVersion: { type: Number, default: 1 },
    steps: { type: [stepSchema], default: [] },
    currentStepIndex: { type: Number, default: 0 },
    ccIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    ccInformed: { type: Boolean, default: false },
    pendingApproverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    publication: {
      url: { type: String, default: '' },
      publishedAt: { type: Date, default: null },
      reportedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    },
    lastMessages: { type: [draftMessageSchema], default: [] },
    // No default: an absent timeline marks a draft the upgrade has not reached (draft-storage-upgrade.ts).
    timeline: { type: [timelineEntrySchema], default: undefined },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);

uniqueIndex(draftSchema, {
  fields: ['shortCode', 'closedKey'],
  code: 'DRAFT_CODE_TAKEN',
  message: '稿件编号已被占用，请重试',
});
// Lists read the drafts' listings (draft-listing-model.ts), and a draft is read by `_id`; the drafts
// themselves are queried only by the inspection export: each alternative of a viewer's scope, by creation.
draftSchema.index({ unitId: 1, createdAt: 1, _id: 1 });
draftSchema.index({ submitterId: 1, createdAt: 1, _id: 1 });
draftSchema.index({ accountId: 1, createdAt: 1, _id: 1 });
draftSchema.index({ 'steps.approverIds': 1, createdAt: 1, _id: 1 });
draftSchema.index({ 'steps.backupApproverIds': 1, createdAt: 1, _id: 1 });
// The platform sweep's approvals changed since its last run (listApprovalsChangedSince).
draftSchema.index({ status: 1, updatedAt: 1 });

export const DraftModel = model<Draft>('Draft', draftSchema);
