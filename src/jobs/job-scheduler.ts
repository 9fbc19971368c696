/**
 * Scheduled jobs, registered in one place. Each run is claimed by inserting its JobRun (unique per job
 * and scheduled time), so when several processes run the scheduler every run happens once; a run's
 * outcome is recorded on its JobRun.
 *
 * Runs are not lost either. A running run writes a heartbeat; a run whose heartbeat stopped (its
 * process died mid-run) or that failed is claimed again, once, through its revision
 * (src/shared/claimed-write.ts). At start, each job that asks for it catches up its latest scheduled
 * time if that run is missing, abandoned or failed (the service was down, or restarted mid-run). Jobs
 * must therefore be idempotent: a run done again, in part or in whole, sends nothing twice (their
 * outbox keys are deterministic).
 */
import schedule from 'node-schedule';
import { parseExpression } from 'cron-parser';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isUniqueConflict } from '../shared/database';
import { claimRevision, writeAtRevision } from '../shared/claimed-write';
import { JobRunModel } from './job-run-model';
import type { JobRun } from './job-run-model';

export interface ScheduledJob {
  name: string;
  /** What it does, in Chinese, for the start-up screen (which adds when, from `cron`): "待审超时催办". */
  summary: string;
  /** Cron expression in the configured time zone, e.g. "0 8 * * *" for 08:00 daily. */
  cron: string;
  run(scheduledFor: Date): Promise<void>;
  /** Runs every few seconds: its successful runs are logged at debug level, not info. */
  frequent?: boolean;
  /** At start, run the latest scheduled time if it never ran to the end (downtime, a crash mid-run). */
  catchUp?: boolean;
}

export interface JobSchedulerDependencies {
  clock: Clock;
  logger: Logger;
  processId: string;
  timeZone: string;
  /** How often a running run writes its heartbeat (default 30 s). */
  heartbeatMs?: number;
  /** A running run without a heartbeat for this long was abandoned (default 2 minutes). */
  abandonedAfterMs?: number;
}

const defaultHeartbeatMs = 30_000;
const defaultAbandonedAfterMs = 120_000;

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
        this.track(this.runOnce(job, fireDate));
      });
      if (scheduled) this.scheduled.push(scheduled);
      else this.dependencies.logger.error({ job: job.name, cron: job.cron }, 'job not scheduled: invalid cron');
    }
    this.track(this.catchUp());
  }

  async stop(): Promise<void> {
    for (const scheduled of this.scheduled.splice(0)) scheduled.cancel();
    await Promise.allSettled([...this.running]);
  }

  /**
   * For each job that asks for it, runs its latest scheduled time (up to now) unless that run finished
   * or is under way elsewhere. Returns the jobs it ran.
   */
  async catchUp(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs.filter((candidate) => candidate.catchUp)) {
      const latest = this.latestScheduledTime(job);
      if (latest && (await this.runOnce(job, latest))) ran.push(job.name);
    }
    return ran;
  }

  /** The latest time the job's cron names, not after now; null for an invalid cron. */
  latestScheduledTime(job: ScheduledJob): Date | null {
    try {
      const now = this.dependencies.clock.now();
      const expression = parseExpression(job.cron, {
        currentDate: new Date(now.getTime() + 1000),
        tz: this.dependencies.timeZone,
      });
      return expression.prev().toDate();
    } catch (error) {
      this.dependencies.logger.error({ err: error, job: job.name, cron: job.cron }, 'job cron cannot be read');
      return null;
    }
  }

  /**
   * Runs the job for `scheduledFor` unless another process claimed that run (and is still on it, or
   * finished it); answers whether it ran.
   */
  async runOnce(job: ScheduledJob, scheduledFor: Date): Promise<boolean> {
    const { clock, logger, processId } = this.dependencies;
    let runId;
    try {
      const claimed = await JobRunModel.create({
        job: job.name,
        scheduledFor,
        claimedBy: processId,
        startedAt: clock.now(),
        heartbeatAt: clock.now(),
      });
      runId = claimed._id;
    } catch (error) {
      if (!isUniqueConflict(error)) {
        logger.error({ err: error, job: job.name }, 'job run could not be claimed');
        return false;
      }
      runId = await this.reclaimUnfinished(job, scheduledFor);
      if (!runId) return false;
    }
    const heartbeat = setInterval(() => {
      void JobRunModel.updateOne({ _id: runId }, { heartbeatAt: clock.now() }).catch(() => undefined);
    }, this.dependencies.heartbeatMs ?? defaultHeartbeatMs);
    heartbeat.unref();
    try {
      await job.run(scheduledFor);
      await JobRunModel.updateOne({ _id: runId }, { status: 'succeeded', finishedAt: clock.now(), error: '' });
      logger[job.frequent ? 'debug' : 'info']({ job: job.name, scheduledFor }, 'job run succeeded');
    } catch (error) {
      logger.error({ err: error, job: job.name, scheduledFor }, 'job run failed');
      await JobRunModel.updateOne(
        { _id: runId },
        { status: 'failed', finishedAt: clock.now(), error: error instanceof Error ? error.message : String(error) },
      ).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  /**
   * The run of `scheduledFor` exists: claims it again when it failed or its process stopped beating;
   * returns its id when this process now holds it, null when the run is done or someone else's.
   */
  private async reclaimUnfinished(job: ScheduledJob, scheduledFor: Date) {
    const { clock, logger, processId } = this.dependencies;
    const existing = await JobRunModel.findOne({ job: job.name, scheduledFor }).lean<JobRun>();
    if (!existing || existing.status === 'succeeded') return null;
    const now = clock.now();
    const lastSign = (existing.heartbeatAt ?? existing.startedAt).getTime();
    const abandoned = now.getTime() - lastSign >= (this.dependencies.abandonedAfterMs ?? defaultAbandonedAfterMs);
    if (existing.status === 'running' && !abandoned) return null;
    const changes = { status: 'running', claimedBy: processId, startedAt: now, heartbeatAt: now, finishedAt: null };
    const claim = await claimRevision(JobRunModel, existing, changes, now);
    if (!claim) return null;
    await writeAtRevision(JobRunModel, existing, changes, claim, now);
    logger.warn(
      { job: job.name, scheduledFor, previousStatus: existing.status, previousProcess: existing.claimedBy },
      'job run claimed again: it failed or its process stopped',
    );
    return existing._id;
  }

  private track(run: Promise<unknown>): void {
    const tracked = run
      .catch((error: unknown) => this.dependencies.logger.error({ err: error }, 'scheduled job failed'))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }
}
