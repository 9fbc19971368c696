/**
 * The Official Account push endpoint as the running system mounts it: the connections' push secrets
 * check each push, and publishing handles what it is told (a publication's result). main.ts and the
 * tests build it the same way; and the nightly prune of its receipts.
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

export function createPublicationPushRouter(dependencies: {
  officialAccountConnections: Pick<OfficialAccountConnections, 'pushSecrets'>;
  publications: Pick<PublicationService, 'handlePush'>;
  clock: Clock;
  logger: Logger;
}): Router {
  return createOfficialAccountPushRouter({
    pushSecrets: (accountId) => dependencies.officialAccountConnections.pushSecrets(accountId),
    handler: dependencies.publications.handlePush,
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
