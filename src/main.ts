/**
 * Starts the system: validates the config, opens the database (embedded by default), serves the
 * API, and stops cleanly on SIGINT/SIGTERM. A start-up failure prints one line naming the problem
 * and exits non-zero.
 */
import http from 'node:http';
import { loadConfig } from './shared/config';
import { createLogger, maskUri } from './shared/logger';
import type { Logger } from './shared/logger';
import { checkDatabase, openDatabase } from './shared/database';
import { createApp } from './api/app';
import { isAppError } from './shared/errors';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level);
  const database = await openDatabase(config, (message) => logger.info(message));
  logger.info({ database: database.server.source, uri: maskUri(database.server.uri) }, 'database connected');

  const app = createApp({ http: config.http, logger, checkDatabase: () => checkDatabase() });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ url: `http://${config.http.host}:${port}` }, 'API listening');

  installShutdown(logger, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await database.close();
  });
}

function installShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}

main().catch((error: unknown) => {
  const code = isAppError(error) ? error.code : 'STARTUP_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`shenfa failed to start [${code}]: ${maskUri(message.split('\n')[0])}\n`);
  process.exit(1);
});
