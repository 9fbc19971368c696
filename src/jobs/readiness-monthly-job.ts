/**
 * On the 1st of each month at 09:00 the 考核自查 message to each 分管领导 (R10): their accounts' status
 * and score and the one thing to fix first (src/readiness/readiness-monthly.ts). Caught up at start;
 * idempotent by its outbox keys (one per month and leader).
 */
import type { Logger } from '../shared/logger';
import { sendMonthlyReadinessMessages } from '../readiness/readiness-monthly';
import type { ReadinessMonthlyDependencies } from '../readiness/readiness-monthly';
import type { ScheduledJob } from './job-scheduler';

export function readinessMonthlyJob(
  dependencies: ReadinessMonthlyDependencies & { logger: Logger },
  cron = '0 9 1 * *',
): ScheduledJob {
  return {
    name: 'readiness-monthly',
    summary: '向分管领导发送考核自查结果（各账号状态、得分与首要整改事项）',
    cron,
    catchUp: true,
    async run() {
      const leaders = await sendMonthlyReadinessMessages(dependencies);
      dependencies.logger.info({ leaders }, 'readiness monthly messages enqueued');
    },
  };
}
