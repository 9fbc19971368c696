/**
 * Starts the system: validates the config, opens the database (embedded by default), serves the API,
 * runs the scheduled jobs and the chat bot (unless disabled), and stops cleanly on SIGINT/SIGTERM.
 * A start-up failure prints one line naming the problem and exits non-zero. If the chat cannot
 * connect, the API and jobs keep running and the bot retries with back-off.
 */
import http from 'node:http';
import os from 'node:os';
import { loadConfig } from './shared/config';
import type { AppConfig } from './shared/config';
import { createLogger, maskUri } from './shared/logger';
import type { Logger } from './shared/logger';
import { checkDatabase, openDatabase } from './shared/database';
import './models';
import { systemClock } from './shared/clock';
import { describeFailure } from './shared/errors';
import { createApp } from './api/app';
import { createAccessTokens } from './api/access-tokens';
import { createApiRoutes } from './api/api-routes';
import { createServices, serviceOptionsFrom } from './services';
import { JobScheduler } from './jobs/job-scheduler';
import { auditDigestJob } from './jobs/audit-digest-job';
import { recentPostPruneJob } from './jobs/recent-post-prune-job';
import { outboxPruneJob } from './jobs/outbox-prune-job';
import { draftTransitionSweepJob, draftTransitionSweepJobName } from './jobs/draft-transition-sweep-job';
import { jobRunPruneJob } from './jobs/job-run-prune-job';
import { recordRetentionJob } from './jobs/record-retention-job';
import { annualReviewJob } from './jobs/annual-review-job';
import { registryReminderJob } from './jobs/registry-reminder-job';
import { inquiryReminderJob, inquiryReminderJobName } from './jobs/inquiry-reminder-job';
import { digestDirectory, resolveDigestKey } from './audit/audit-digest-key';
import { renderStartupScreen } from './startup-report';
import type { StartupFacts } from './startup-report';
import { inboundPruneJob } from '../bot/inbound-prune-job';
import { createWecom, isPuppetRejection, keepChatBotRunning } from '../bot/chat-bot-lifecycle';
import { wecomAppPuppetName } from '../bot/wecom/wecom-channel';
import { cadenceCheckJob } from './jobs/cadence-check-job';
import { platformSweepJob } from './jobs/platform-sweep-job';
import { approvalNudgeJob } from './jobs/approval-nudge-job';
import { calendarCheckJob } from './jobs/calendar-check-job';
import { publicationCheckJob, publicationCheckJobName } from './jobs/publication-check-job';
import { readinessMonthlyJob } from './jobs/readiness-monthly-job';
import {
  createPublicationPushRouter,
  pushReceiptPruneJob,
  pushRedeliveryJob,
  pushRedeliveryJobName,
} from './publication/publication-push';

const processId = `${os.hostname()}:${process.pid}`;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, undefined, config.log.format);
  installRejectionLogging(logger);
  // Installed before anything starts: a SIGTERM at any moment (even while the database or the server is
  // coming up, or right after /readyz first answers) stops what has started so far and exits 0.
  const shutdown = installShutdown(logger);
  const database = await openDatabase(config, (message) => logger.info(message));
  shutdown.add(() => database.close());
  logger.info({ database: database.server.source, uri: maskUri(database.server.uri) }, 'database connected');

  const services = createServices(serviceOptionsFrom(config, systemClock, logger));
  // Before anything is served: drafts stored by an older version get what the lists and timelines read.
  await services.drafts.upgradeStorage();
  // ... and posts published lately get the copy the readiness report reads.
  await services.posts.fillRecentPosts();
  const calendarStatus = await services.calendar.status();
  if (calendarStatus.missingYears.length > 0) {
    logger.warn({ missingYears: calendarStatus.missingYears }, 'holiday calendar has no data for a needed year');
  }
  const digest = { key: () => resolveDigestKey(config), directory: digestDirectory(config) };
  const jobs = [
    auditDigestJob({ ...services, digestKey: digest.key, directory: digest.directory, timeZone: config.timeZone }),
    outboxPruneJob({ outbox: services.outbox, clock: systemClock, logger }),
    inboundPruneJob({ clock: systemClock, logger }),
    pushReceiptPruneJob({ clock: systemClock, logger }),
    recentPostPruneJob({ posts: services.posts, clock: systemClock, logger }),
    pushRedeliveryJob({ ...services, clock: systemClock, logger }),
    draftTransitionSweepJob({ drafts: services.drafts, logger }),
    jobRunPruneJob({
      clock: systemClock,
      logger,
      frequentJobs: [
        draftTransitionSweepJobName,
        publicationCheckJobName,
        inquiryReminderJobName,
        pushRedeliveryJobName,
      ],
    }),
    annualReviewJob({ annualReviews: services.annualReviews, timeZone: config.timeZone, logger }),
    registryReminderJob({ accounts: services.accounts, timeZone: config.timeZone, logger }),
    inquiryReminderJob({ inquiries: services.inquiries, logger }),
    calendarCheckJob({ ...services, logger }),
    platformSweepJob({ sweeps: services.sweeps, logger }),
    cadenceCheckJob(services),
    approvalNudgeJob(services),
    publicationCheckJob({ publications: services.publications, logger }),
    readinessMonthlyJob({ ...services, logger }),
  ];
  const scheduled = [
    ...jobs,
    recordRetentionJob({
      clock: systemClock,
      logger,
      retentionDays: config.retention.recordDays,
      reminderRecords: services.reminderRecords,
      jobNames: jobs.map((job) => job.name),
    }),
  ];
  const scheduler = new JobScheduler({ clock: systemClock, logger, processId, timeZone: config.timeZone }).register(
    ...scheduled,
  );
  scheduler.start();
  shutdown.add(async () => {
    await scheduler.stop();
    await services.audit.settle();
  });

  const wecom =
    config.bot.enabled && config.bot.puppet === wecomAppPuppetName ? createWecom(config, services, logger) : null;
  const app = createApp({
    chatCallbacks: wecom?.router,
    http: config.http,
    logger,
    checkDatabase: () => checkDatabase(),
    platformPushes: createPublicationPushRouter({ ...services, clock: systemClock, logger }),
    ...createApiRoutes(config, services, createAccessTokens(config, systemClock)),
  });
  const server = http.createServer(app.callback());
  shutdown.add(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ url: `http://${config.http.host}:${port}` }, 'API listening');

  const bot = config.bot.enabled ? keepChatBotRunning(config, services, logger, wecom, processId) : null;
  if (bot) shutdown.add(() => bot.stop());
  else logger.info('chat bot disabled (bot.enabled=false)');

  try {
    await bot?.firstOutcome(5000);
    await reportReady(config, logger, {
      apiUrl: `http://${config.http.host}:${port}`,
      database: { source: database.server.source, maskedUri: maskUri(database.server.uri), dataDir: config.dataDir },
      puppet: config.bot.puppet,
      chat: bot?.state() ?? { kind: 'disabled' },
      people: await services.people.setupProgress(config.bot.puppet),
      jobs: scheduled.map(({ cron, summary }) => ({ cron, summary })),
    });
  } catch (error) {
    // Everything runs; only the summary is missing (the database went away, or a shutdown began).
    logger.warn({ err: error }, 'start-up summary unavailable');
  }
}

/** The screen for people in development; one record with the same facts where logs are JSON. */
async function reportReady(config: AppConfig, logger: Logger, facts: StartupFacts): Promise<void> {
  if (config.log.format === 'pretty') {
    process.stdout.write(`${renderStartupScreen(facts)}\n`);
    return;
  }
  logger.info(
    { api: facts.apiUrl, database: facts.database.source, chat: facts.chat.kind, people: facts.people },
    'shenfa ready',
  );
}

/** Installed before anything starts: a puppet may leave rejections unhandled while it is still connecting. */
function installRejectionLogging(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isPuppetRejection(reason)) {
      logger.debug(
        { reason: (reason as Error).message },
        'chat puppet rejection left unhandled by the puppet; ignored',
      );
      return;
    }
    logger.error({ err: reason }, 'unhandled rejection');
  });
}

/**
 * Stops what has started, newest first (the bot, the server, the jobs, then the database), on SIGINT or
 * SIGTERM, and exits 0; after 10 s it exits 1 whatever is left.
 */
let stopping = false;

function installShutdown(logger: Logger): { add(step: () => Promise<void>): void } {
  const steps: (() => Promise<void>)[] = [];
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    const stopAll = async () => {
      for (const step of [...steps].reverse()) await step();
    };
    stopAll()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return { add: (step) => void steps.push(step) };
}

main().catch((error: unknown) => {
  // A start cut short by a shutdown fails on what the shutdown closed; the shutdown decides the exit.
  if (stopping) return;
  process.stderr.write(`shenfa failed to start ${describeFailure(error)}\n`);
  process.exit(1);
});
