/**
 * An appender process for the audit tests and benchmark:
 * `node --import tsx bench/audit-appender.ts <uri> <dbName> <count> <label> [--wait-for-go]`.
 * Prints "ready" once connected; with --wait-for-go it starts when a line arrives on stdin. Appends
 * `count` events one after the other and prints `{"startedAt":…,"finishedAt":…}`.
 */
import readline from 'node:readline';
import mongoose from 'mongoose';
import { AuditTrail } from '../src/audit/audit-service';
import { systemClock } from '../src/shared/clock';
import '../src/shared/models';

async function main(): Promise<void> {
  const [uri, dbName, count, label, waitFlag] = process.argv.slice(2);
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const trail = new AuditTrail({ clock: systemClock });
  process.stdout.write('ready\n');
  if (waitFlag === '--wait-for-go') {
    await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once('line', resolve));
  }
  const startedAt = Date.now();
  for (let index = 0; index < Number(count); index += 1) {
    await trail.append({
      actor: { via: `test:${label}` },
      action: 'test.appended',
      subject: { type: 'appender', id: label },
      details: { index },
    });
  }
  const finishedAt = Date.now();
  await trail.settle();
  await mongoose.disconnect();
  process.stdout.write(`${JSON.stringify({ startedAt, finishedAt })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
