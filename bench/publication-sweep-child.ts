/**
 * Runs the platform sweep in its own process so its peak memory is measured alone:
 * `node --import tsx bench/publication-sweep-child.ts <uri> <dbName> <now ISO> <secret key>` sweeps every
 * connected account twice (the first sweep, then the next day's) and prints one JSON line per sweep.
 */
import mongoose from 'mongoose';
import pino from 'pino';
import { createServices } from '../src/services';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import '../src/models';

async function main(): Promise<void> {
  const [uri, dbName, nowText, secretKey] = process.argv.slice(2);
  // No collections or indexes made here: only the sweep's own commands are counted.
  await mongoose.connect(uri, {
    dbName,
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
    monitorCommands: true,
  });
  const clock = new ManualClock(nowText);
  // The sweep's own log line (how long each part took) goes to stderr, which the bench shows.
  const logger = createLogger('info', pino.destination(2));
  const services = createServices({ clock, logger, connectionSecretKey: () => secretKey });
  let commands = 0;
  const counted = new Map<string, number>();
  const serverMs = new Map<string, number>();
  const keyOfRequest = new Map<number, string>();
  mongoose.connection.getClient().on('commandSucceeded', (event) => {
    const key = keyOfRequest.get(event.requestId) ?? event.commandName;
    keyOfRequest.delete(event.requestId);
    serverMs.set(key, (serverMs.get(key) ?? 0) + event.duration);
  });
  mongoose.connection.getClient().on('commandStarted', (event) => {
    commands += 1;
    const key = `${event.commandName} ${String((event.command as Record<string, unknown>)[event.commandName] ?? '')}`;
    counted.set(key, (counted.get(key) ?? 0) + 1);
    keyOfRequest.set(
      event.requestId,
      event.commandName === 'getMore'
        ? `getMore ${String((event.command as { collection?: unknown }).collection)}`
        : key,
    );
  });
  // What the process holds before sweeping (the code loaded, connected): the sweep's own share is above it.
  const idleRssMb = Math.round(process.memoryUsage().rss / 1_048_576);
  for (const sweep of ['first', 'next-day'] as const) {
    commands = 0;
    counted.clear();
    serverMs.clear();
    const started = performance.now();
    const swept = await services.sweeps.sweepConnected();
    const elapsedMs = performance.now() - started;
    const total = (field: 'listed' | 'found' | 'verified' | 'mismatched' | 'unapproved') =>
      swept.reduce((sum, entry) => sum + entry.outcome[field], 0);
    const errors = swept.filter((entry) => entry.outcome.error).map((entry) => entry.outcome.error);
    process.stdout.write(
      `${JSON.stringify({
        sweep,
        accounts: swept.length,
        listed: total('listed'),
        found: total('found'),
        verified: total('verified'),
        mismatched: total('mismatched'),
        unapproved: total('unapproved'),
        errors: errors.slice(0, 3),
        elapsedMs: Math.round(elapsedMs),
        dbCommands: commands,
        commands: Object.fromEntries(counted),
        serverMs: Object.fromEntries([...serverMs].map(([name, ms]) => [name, Math.round(ms)])),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        idleRssMb,
      })}\n`,
    );
    clock.advance(86_400_000);
  }
  await services.audit.settle();
  // The floor on this database: what the first sweep reads (every draft, every approval's fingerprint,
  // the articles recorded), read through the driver alone, in the batches the sweep reads them in.
  const db = mongoose.connection.db;
  if (db) {
    const started = performance.now();
    const read = (name: string, batchSize: number) => db.collection(name).find({}, { batchSize }).toArray();
    await read('drafts', 1000);
    await Promise.all([read('approval_fingerprints', 5000), read('platform_articles', 5000)]);
    process.stdout.write(
      `${JSON.stringify({ sweep: 'driver-floor', elapsedMs: Math.round(performance.now() - started) })}\n`,
    );
  }
  await mongoose.disconnect();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
