/**
 * Every night, the run records of jobs that run every few seconds are cut to the last two days: each
 * run is claimed by inserting a record, and the sweep alone adds over 4,000 a day. Daily jobs keep
 * their whole history.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { JobRunModel } from './job-run-model';
import type { ScheduledJob } from './job-scheduler';

export const keepFrequentJobRunsDays = 2;

export function jobRunPruneJob(
  dependencies: { clock: Clock; logger: Logger; frequentJobs: string[] },
  cron = '50 3 * * *',
): ScheduledJob {
  return {
    name: 'job-run-prune',
    cron,
    async run() {
      const before = new Date(dependencies.clock.now().getTime() - keepFrequentJobRunsDays * 86_400_000);
      // Served by the (job, scheduledFor) claim index.
      const { deletedCount } = await JobRunModel.deleteMany({
        job: { $in: dependencies.frequentJobs },
        scheduledFor: { $lt: before },
      });
      dependencies.logger.info({ pruned: deletedCount, before }, 'job run records pruned');
    },
  };
}
