/**
 * Publishing's test wiring: a 微信公众号 account of the fake platform connected the way the operator
 * connects one (npm run admin -- connection set), with a default cover uploaded to the platform, and a
 * logger whose every line is kept, so a test can look for secrets in what was logged.
 */
import { Writable } from 'node:stream';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Services } from '../../src/services';
import { createPublicationPushRouter } from '../../src/publication/publication-push';
import { startApi } from './api-harness';
import type { FakeOfficialAccountServer } from '../../src/publication/fake-official-account-server';
import { createLogger } from '../../src/shared/logger';
import type { Logger } from '../../src/shared/logger';

/** A fake account's developer credentials and push secrets (well-formed, as the platform issues them). */
export interface FakeAccountCredentials {
  appId: string;
  secrets: { appSecret: string; token: string; encodingAesKey: string };
}

/** Every line logged at any level, as written. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(
    'trace',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, lines };
}

/**
 * Adds the account to the fake platform and connects the registry's account `accountId` to it, with a
 * default cover (a permanent image uploaded through the connection) and the given publishing settings.
 */
export async function connectToFakePlatform(
  services: Pick<Services, 'officialAccountConnections'>,
  platform: FakeOfficialAccountServer,
  options: FakeAccountCredentials & { accountId: string; apiBaseUrl: string; author?: string },
): Promise<void> {
  const { accountId, apiBaseUrl, appId, secrets } = options;
  platform.addAccount({ appId, appSecret: secrets.appSecret });
  const operator = { kind: 'operator', personId: null } as const;
  const connections = services.officialAccountConnections;
  await connections.set(operator, accountId, { appId, apiBaseUrl, ...secrets });
  const client = await connections.clientFor(accountId);
  const cover = await client?.addPermanentImage(Buffer.from('default cover'), 'cover.png');
  await connections.set(operator, accountId, { appId, apiBaseUrl, author: options.author, defaultCoverMediaId: cover });
}

/**
 * Our API server with the push endpoint mounted as main.ts mounts it, listening on a free port, and the
 * fake platform's back office pointed at it for `accountId`: the platform's pushes reach the services.
 */
export async function startPushedServer(
  services: Services,
  platform: FakeOfficialAccountServer,
  options: FakeAccountCredentials & { accountId: string; logger: Logger },
): Promise<http.Server> {
  const platformPushes = createPublicationPushRouter({ ...services, logger: options.logger });
  const { server } = startApi(services, {
    wechatBaseUrl: 'http://127.0.0.1:9',
    platformPushes,
    logger: options.logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform.configurePush(options.appId, {
    url: `${origin}/wechat-official/push/${options.accountId}`,
    ...options.secrets,
  });
  return server;
}
