/**
 * The posts of each account (R6), each moving its account's last-post dates forward: recorded from
 * 已发布 reports (the draft service), made up by the daily check, and — for an account connected to its
 * platform — found on the platform by the sweep (R10), which then alone counts that account's posts.
 * Apart from the cadence service so the draft service can record through it without a cycle.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { insertIgnoringDuplicates, isUniqueConflict } from '../shared/database';
import { objectIdOfKey } from '../shared/ids';
import type { PublishedDraft } from '../drafts/draft-service-types';
import { PostModel } from './post-model';
import type { PostFlag } from './post-model';
import { CadenceStateModel } from './cadence-state-model';
import type { CadenceAccounts } from '../accounts/cadence-accounts';

/** The accounts whose posts are counted from their platform (a connected 公众号), not from reports. */
export interface PlatformCountedAccounts {
  countsFromPlatform(accountId: string): Promise<boolean>;
}

export interface PostLedgerDependencies {
  clock: Clock;
  accounts: Pick<CadenceAccounts, 'soleActiveAccountOf'>;
  /** None: every account's posts are counted from reports. */
  platform?: PlatformCountedAccounts;
  logger?: Logger;
}

/** A post the sweep found on an account's platform. */
export interface PlatformPost {
  accountId: string;
  unitId: string;
  /** The platform's article: "<account id>:<article id>:<index>". */
  articleKey: string;
  /** The approved draft it is the publication of, when the sweep verified it; null otherwise. */
  draftId: string | null;
  publishedAt: Date;
  url: string;
  /** false for a reprint, and for a post no approval vouches for (the platform does not say). */
  original: boolean;
  /** What is wrong with it (an update all the same, as for an inspector); null when verified. */
  flag: PostFlag | null;
}

/**
 * The post key of a platform post that is no approved draft's publication: an id derived from its
 * article key, which no draft has, so the post is recorded once however often it is seen.
 */
export function platformPostKey(articleKey: string): Types.ObjectId {
  return objectIdOfKey('platform-post', articleKey);
}

export class PostLedger {
  constructor(private readonly dependencies: PostLedgerDependencies) {}

  /**
   * Records a reported post (once per draft) and moves its account's last-post dates forward. An
   * account counted from its platform ignores reports (an officer's word is not what an inspector
   * counts: the sweep records what is really there) unless `fromPlatform` says the platform confirmed
   * this publication.
   */
  async recordPublication(publication: PublishedDraft, options: { fromPlatform?: boolean } = {}): Promise<void> {
    const accountId =
      publication.accountId ?? (await this.dependencies.accounts.soleActiveAccountOf(publication.unitId));
    if (accountId && !options.fromPlatform && (await this.dependencies.platform?.countsFromPlatform(accountId))) {
      this.dependencies.logger?.debug(
        { draftId: publication.draftId, accountId },
        'report on an account counted from its platform: the sweep records its posts',
      );
      return;
    }
    try {
      await PostModel.create({
        draftId: publication.draftId,
        accountId,
        unitId: publication.unitId,
        publishedAt: publication.publishedAt,
        url: publication.url,
        original: publication.original,
        recordedAt: this.dependencies.clock.now(),
      });
    } catch (error) {
      // Recorded already (a repeated report, or the daily check making up a missed one).
      if (!isUniqueConflict(error)) throw error;
    }
    if (!accountId) {
      this.dependencies.logger?.warn(
        { draftId: publication.draftId, unitId: publication.unitId },
        'post names no account and its unit has several; not counted for any account',
      );
      return;
    }
    await this.moveLastPostDates([{ accountId, publishedAt: publication.publishedAt, original: publication.original }]);
  }

  /**
   * Records the posts the sweep found on the platform, each once (a verified one is its draft's post,
   * so a report or a publication of the same draft is not counted again), in one write, and moves each
   * account's last-post dates forward in one more.
   */
  async recordPlatformPosts(posts: PlatformPost[]): Promise<void> {
    if (posts.length === 0) return;
    const recordedAt = this.dependencies.clock.now();
    await insertIgnoringDuplicates(
      PostModel.collection,
      posts.map((post) => ({
        _id: new Types.ObjectId(),
        draftId: post.draftId ? new Types.ObjectId(post.draftId) : platformPostKey(post.articleKey),
        accountId: new Types.ObjectId(post.accountId),
        unitId: new Types.ObjectId(post.unitId),
        publishedAt: post.publishedAt,
        url: post.url,
        original: post.original,
        recordedAt,
        source: 'platform',
        articleKey: post.articleKey,
        flag: post.flag,
      })),
    );
    await this.moveLastPostDates(posts);
  }

  /** Each account's last (original) post date moves to the latest of these, never back; one write. */
  private async moveLastPostDates(posts: { accountId: string; publishedAt: Date; original: boolean }[]): Promise<void> {
    const latest = new Map<string, { lastPostAt: Date; lastOriginalPostAt?: Date }>();
    for (const post of posts) {
      const dates = latest.get(post.accountId) ?? { lastPostAt: post.publishedAt };
      if (post.publishedAt > dates.lastPostAt) dates.lastPostAt = post.publishedAt;
      if (post.original && (!dates.lastOriginalPostAt || post.publishedAt > dates.lastOriginalPostAt)) {
        dates.lastOriginalPostAt = post.publishedAt;
      }
      latest.set(post.accountId, dates);
    }
    // $max: concurrent recorders may only move a date forward, so their order does not matter.
    await CadenceStateModel.bulkWrite(
      [...latest].map(([accountId, dates]) => ({
        updateOne: {
          filter: { _id: new Types.ObjectId(accountId) },
          update: { $max: dates },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
}
