/**
 * Every day at 09:00 (Asia/Shanghai by default) the annual review does what the day owes (R5): in
 * November it opens the cycle and sends the due reminder; from 1 December it marks 待关停 and sends the
 * weekly notices. Caught up at start after downtime or a crash mid-run; idempotent by its outbox keys.
 */
import type { Logger } from '../shared/logger';
import { civilDate } from '../shared/wall-clock';
import type { AnnualReviewService } from '../annual-review/annual-review-service';
import type { ScheduledJob } from './job-scheduler';

export function annualReviewJob(
  dependencies: { annualReviews: Pick<AnnualReviewService, 'runDailyDuties'>; timeZone: string; logger: Logger },
  cron = '0 9 * * *',
): ScheduledJob {
  return {
    name: 'annual-review',
    summary: '年审提醒（11 月）与列为待关停（12 月起）',
    cron,
    catchUp: true,
    async run(scheduledFor) {
      const today = civilDate(scheduledFor, dependencies.timeZone);
      const outcome = await dependencies.annualReviews.runDailyDuties(today);
      dependencies.logger.info({ today, ...outcome }, 'annual review duties done');
    },
  };
}
