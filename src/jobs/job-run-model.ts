/**
 * One document per run of a scheduled job: the unique (job, scheduledFor) index is the claim, so
 * when several processes run the scheduler, each run happens once. A run whose process died (no
 * heartbeat for a while) or that failed is claimed again through its revision (src/shared/claimed-write.ts), so it is
 * neither lost nor done by two processes at once.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';
import { uniqueIndex } from '../shared/unique-conflict-plugin';

export const jobRunStatuses = ['running', 'succeeded', 'failed'] as const;
export type JobRunStatus = (typeof jobRunStatuses)[number];

export interface JobRun {
  _id: Types.ObjectId;
  job: string;
  scheduledFor: Date;
  status: JobRunStatus;
  claimedBy: string;
  startedAt: Date;
  /** Written while the run goes on; a running run without a recent heartbeat was abandoned. */
  heartbeatAt: Date | null;
  finishedAt: Date | null;
  error: string;
  /** Times the run was claimed again after it was abandoned or failed. */
  revision: number;
}

const jobRunSchema = new Schema<JobRun>(
  {
    job: { type: String, required: true },
    scheduledFor: { type: Date, required: true },
    status: { type: String, enum: jobRunStatuses, default: 'running' },
    claimedBy: { type: String, required: true },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    error: { type: String, default: '' },
    revision: { type: Number, default: 0 },
  },
  { versionKey: false },
);

uniqueIndex(jobRunSchema, {
  fields: ['job', 'scheduledFor'],
  code: 'JOB_RUN_CLAIMED',
  message: '该任务本次运行已由其他进程执行',
});

export const JobRunModel = model<JobRun>('JobRun', jobRunSchema, 'job_runs');
