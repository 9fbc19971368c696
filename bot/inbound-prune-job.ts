/**
 * Every night, the record of chat messages already taken on is cut to the last 30 days: a puppet
 * redelivers a message within minutes of a reconnect, never weeks later.
 */
import type { Clock } from '../src/shared/clock';
import type { Logger } from '../src/shared/logger';
import type { ScheduledJob } from '../src/jobs/job-scheduler';
import { InboundMessageModel } from './inbound-message-model';

export const keepInboundMessagesDays = 30;

export function inboundPruneJob(dependencies: { clock: Clock; logger: Logger }, cron = '40 3 * * *'): ScheduledJob {
  return {
    name: 'inbound-prune',
    cron,
    async run() {
      const before = new Date(dependencies.clock.now().getTime() - keepInboundMessagesDays * 86_400_000);
      const { deletedCount } = await InboundMessageModel.deleteMany({ receivedAt: { $lt: before } });
      dependencies.logger.info({ pruned: deletedCount, before }, 'inbound chat message records pruned');
    },
  };
}
