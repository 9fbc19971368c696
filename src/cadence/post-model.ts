/**
 * Posts (R6): one per publication reported with "已发布", with its date, link and whether it is original
 * or a reprint. The record behind the cadence figures; the per-account summary lives in CadenceState.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export interface Post {
  _id: Types.ObjectId;
  /** The draft whose publication this is: a report recorded twice is one post. */
  draftId: Types.ObjectId;
  /** null when the draft named no account and its unit has more than one. */
  accountId: Types.ObjectId | null;
  unitId: Types.ObjectId;
  publishedAt: Date;
  url: string;
  original: boolean;
  recordedAt: Date;
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
  },
  { versionKey: false },
);

uniqueIndex(postSchema, { fields: ['draftId'], code: 'POST_EXISTS', message: '该稿件的发布已登记' });
postSchema.index({ accountId: 1, publishedAt: -1 });
postSchema.index({ unitId: 1, publishedAt: -1 });

export const PostModel = model<Post>('Post', postSchema);
