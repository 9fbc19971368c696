/**
 * Every night, records kept only for a while are cut to the configured retention (retention.recordDays):
 * - given reminders, except those that still stop a warning from going out twice (an open cadence gap,
 *   a draft still in review: src/cadence/reminder-record-rules.ts);
 * - job run records of every job, except each job's newest, which the scheduler's catch-up reads at
 *   start to tell whether the latest run happened (a yearly job's may be older than the retention).
 * The sweep's own frequent runs are cut sooner by job-run-prune-job.ts.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ReminderRecordService } from '../cadence/reminder-record-service';
import { JobRunModel } from './job-run-model';
import type { ScheduledJob } from './job-scheduler';

export const recordRetentionJobName = 'record-retention';

export interface RecordRetentionDependencies {
  clock: Clock;
  logger: Logger;
  retentionDays: number;
  reminderRecords: Pick<ReminderRecordService, 'pruneGivenBefore'>;
  /** The jobs whose run records are pruned: every registered job. */
  jobNames: string[];
}

export function recordRetentionJob(dependencies: RecordRetentionDependencies, cron = '10 4 * * *'): ScheduledJob {
  return {
    name: recordRetentionJobName,
    summary: `清理 ${dependencies.retentionDays} 天前的提醒与任务记录（未结束的断更与待审提醒保留）`,
    cron,
    async run() {
      const before = new Date(dependencies.clock.now().getTime() - dependencies.retentionDays * 86_400_000);
      const reminders = await dependencies.reminderRecords.pruneGivenBefore(before);
      const jobRuns = await pruneJobRuns([...new Set([...dependencies.jobNames, recordRetentionJobName])], before);
      dependencies.logger.info(
        { before, remindersPruned: reminders.deleted, remindersKept: reminders.kept, jobRunsPruned: jobRuns },
        'records past their retention pruned',
      );
    },
  };
}

/** Deletes each job's runs scheduled before `before`, its newest run excepted; answers how many. */
async function pruneJobRuns(jobNames: string[], before: Date): Promise<number> {
  let deleted = 0;
  for (const job of jobNames) {
    // Both served by the (job, scheduledFor) claim index.
    const newest = await JobRunModel.findOne({ job }, { scheduledFor: 1 }).sort({ scheduledFor: -1 }).lean();
    if (!newest) continue;
    const until = newest.scheduledFor < before ? newest.scheduledFor : before;
    deleted += (await JobRunModel.deleteMany({ job, scheduledFor: { $lt: until } })).deletedCount;
  }
  return deleted;
}
