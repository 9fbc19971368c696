/**
 * The posts of each account (R6), each moving its account's last-post dates forward: recorded from
 * 已发布 reports (the draft service), made up by the daily check, and — for an account connected to its
 * platform — found on the platform by the sweep (R10), which then alone counts that account's posts.
 * Apart from the cadence service so the draft service can record through it without a cycle.
 */
import { Types } from 'mongoose';
import type { Model } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { insertIgnoringDuplicates, isUniqueConflict } from '../shared/database';
import { objectIdOfKey } from '../shared/ids';
import type { PublishedDraft } from '../drafts/draft-service-types';
import { PostModel } from './post-model';
import type { Post, PostFlag } from './post-model';
import { CadenceStateModel } from './cadence-state-model';
import type { CadenceState } from './cadence-state-model';
import { RecentPostModel, recentPostDays } from './recent-post-model';
import type { RecentPost } from './recent-post-model';

export { recentPostDays };
import { runOncePerDatabase } from '../shared/once-per-database';
import type { OnceOutcome } from '../shared/once-per-database';

const dayMs = 86_400_000;
/** Few round trips when the report reads a month of posts. */
const readBatchSize = 10_000;
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
    const post = {
      _id: new Types.ObjectId(),
      draftId: new Types.ObjectId(publication.draftId),
      accountId: accountId ? new Types.ObjectId(accountId) : null,
      unitId: new Types.ObjectId(publication.unitId),
      publishedAt: publication.publishedAt,
      url: publication.url,
      original: publication.original,
      recordedAt: this.dependencies.clock.now(),
      source: 'report' as const,
      flag: null,
    };
    try {
      await PostModel.create(post);
    } catch (error) {
      // Recorded already (a repeated report, or the daily check making up a missed one).
      if (!isUniqueConflict(error)) throw error;
    }
    // Also after a conflict: a process that stopped between the two writes left the copy out.
    await this.keepRecent([post]);
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
    const records = posts.map((post) => ({
      _id: new Types.ObjectId(),
      draftId: post.draftId ? new Types.ObjectId(post.draftId) : platformPostKey(post.articleKey),
      accountId: new Types.ObjectId(post.accountId),
      unitId: new Types.ObjectId(post.unitId),
      publishedAt: post.publishedAt,
      url: post.url,
      original: post.original,
      recordedAt,
      source: 'platform' as const,
      articleKey: post.articleKey,
      flag: post.flag,
    }));
    await insertIgnoringDuplicates(PostModel.collection, records);
    await this.keepRecent(records);
    await this.moveLastPostDates(posts);
  }

  /** The copy of recent posts the readiness report reads (recent-post-model.ts); a post already copied is skipped. */
  private async keepRecent(posts: (RecentPost & { articleKey?: string })[]): Promise<void> {
    const horizon = this.dependencies.clock.now().getTime() - recentPostDays * dayMs;
    const recent = posts
      .filter((post) => post.publishedAt.getTime() >= horizon)
      .map(({ articleKey: _articleKey, ...post }) => post);
    if (recent.length > 0) await insertIgnoringDuplicates(RecentPostModel.collection, recent);
  }

  /** Deletes the copies of posts published before `before` (the nightly prune); answers how many. */
  async pruneRecentPosts(before: Date): Promise<number> {
    return (await RecentPostModel.deleteMany({ publishedAt: { $lt: before } })).deletedCount;
  }

  /**
   * Copies the posts of the last `recentPostDays` into the recent posts, once per database: a database
   * from before they were kept gets them at its first start (the copy skips what is there).
   */
  fillRecentPosts(): Promise<OnceOutcome> {
    const { clock, logger } = this.dependencies;
    return runOncePerDatabase(
      'recent-posts',
      async () => {
        const since = new Date(clock.now().getTime() - recentPostDays * dayMs);
        const cursor = PostModel.find({ publishedAt: { $gte: since } })
          .lean<Post[]>()
          .cursor({ batchSize: 5_000 });
        let batch: Post[] = [];
        for await (const post of cursor) {
          batch.push(post);
          if (batch.length === 5_000) {
            await this.keepRecent(batch);
            batch = [];
          }
        }
        await this.keepRecent(batch);
      },
      { clock, logger },
    );
  }

  /**
   * The accounts' posts published in (from, to] and recorded by `to` (a report made later was not a record
   * then), for the inspection readiness report; and each account's last (original) post date where it is
   * not after `to`, which covers the time before the window when the report is for today.
   */
  async postsForReadiness(
    accountIds: string[],
    from: Date,
    to: Date,
  ): Promise<{
    posts: RecentPost[];
    lastDates: Map<string, { lastPostAt: Date | null; lastOriginalPostAt: Date | null }>;
  }> {
    const ids = accountIds.map((id) => new Types.ObjectId(id));
    // The recent copy holds every post published since its horizon; an older window reads all posts.
    const horizon = this.dependencies.clock.now().getTime() - (recentPostDays - 1) * dayMs;
    const source: Model<RecentPost> = from.getTime() >= horizon ? RecentPostModel : PostModel;
    const [posts, states] = await Promise.all([
      source
        .find(
          { accountId: { $in: ids }, publishedAt: { $gt: from, $lte: to } },
          { draftId: 1, accountId: 1, publishedAt: 1, original: 1, url: 1, recordedAt: 1, source: 1, flag: 1 },
        )
        .batchSize(readBatchSize)
        .lean<RecentPost[]>(),
      CadenceStateModel.find({ _id: { $in: ids } }).lean<CadenceState[]>(),
    ]);
    const notAfter = (at: Date | null) => (at && at <= to ? at : null);
    return {
      posts: posts.filter((post) => post.recordedAt <= to),
      lastDates: new Map(
        states.map((state) => [
          String(state._id),
          { lastPostAt: notAfter(state.lastPostAt), lastOriginalPostAt: notAfter(state.lastOriginalPostAt) },
        ]),
      ),
    };
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
