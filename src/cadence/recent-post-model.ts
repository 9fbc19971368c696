/**
 * The posts of the last weeks (R6, R10 in 考核自查): a copy of each post published within
 * `recentPostDays`, written beside the post and pruned nightly. The inspection readiness report reads
 * this small collection instead of the year of posts (on the embedded database any read of `posts`
 * reads all of them); a report for an older date reads `posts`.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';
import type { Post } from './post-model';

/** Kept this long after publication: the report's 30-day windows, for dates up to a month back. */
export const recentPostDays = 62;

export type RecentPost = Pick<
  Post,
  'draftId' | 'accountId' | 'unitId' | 'publishedAt' | 'url' | 'original' | 'recordedAt' | 'source' | 'flag'
> & { _id: Types.ObjectId };

const recentPostSchema = new Schema<RecentPost>(
  {
    draftId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, default: null },
    unitId: { type: Schema.Types.ObjectId, required: true },
    publishedAt: { type: Date, required: true },
    url: { type: String, default: '' },
    original: { type: Boolean, required: true },
    recordedAt: { type: Date, required: true },
    source: { type: String, default: 'report' },
    flag: { type: String, default: null },
  },
  { versionKey: false },
);

uniqueIndex(recentPostSchema, { fields: ['draftId'], code: 'RECENT_POST_EXISTS', message: '该稿件的发布已登记' });
recentPostSchema.index({ accountId: 1, publishedAt: -1 });
// The nightly prune.
recentPostSchema.index({ publishedAt: 1 });

export const RecentPostModel = model<RecentPost>('RecentPost', recentPostSchema, 'recent_posts');
