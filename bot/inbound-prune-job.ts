/**
 * Every night, the record of chat messages already taken on is cut to the last 30 days: a puppet
 * redelivers a message within minutes of a reconnect, never weeks later.
 */
import type { Clock } from '../src/shared/clock';
import type { Logger } from '../src/shared/logger';
import type { ScheduledJob } from '../src/jobs/job-scheduler';
import { pruneByAgeJob } from '../src/jobs/prune-by-age-job';
import { InboundMessageModel } from './inbound-message-model';

export const keepInboundMessagesDays = 30;

export function inboundPruneJob(dependencies: { clock: Clock; logger: Logger }, cron = '40 3 * * *'): ScheduledJob {
  return pruneByAgeJob(dependencies, {
    name: 'inbound-prune',
    summary: `清理 ${keepInboundMessagesDays} 天前的聊天消息去重记录`,
    cron,
    keepDays: keepInboundMessagesDays,
    prune: async (before) => (await InboundMessageModel.deleteMany({ receivedAt: { $lt: before } })).deletedCount,
    pruned: 'inbound chat message records pruned',
  });
}
