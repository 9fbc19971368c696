/**
 * Every night, the run records of jobs that run every few seconds are cut to the last two days: each
 * run is claimed by inserting a record, and the sweep alone adds over 4,000 a day. Daily jobs keep
 * their whole history.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { JobRunModel } from './job-run-model';
import type { ScheduledJob } from './job-scheduler';
import { pruneByAgeJob } from './prune-by-age-job';

export const keepFrequentJobRunsDays = 2;

export function jobRunPruneJob(
  dependencies: { clock: Clock; logger: Logger; frequentJobs: string[] },
  cron = '50 3 * * *',
): ScheduledJob {
  return pruneByAgeJob(dependencies, {
    name: 'job-run-prune',
    summary: `高频任务的运行记录只留 ${keepFrequentJobRunsDays} 天`,
    cron,
    keepDays: keepFrequentJobRunsDays,
    // Served by the (job, scheduledFor) claim index.
    prune: async (before) =>
      (await JobRunModel.deleteMany({ job: { $in: dependencies.frequentJobs }, scheduledFor: { $lt: before } }))
        .deletedCount,
    pruned: 'job run records pruned',
  });
}
