/**
 * The Official Account push endpoint as the running system mounts it: the connections' push secrets
 * check each push, publishing handles a publication's result and inquiries a follower's message. main.ts
 * and the tests build it the same way; and the nightly prune of its receipts.
 */
import type Router from '@koa/router';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ScheduledJob } from '../jobs/job-scheduler';
import { pruneByAgeJob } from '../jobs/prune-by-age-job';
import { createOfficialAccountPushRouter } from './official-account-push-routes';
import { prunePushReceipts } from './official-account-push-model';
import type { OfficialAccountConnections } from './official-account-connection-service';
import type { PublicationService } from './publication-service';
import type { OfficialAccountPush } from './official-account-push-rules';

type FollowerMessage = Omit<Extract<OfficialAccountPush, { kind: 'user-text' }>, 'kind'>;

export function createPublicationPushRouter(dependencies: {
  officialAccountConnections: Pick<OfficialAccountConnections, 'pushSecrets'>;
  publications: Pick<PublicationService, 'handlePush'>;
  /** Public inquiries (src/inquiries/): a follower's text opens or joins one. */
  inquiries: { receivePlatformMessage(accountId: string, message: FollowerMessage): Promise<unknown> };
  clock: Clock;
  logger: Logger;
}): Router {
  const { publications, inquiries } = dependencies;
  return createOfficialAccountPushRouter({
    pushSecrets: (accountId) => dependencies.officialAccountConnections.pushSecrets(accountId),
    handler: async (accountId, push) => {
      if (push.kind === 'user-text') await inquiries.receivePlatformMessage(accountId, push);
      else await publications.handlePush(accountId, push);
    },
    clock: dependencies.clock,
    logger: dependencies.logger,
  });
}

/** A push is retried or replayed within minutes (the timestamp window): its receipt is kept 30 days. */
export const keepPushReceiptsDays = 30;

/** Every night, the receipts of platform pushes already taken on are cut to the last 30 days. */
export function pushReceiptPruneJob(dependencies: { clock: Clock; logger: Logger }, cron = '45 3 * * *'): ScheduledJob {
  return pruneByAgeJob(dependencies, {
    name: 'push-receipt-prune',
    cron,
    keepDays: keepPushReceiptsDays,
    prune: prunePushReceipts,
    pruned: 'platform push receipts pruned',
  });
}
