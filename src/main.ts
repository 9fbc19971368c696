/**
 * Starts the system: validates the config, opens the database (embedded by default), serves the API,
 * runs the scheduled jobs and the chat bot (unless disabled), and stops cleanly on SIGINT/SIGTERM.
 * A start-up failure prints one line naming the problem and exits non-zero. If the chat cannot
 * connect, the API and jobs keep running and the bot retries with back-off.
 */
import http from 'node:http';
import os from 'node:os';
import qrcodeTerminal from 'qrcode-terminal';
import { loadConfig } from './shared/config';
import type { AppConfig } from './shared/config';
import { createLogger, maskUri } from './shared/logger';
import type { Logger } from './shared/logger';
import { checkDatabase, openDatabase } from './shared/database';
import { systemClock } from './shared/clock';
import { describeFailure } from './shared/errors';
import { createApp } from './api/app';
import { createAccessTokens } from './api/access-tokens';
import { createApiRoutes } from './api/api-routes';
import { createServices } from './services';
import type { Services } from './services';
import { JobScheduler } from './jobs/job-scheduler';
import { auditDigestJob } from './jobs/audit-digest-job';
import { outboxPruneJob } from './jobs/outbox-prune-job';
import { digestDirectory, resolveDigestKey } from './audit/audit-digest-key';
import { createChatBot } from '../bot/shenfa-bot';
import { inboundPruneJob } from '../bot/inbound-prune-job';

const processId = `${os.hostname()}:${process.pid}`;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level);
  const database = await openDatabase(config, (message) => logger.info(message));
  logger.info({ database: database.server.source, uri: maskUri(database.server.uri) }, 'database connected');

  const services = createServices({ clock: systemClock, logger });
  const digest = { key: () => resolveDigestKey(config), directory: digestDirectory(config) };
  const scheduler = new JobScheduler({ clock: systemClock, logger, processId, timeZone: config.timeZone }).register(
    auditDigestJob({ ...services, digestKey: digest.key, directory: digest.directory, timeZone: config.timeZone }),
    outboxPruneJob({ outbox: services.outbox, clock: systemClock, logger }),
    inboundPruneJob({ clock: systemClock, logger }),
  );
  scheduler.start();

  const api = createApiRoutes(config, services, createAccessTokens(config, systemClock));
  const app = createApp({
    http: config.http,
    logger,
    checkDatabase: () => checkDatabase(),
    ...api,
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ url: `http://${config.http.host}:${port}` }, 'API listening');

  const bot = config.bot.enabled ? keepChatBotRunning(config, services, logger) : null;
  if (!bot) logger.info('chat bot disabled (bot.enabled=false)');

  installShutdown(logger, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await bot?.stop();
    await scheduler.stop();
    await services.audit.settle();
    await database.close();
  });
}

/** Starts the bot, and starts it again with back-off (up to 5 minutes) while the chat cannot connect. */
function keepChatBotRunning(config: AppConfig, services: Services, logger: Logger): { stop(): Promise<void> } {
  let stopped = false;
  let current: ReturnType<typeof createChatBot> | null = null;
  let retry: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number) => {
    if (stopped) return;
    const bot = createChatBot({
      services,
      puppet: config.bot.puppet,
      provider: config.bot.puppet,
      puppetToken: config.bot.puppetToken || undefined,
      botName: config.bot.name,
      outbox: config.outbox,
      dataDir: config.dataDir,
      timeZone: config.timeZone,
      auditDigest: { key: () => resolveDigestKey(config), directory: digestDirectory(config) },
      logger,
      processId,
    });
    bot.on('scan', (qrcode, status) => {
      logger.info({ status }, 'scan the QR code below with the chat account the bot will use');
      qrcodeTerminal.generate(qrcode, { small: true });
    });
    bot.on('login', (user) => logger.info({ user: user.name() }, 'chat bot logged in'));
    bot.on('logout', (user) => logger.warn({ user: user.name() }, 'chat bot logged out'));
    const retryLater = async (reason: unknown) => {
      if (stopped || current !== bot) return;
      current = null;
      logger.error({ err: reason, retryInMs: delayMs }, 'chat bot cannot connect; the API and jobs keep running');
      await bot.stop().catch(() => undefined);
      retry = setTimeout(() => void attempt(Math.min(delayMs * 2, 300_000)), delayMs);
    };
    // Errors before any login mean the chat service cannot be reached: give up this attempt after a few.
    let errorsBeforeLogin = 0;
    bot.on('error', (error) => {
      if (!bot.isLoggedIn && ++errorsBeforeLogin >= 5) void retryLater(error);
    });
    current = bot;
    try {
      await bot.start();
    } catch (error) {
      await retryLater(error);
    }
  };
  void attempt(5000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await current?.stop();
    },
  };
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
  process.stderr.write(`shenfa failed to start ${describeFailure(error)}\n`);
  process.exit(1);
});
