/**
 * Scheduled jobs, registered in one place. Each run is claimed by inserting its JobRun (unique per job
 * and scheduled time), so when several processes run the scheduler every run happens once; a run's
 * outcome is recorded on its JobRun.
 */
import schedule from 'node-schedule';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isDuplicateKeyError } from '../shared/database';
import { isAppError } from '../shared/errors';
import { JobRunModel } from './job-run-model';

export interface ScheduledJob {
  name: string;
  /** Cron expression in the configured time zone, e.g. "0 8 * * *" for 08:00 daily. */
  cron: string;
  run(scheduledFor: Date): Promise<void>;
  /** Runs every few seconds: its successful runs are logged at debug level, not info. */
  frequent?: boolean;
}

export interface JobSchedulerDependencies {
  clock: Clock;
  logger: Logger;
  processId: string;
  timeZone: string;
}

export class JobScheduler {
  private readonly jobs: ScheduledJob[] = [];
  private readonly scheduled: schedule.Job[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly dependencies: JobSchedulerDependencies) {}

  register(...jobs: ScheduledJob[]): this {
    this.jobs.push(...jobs);
    return this;
  }

  start(): void {
    for (const job of this.jobs) {
      const scheduled = schedule.scheduleJob({ rule: job.cron, tz: this.dependencies.timeZone }, (fireDate: Date) => {
        const run = this.runOnce(job, fireDate).finally(() => this.running.delete(run));
        this.running.add(run);
      });
      if (scheduled) this.scheduled.push(scheduled);
      else this.dependencies.logger.error({ job: job.name, cron: job.cron }, 'job not scheduled: invalid cron');
    }
  }

  async stop(): Promise<void> {
    for (const scheduled of this.scheduled.splice(0)) scheduled.cancel();
    await Promise.allSettled([...this.running]);
  }

  /** Runs the job for `scheduledFor` unless another process claimed that run; answers whether it ran. */
  async runOnce(job: ScheduledJob, scheduledFor: Date): Promise<boolean> {
    const { clock, logger, processId } = this.dependencies;
    let runId;
    try {
      const claimed = await JobRunModel.create({
        job: job.name,
        scheduledFor,
        claimedBy: processId,
        startedAt: clock.now(),
      });
      runId = claimed._id;
    } catch (error) {
      if (isDuplicateKeyError(error) || (isAppError(error) && error.code === 'JOB_RUN_CLAIMED')) return false;
      logger.error({ err: error, job: job.name }, 'job run could not be claimed');
      return false;
    }
    try {
      await job.run(scheduledFor);
      await JobRunModel.updateOne({ _id: runId }, { status: 'succeeded', finishedAt: clock.now() });
      logger[job.frequent ? 'debug' : 'info']({ job: job.name, scheduledFor }, 'job run succeeded');
    } catch (error) {
      logger.error({ err: error, job: job.name, scheduledFor }, 'job run failed');
      await JobRunModel.updateOne(
        { _id: runId },
        { status: 'failed', finishedAt: clock.now(), error: error instanceof Error ? error.message : String(error) },
      ).catch(() => undefined);
    }
    return true;
  }
}
