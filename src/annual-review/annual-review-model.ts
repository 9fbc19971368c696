/**
 * One annual review (年审, R5) per account and year: opened on 1 November for every running account,
 * the report the account submits, the managing office's decision, and 待关停 (to be closed) from
 * 1 December for an account without a passed report. Unique per (account, year), so opening a cycle
 * twice, or from two processes, creates each review once.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const annualReviewStatuses = ['open', 'submitted', 'passed', 'failed'] as const;
export type AnnualReviewStatus = (typeof annualReviewStatuses)[number];

export interface AnnualReviewReport {
  text: string;
  file: { name: string; mimeType: string; size: number; sha256: string; storagePath: string } | null;
  submittedAt: Date;
  submittedById: Types.ObjectId;
  /** Submitted after the deadline (30 November): accepted, and recorded as late. */
  late: boolean;
}

export interface AnnualReview {
  _id: Types.ObjectId;
  accountId: Types.ObjectId;
  unitId: Types.ObjectId;
  /** The year of the November in which the review opened. */
  year: number;
  status: AnnualReviewStatus;
  /** Every report submitted, newest last (a failed report may be followed by a new one). */
  reports: AnnualReviewReport[];
  decision: { passed: boolean; byId: Types.ObjectId; at: Date; reason: string } | null;
  /** 待关停: set on 1 December while no report has passed; lifted when a (late) report passes. */
  toClose: boolean;
  toCloseSince: Date | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A report file as stored (the bytes are in the file store under storagePath). */
const reportFileSchema = new Schema(
  { name: String, mimeType: String, size: Number, sha256: String, storagePath: String },
  { _id: false },
);

const annualReviewSchema = new Schema<AnnualReview>(
  {
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    year: { type: Number, required: true },
    status: { type: String, enum: annualReviewStatuses, default: 'open' },
    reports: [
      {
        _id: false,
        text: { type: String, default: '', maxlength: 50_000 },
        file: { type: reportFileSchema, default: null },
        submittedAt: { type: Date, required: true },
        submittedById: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
        late: { type: Boolean, default: false },
      },
    ],
    decision: {
      type: new Schema(
        {
          passed: { type: Boolean, required: true },
          byId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
          at: { type: Date, required: true },
          reason: { type: String, default: '' },
        },
        { _id: false },
      ),
      default: null,
    },
    toClose: { type: Boolean, default: false },
    toCloseSince: { type: Date, default: null },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);

uniqueIndex(annualReviewSchema, {
  fields: ['accountId', 'year'],
  code: 'ANNUAL_REVIEW_EXISTS',
  message: '该账号本年度的年审已开启',
});
annualReviewSchema.index({ year: 1, status: 1 });
annualReviewSchema.index({ toClose: 1, year: 1 });
annualReviewSchema.index({ unitId: 1, year: 1 });

export const AnnualReviewModel = model<AnnualReview>('AnnualReview', annualReviewSchema, 'annual_reviews');

/**
 * A person's "年审 账号名" without text: the next file they send within a while is that review's
 * report. A bare "年审" from a unit with several accounts names no review yet: a file sent then is held
 * here until the person says which account it is for. Keyed by the person, so it survives a restart of
 * the bot and is read by `_id` alone.
 */
export interface AwaitedReport {
  _id: string;
  /** null while the person has not said which account. */
  reviewId: Types.ObjectId | null;
  /** A file received before the account was named. */
  file: AnnualReviewReport['file'];
  until: Date;
}

const awaitedReportSchema = new Schema<AwaitedReport>(
  {
    _id: { type: String, required: true },
    reviewId: { type: Schema.Types.ObjectId, ref: 'AnnualReview', default: null },
    file: { type: reportFileSchema, default: null },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

export const AwaitedReportModel = model<AwaitedReport>(
  'AwaitedReport',
  awaitedReportSchema,
  'annual_review_awaited_reports',
);
