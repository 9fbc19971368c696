/**
 * A nightly job that deletes records older than a number of days: records kept only to recognise a
 * repeat (a chat message redelivered, a platform push retried or replayed), which comes within
 * minutes, never weeks later; or run records of jobs that run every few seconds.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ScheduledJob } from './job-scheduler';

export interface PruneByAge {
  name: string;
  /** What it prunes, for the start-up screen (ScheduledJob.summary). */
  summary: string;
  cron: string;
  keepDays: number;
  /** Deletes the records from before `before`; answers how many. */
  prune(before: Date): Promise<number>;
  /** The log line, e.g. "inbound chat message records pruned". */
  pruned: string;
}

export function pruneByAgeJob(dependencies: { clock: Clock; logger: Logger }, job: PruneByAge): ScheduledJob {
  return {
    name: job.name,
    summary: job.summary,
    cron: job.cron,
    async run() {
      const before = new Date(dependencies.clock.now().getTime() - job.keepDays * 86_400_000);
      const pruned = await job.prune(before);
      dependencies.logger.info({ pruned, before }, job.pruned);
    },
  };
}
