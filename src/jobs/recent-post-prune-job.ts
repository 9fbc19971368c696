/**
 * Every night, the copy of recent posts the readiness report reads (cadence/recent-post-model.ts) is cut
 * to the posts published in the last `recentPostDays`; the posts themselves are kept.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { recentPostDays } from '../cadence/post-ledger';
import type { PostLedger } from '../cadence/post-ledger';
import type { ScheduledJob } from './job-scheduler';
import { pruneByAgeJob } from './prune-by-age-job';

export function recentPostPruneJob(
  dependencies: { posts: Pick<PostLedger, 'pruneRecentPosts'>; clock: Clock; logger: Logger },
  cron = '40 3 * * *',
): ScheduledJob {
  return pruneByAgeJob(dependencies, {
    name: 'recent-post-prune',
    summary: `考核自查用的近期发布副本只留 ${recentPostDays} 天`,
    cron,
    keepDays: recentPostDays,
    prune: (before) => dependencies.posts.pruneRecentPosts(before),
    pruned: 'recent post copies pruned',
  });
}
