/**
 * Publications (R10): one document per attempt to publish an approved draft through a platform's API —
 * what was sent (the approved version and its hash), what the platform answered (media_id, publish_id,
 * article), the result and the verification of what appeared. States (publication-rules.ts):
 * submitting → publishing → published / failed → verified / mismatch. Changes are audited claimed
 * writes recorded in the draft's trail (publication-changes.ts).
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';
import { timelineEntrySchema } from '../drafts/draft-timeline-entry';
import type { DraftTimelineEntry } from '../drafts/draft-timeline-entry';

export const publicationStates = ['submitting', 'publishing', 'published', 'failed', 'verified', 'mismatch'] as const;
export type PublicationState = (typeof publicationStates)[number];

/** Why an attempt failed: the platform's publish_status (2–6), or a refusal before the platform took it. */
export interface PublicationFailure {
  /** publish_status 2–6; null when the submission itself failed or was cut short. */
  publishStatus: number | null;
  /** UPPER_SNAKE, e.g. PUBLISH_REJECTED_BY_PLATFORM, OFFICIAL_ACCOUNT_API_ERROR, SUBMISSION_INTERRUPTED. */
  code: string;
  /** What the officer was told, in Chinese. */
  message: string;
}

/** How the published article compared with the approved version. */
export interface PublicationVerification {
  checkedAt: Date;
  /** Places that differ (0 when verified). */
  placeCount: number;
  /** The difference as sent in chat ('' when verified). */
  summary: string;
  /** The published article's fingerprint (article-fingerprint-rules), for the sweep to match. */
  fingerprint: string;
  /** What the article said when checked (its text as article-html-rules reads it): the difference is shown from these. */
  publishedTitle: string;
  publishedText: string;
  /** The platform said the article is deleted. */
  deleted: boolean;
}

export interface Publication {
  _id: Types.ObjectId;
  draftId: Types.ObjectId;
  /** The draft's short code when this attempt began (codes are reused once a draft closes). */
  draftCode: string;
  unitId: Types.ObjectId;
  accountId: Types.ObjectId;
  submitterId: Types.ObjectId;
  /** Who sent 发布; null for automatic publishing after approval. */
  requestedById: Types.ObjectId | null;
  /** Who approved the version sent: told of the result with the submitter. */
  approverIds: Types.ObjectId[];
  /** The approved version sent, its hash (R2), and its title and text as the article carries them. */
  versionNumber: number;
  contentHash: string;
  title: string;
  text: string;
  /** The fingerprint of the article as built from the approved version (article-fingerprint-rules). */
  fingerprint: string;
  state: PublicationState;
  /** When the state last changed, on the service's clock (the check job's windows are on it). */
  stateChangedAt: Date;
  /**
   * '' while the attempt is in flight (submitting, publishing); its own id once the platform answered.
   * Unique with the draft, so a draft has one attempt in flight: a second 发布 is refused by the insert.
   */
  openKey: string;
  mediaId: string;
  publishId: string;
  msgDataId: string;
  /** When the platform took the publication (freepublish/submit answered). */
  submittedAt: Date | null;
  /** When the platform's result came (by push or by polling). */
  finishedAt: Date | null;
  articleId: string;
  articleUrl: string;
  failure: PublicationFailure | null;
  verification: PublicationVerification | null;
  /** Its events in the draft's trail, kept with it for the draft's timeline (one read, not a trail scan). */
  timeline?: DraftTimelineEntry[];
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const publicationSchema = new Schema<Publication>(
  {
    draftId: { type: Schema.Types.ObjectId, ref: 'Draft', required: true },
    draftCode: { type: String, required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    submitterId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    requestedById: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
    approverIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    versionNumber: { type: Number, required: true },
    contentHash: { type: String, required: true },
    title: { type: String, required: true },
    text: { type: String, default: '' },
    fingerprint: { type: String, default: '' },
    state: { type: String, enum: publicationStates, default: 'submitting' },
    stateChangedAt: { type: Date, required: true },
    openKey: { type: String, default: '' },
    mediaId: { type: String, default: '' },
    publishId: { type: String, default: '' },
    msgDataId: { type: String, default: '' },
    submittedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    articleId: { type: String, default: '' },
    articleUrl: { type: String, default: '' },
    failure: {
      type: new Schema<PublicationFailure>(
        { publishStatus: { type: Number, default: null }, code: String, message: String },
        { _id: false },
      ),
      default: null,
    },
    verification: {
      type: new Schema<PublicationVerification>(
        {
          checkedAt: Date,
          placeCount: Number,
          summary: String,
          fingerprint: String,
          publishedTitle: String,
          publishedText: String,
          deleted: Boolean,
        },
        { _id: false },
      ),
      default: null,
    },
    timeline: { type: [timelineEntrySchema], default: undefined },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);

uniqueIndex(publicationSchema, {
  fields: ['draftId', 'openKey'],
  code: 'PUBLICATION_IN_FLIGHT',
  message: '该稿件正在发布中，请等待平台返回结果',
});
// 查看 and the API: a draft's attempts, latest first.
publicationSchema.index({ draftId: 1, createdAt: -1 });
// The platform's result names the publish_id (push event, freepublish/get).
publicationSchema.index({ publishId: 1 });
// The check job: attempts waiting for a result or a verification, and outcomes of the last minutes.
publicationSchema.index({ state: 1, stateChangedAt: 1 });
// The platform sweep: which of the articles it finds were published through the API (and are verified there).
publicationSchema.index({ articleId: 1 });

export const PublicationModel = model<Publication>('Publication', publicationSchema);
