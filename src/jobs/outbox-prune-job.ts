/**
 * Every night, messages sent more than 30 days ago leave the outbox (their record of who decided what
 * is in the audit trail; the outbox only has to know what is still to be sent).
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { Outbox } from '../outbox/outbox-service';
import type { ScheduledJob } from './job-scheduler';

export const keepSentMessagesDays = 30;

export function outboxPruneJob(
  dependencies: { outbox: Outbox; clock: Clock; logger: Logger },
  cron = '30 3 * * *',
): ScheduledJob {
  return {
    name: 'outbox-prune',
    summary: `清理发件箱中 ${keepSentMessagesDays} 天前已发出的消息`,
    cron,
    async run() {
      const sentBefore = new Date(dependencies.clock.now().getTime() - keepSentMessagesDays * 86_400_000);
      const pruned = await dependencies.outbox.pruneSent(sentBefore);
      dependencies.logger.info({ pruned, sentBefore }, 'sent outbox messages pruned');
    },
  };
}
