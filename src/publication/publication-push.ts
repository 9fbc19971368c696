/**
 * The Official Account push endpoint as the running system mounts it: the connections' push secrets
 * check each push, and publishing handles what it is told (a publication's result). main.ts and the
 * tests build it the same way.
 */
import type Router from '@koa/router';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { createOfficialAccountPushRouter } from './official-account-push-routes';
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
