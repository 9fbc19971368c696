/**
 * The API server for `npm run bench -- api`, in its own process so its memory is measured alone:
 * `node --import tsx bench/api-server-child.ts <uri> <dbName>` wires the services and the /api/v1
 * routes as src/main.ts does (no bot, no jobs), listens on a free local port and prints
 * `{"port":…}`. Tokens are signed with BENCH_API_SECRET. Each line "commands" on stdin is answered
 * with the database commands run since the last such line (by "<command> <collection>") and their
 * summed time; it stops when its stdin closes.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import '../src/models';
import readline from 'node:readline';
import mongoose from 'mongoose';
import { checkDatabase } from '../src/shared/database';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { createServices } from '../src/services';
import { createApp } from '../src/api/app';
import { AccessTokens } from '../src/api/access-tokens';
import { createApiRoutes } from '../src/api/api-routes';

async function main(): Promise<void> {
  const [uri, dbName] = process.argv.slice(2);
  const secret = process.env.BENCH_API_SECRET ?? '';
  // As connectDatabase does, with the driver's command events on.
  await mongoose.connect(uri, { dbName, autoIndex: false, bufferCommands: false, monitorCommands: true });
  const commands = new Map<string, number>();
  let databaseMs = 0;
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (event) => {
    const name = `${event.commandName} ${String(event.command[event.commandName])}`;
    commands.set(name, (commands.get(name) ?? 0) + 1);
  });
  client.on('commandSucceeded', (event) => (databaseMs += event.duration));
  // Collections and indexes exist already; let the models finish their start-up before the load.
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
  const logger = createLogger('silent');
  const timeZone = 'Asia/Shanghai';
  const services = createServices({ clock: systemClock, logger, timeZone });
  const app = createApp({
    http: {
      host: '127.0.0.1',
      port: 0,
      bodyLimit: '100kb',
      corsOrigins: '',
      authRateLimitPerMinute: 60,
      trustedProxies: '',
    },
    logger,
    checkDatabase: () => checkDatabase(),
    ...createApiRoutes(
      {
        auth: { jwtSecret: secret, jwtTtlSeconds: 3600, accessTtlSeconds: 900, refreshTtlSeconds: 30 * 86400 },
        miniProgram: { appId: 'wx-bench', appSecret: 'bench', wechatApiBaseUrl: 'http://127.0.0.1:9' },
        timeZone,
        dataDir: path.join(os.tmpdir(), 'shenfa-api-bench'),
        audit: { digestKey: 'bench-digest-key' },
        environment: 'test',
      },
      services,
      new AccessTokens(secret, 3600, systemClock),
    ),
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  readline.createInterface({ input: process.stdin }).on('line', () => {
    process.stdout.write(`${JSON.stringify({ commands: Object.fromEntries(commands), databaseMs })}\n`);
    commands.clear();
    databaseMs = 0;
  });
  process.stdin.on('end', () => {
    server.close();
    server.closeAllConnections();
    void services.audit
      .settle()
      .then(() => mongoose.disconnect())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
