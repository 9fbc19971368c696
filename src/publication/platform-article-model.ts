/**
 * The articles the platform sweep saw on connected accounts (R10): one document per article of a
 * publication ("<account>:<article id>:<index>", `_id` derived from it, so a sweep that sees it again
 * records nothing twice), with what the sweep found — the approval it verified, a near-miss of one
 * (mismatch), or no approval at all (unapproved) — and whether it was deleted or replaced since.
 * Changes after the first record are claimed writes on the claims collection (shared/claimed-write.ts),
 * each followed by its audit event.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { objectIdOfKey } from '../shared/ids';
import { timelineEntrySchema } from '../drafts/draft-timeline-entry';
import type { DraftTimelineEntry } from '../drafts/draft-timeline-entry';

export const articleFindings = ['verified', 'mismatch', 'unapproved'] as const;
export type ArticleFinding = (typeof articleFindings)[number];

export interface PlatformArticle {
  /** platformArticleIdOf(key). */
  _id: Types.ObjectId;
  /** "<account id>:<article id>:<index>". */
  key: string;
  accountId: Types.ObjectId;
  unitId: Types.ObjectId;
  articleId: string;
  /** Its place in the publication (a publication may carry several articles), from 0. */
  index: number;
  title: string;
  url: string;
  /** The platform's update_time of the publication. */
  publishedAt: Date;
  /** The fingerprint of title and text as seen (article-fingerprint-rules: `whole`). */
  fingerprint: string;
  finding: ArticleFinding;
  /** The approved draft it is (verified) or resembles (mismatch); null when unapproved. */
  draftId: Types.ObjectId | null;
  versionNumber: number | null;
  /**
   * Whether its finding was told to anyone: an article from before the account's first sweep (its
   * history) is recorded and counted quietly.
   */
  alerted: boolean;
  /** Deleted on the platform since (is_deleted). */
  deleted: boolean;
  /** A verified article's title or text changed on the platform since: the fingerprint then seen. */
  replacedBy: string;
  firstSeenAt: Date;
  /**
   * The serious wrong expressions (“错误”应为“正确”) in the text as last seen: the inspection readiness
   * report's 严重表述错误 line. Absent on articles recorded before it was kept.
   */
  seriousExpressions?: string[];
  /** Its events in the draft's trail (findings about a draft), kept for the draft's timeline. */
  timeline?: DraftTimelineEntry[];
  revision: number;
}

const platformArticleSchema = new Schema<PlatformArticle>(
  {
    key: { type: String, required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    articleId: { type: String, required: true },
    index: { type: Number, required: true },
    title: { type: String, default: '' },
    url: { type: String, default: '' },
    publishedAt: { type: Date, required: true },
    fingerprint: { type: String, required: true },
    finding: { type: String, enum: articleFindings, required: true },
    draftId: { type: Schema.Types.ObjectId, ref: 'Draft', default: null },
    versionNumber: { type: Number, default: null },
    alerted: { type: Boolean, default: false },
    deleted: { type: Boolean, default: false },
    replacedBy: { type: String, default: '' },
    firstSeenAt: { type: Date, required: true },
    seriousExpressions: { type: [String], default: undefined },
    timeline: { type: [timelineEntrySchema], default: undefined },
    revision: { type: Number, default: 0 },
  },
  { versionKey: false },
);

// An account's articles, newest first (the account page, and the counts of the last 30 days).
platformArticleSchema.index({ accountId: 1, publishedAt: -1 });
// The articles of a draft (its 发布核验).
platformArticleSchema.index({ draftId: 1 });

export const PlatformArticleModel = model<PlatformArticle>(
  'PlatformArticle',
  platformArticleSchema,
  'platform_articles',
);

/** The record's id: it follows from the article's key, so an article is recorded once. */
export function platformArticleIdOf(key: string): Types.ObjectId {
  return objectIdOfKey('platform-article', key);
}
