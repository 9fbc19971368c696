/**
 * Every 30 seconds, the publications still waiting are looked at (src/publication/publication-results.ts):
 * the platform is asked for a result no push brought (with backoff: 1, 2, 4, 8, 15, 30 minutes after the
 * submission, then half-hourly for a day), a failed verification is tried again, an attempt cut short by
 * a crash is closed, and the notices of the minute before are enqueued again (keyed: never twice).
 */
import type { Logger } from '../shared/logger';
import type { PublicationService } from '../publication/publication-service';
import type { ScheduledJob } from './job-scheduler';

export const publicationCheckJobName = 'publication-check';
const intervalMs = 30_000;

export function publicationCheckJob(
  dependencies: { publications: PublicationService; logger: Logger },
  cron = '*/30 * * * * *',
): ScheduledJob {
  return {
    name: publicationCheckJobName,
    summary: '跟进发布结果并核验发出的内容',
    cron,
    frequent: true,
    async run(scheduledFor) {
      const looked = await dependencies.publications.checkUnfinished({
        after: new Date(scheduledFor.getTime() - intervalMs),
        until: scheduledFor,
      });
      if (looked > 0) dependencies.logger.info({ looked }, 'publications checked');
    },
  };
}
