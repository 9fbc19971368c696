/**
 * Every ten minutes, approvals waiting beyond their unit's limits are nudged: the approver reminded,
 * then the backup approver or the admins, with the submitter told (src/cadence/nudge-service.ts). Runs
 * around the clock; the service itself keeps to working hours on working days.
 */
import type { NudgeService } from '../cadence/nudge-service';
import type { ScheduledJob } from './job-scheduler';

export function approvalNudgeJob(dependencies: { nudges: NudgeService }, cron = '*/10 * * * *'): ScheduledJob {
  return {
    name: 'approval-nudge',
    summary: '待审超时催办（工作时间内）',
    cron,
    async run() {
      await dependencies.nudges.runNudges();
    },
  };
}
