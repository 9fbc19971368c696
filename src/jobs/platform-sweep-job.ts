/**
 * Every morning at 08:30, before the cadence check at 09:00 counts the posts, each connected account's
 * platform is swept (R10): new articles matched to the approvals, 未经审核发布 alerted, verified ones
 * checked again (src/publication/sweep-service.ts). Caught up at start after downtime or a crash
 * mid-run; a run done again records and sends nothing twice.
 */
import type { Logger } from '../shared/logger';
import type { SweepService } from '../publication/sweep-service';
import type { ScheduledJob } from './job-scheduler';

export function platformSweepJob(
  dependencies: { sweeps: Pick<SweepService, 'sweepConnected'>; logger: Logger },
  cron = '30 8 * * *',
): ScheduledJob {
  return {
    name: 'platform-sweep',
    summary: '巡查已连接公众号的发文（未经审核发布即告警）',
    cron,
    catchUp: true,
    async run() {
      const sweeps = await dependencies.sweeps.sweepConnected();
      const failed = sweeps.filter((sweep) => sweep.outcome.error);
      if (failed.length > 0) {
        dependencies.logger.warn(
          { accounts: failed.map((sweep) => sweep.accountId) },
          'platform sweep could not list every account',
        );
      }
    },
  };
}
