/**
 * Posts (R6): one per publication reported with "已发布", or found on the platform by the sweep of a
 * connected account, with its date, link and whether it is original or a reprint. The record behind
 * the cadence figures; the per-account summary lives in CadenceState.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const postSources = ['report', 'platform'] as const;
export type PostSource = (typeof postSources)[number];

/** What the sweep found wrong with a post on the platform (R10); it counts as an update all the same. */
export const postFlags = ['unapproved', 'mismatch'] as const;
export type PostFlag = (typeof postFlags)[number];

export interface Post {
  _id: Types.ObjectId;
  /**
   * The draft whose publication this is: a report recorded twice, or reported and found on the
   * platform, is one post. A post found on the platform that is no approved draft's publication holds
   * an id derived from its article key (platformPostKey), which no draft has.
   */
  draftId: Types.ObjectId;
  /** null when the draft named no account and its unit has more than one. */
  accountId: Types.ObjectId | null;
  unitId: Types.ObjectId;
  publishedAt: Date;
  url: string;
  original: boolean;
  recordedAt: Date;
  /** 'report' (已发布) unless found on the platform; absent on posts recorded before the sweep. */
  source?: PostSource;
  /** The platform's article ("<account>:<article id>:<index>"), for a post found on the platform. */
  articleKey?: string;
  flag?: PostFlag | null;
}

const postSchema = new Schema<Post>(
  {
    draftId: { type: Schema.Types.ObjectId, ref: 'Draft', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', default: null },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    publishedAt: { type: Date, required: true },
    url: { type: String, default: '' },
    original: { type: Boolean, required: true },
    recordedAt: { type: Date, required: true },
    source: { type: String, enum: postSources, default: 'report' },
    articleKey: { type: String },
    flag: { type: String, enum: [...postFlags, null], default: null },
  },
  { versionKey: false },
);

uniqueIndex(postSchema, { fields: ['draftId'], code: 'POST_EXISTS', message: '该稿件的发布已登记' });
postSchema.index({ accountId: 1, publishedAt: -1 });
postSchema.index({ unitId: 1, publishedAt: -1 });

export const PostModel = model<Post>('Post', postSchema);
