/**
 * The Official Account push endpoint as the running system mounts it: the connections' push secrets
 * check each push, publishing handles a publication's result and inquiries a follower's message. main.ts
 * and the tests build it the same way; the redelivery of pushes taken on but not handled (the process
 * stopped, or the database was away), and the nightly prune of the receipts.
 */
import type Router from '@koa/router';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ScheduledJob } from '../jobs/job-scheduler';
import { pruneByAgeJob } from '../jobs/prune-by-age-job';
import { createOfficialAccountPushRouter } from './official-account-push-routes';
import { countPushAttempt, findPendingPushes, markPushHandled, prunePushReceipts } from './official-account-push-model';
import type { OfficialAccountConnections } from './official-account-connection-service';
import type { PublicationService } from './publication-service';
import type { OfficialAccountPush, OfficialAccountPushHandler } from './official-account-push-rules';

type FollowerMessage = Omit<Extract<OfficialAccountPush, { kind: 'user-text' }>, 'kind'>;

/** Who handles what a push says. */
export interface PushHandlers {
  publications: Pick<PublicationService, 'handlePush'>;
  /** Public inquiries (src/inquiries/): a follower's text opens or joins one. */
  inquiries: { receivePlatformMessage(accountId: string, message: FollowerMessage): Promise<unknown> };
}

/** One push to the feature it is for; the endpoint and the redelivery hand over the same way. */
function pushHandler({ publications, inquiries }: PushHandlers): OfficialAccountPushHandler {
  return async (accountId, push) => {
    if (push.kind === 'user-text') await inquiries.receivePlatformMessage(accountId, push);
    else await publications.handlePush(accountId, push);
  };
}

export function createPublicationPushRouter(
  dependencies: PushHandlers & {
    officialAccountConnections: Pick<OfficialAccountConnections, 'pushSecrets'>;
    clock: Clock;
    logger: Logger;
  },
): Router {
  return createOfficialAccountPushRouter({
    pushSecrets: (accountId) => dependencies.officialAccountConnections.pushSecrets(accountId),
    handler: pushHandler(dependencies),
    clock: dependencies.clock,
    logger: dependencies.logger,
  });
}

export const pushRedeliveryJobName = 'push-redelivery';

/** A push still pending this long after it was taken on was not handled: its handler had a minute. */
const redeliverAfterMs = 120_000;
/** A push whose handling failed this many times is left (and logged): something is wrong with it. */
const maxRedeliveries = 10;

/**
 * Every minute, pushes taken on but not handled are handed over again (the handlers are idempotent: an
 * inquiry's id follows from the MsgId, a publication's result is applied once).
 */
export function pushRedeliveryJob(
  dependencies: PushHandlers & { clock: Clock; logger: Logger },
  cron = '* * * * *',
): ScheduledJob {
  const handle = pushHandler(dependencies);
  return {
    name: pushRedeliveryJobName,
    summary: '重新处理未处理完的公众号推送（粉丝留言、发布结果）',
    cron,
    frequent: true,
    async run(scheduledFor) {
      const pending = await findPendingPushes(
        new Date(scheduledFor.getTime() - redeliverAfterMs),
        maxRedeliveries,
        100,
      );
      for (const receipt of pending) {
        const attempts = (receipt.attempts ?? 0) + 1;
        await countPushAttempt(receipt._id, attempts);
        if (!receipt.push || !receipt.accountId) {
          await markPushHandled(receipt._id);
          continue;
        }
        try {
          await handle(receipt.accountId, receipt.push);
          await markPushHandled(receipt._id);
          dependencies.logger.info({ receipt: receipt._id, attempts }, 'official account push handed over again');
        } catch (error) {
          const level = attempts >= maxRedeliveries ? 'error' : 'warn';
          dependencies.logger[level](
            { err: error, receipt: receipt._id, attempts },
            'official account push still not handled',
          );
        }
      }
    },
  };
}

/** A push is retried or replayed within minutes (the timestamp window): its receipt is kept 30 days. */
export const keepPushReceiptsDays = 30;

/** Every night, the receipts of platform pushes already taken on are cut to the last 30 days. */
export function pushReceiptPruneJob(dependencies: { clock: Clock; logger: Logger }, cron = '45 3 * * *'): ScheduledJob {
  return pruneByAgeJob(dependencies, {
    name: 'push-receipt-prune',
    summary: `清理 ${keepPushReceiptsDays} 天前的公众号推送回执`,
    cron,
    keepDays: keepPushReceiptsDays,
    prune: prunePushReceipts,
    pruned: 'platform push receipts pruned',
  });
}
