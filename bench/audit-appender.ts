/**
 * An appender process for the audit tests and benchmark:
 * `node --import tsx bench/audit-appender.ts <uri> <dbName> <count> <label> [--wait-for-go] [--concurrency N] [--print-acks]`.
 * Prints "ready" once connected; with --wait-for-go it starts when a line arrives on stdin. Appends
 * `count` events, N at a time (1 by default: one after the other), as N chat handlings of one bot
 * process would; with --print-acks prints "ack <index>" as each append resolves. Ends by printing
 * `{"startedAt":…,"finishedAt":…}`.
 */
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { AuditTrail } from '../src/audit/audit-service';
import { systemClock } from '../src/shared/clock';
import '../src/models';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'wait-for-go': { type: 'boolean' },
      concurrency: { type: 'string', default: '1' },
      'print-acks': { type: 'boolean' },
    },
  });
  const [uri, dbName, count, label] = positionals;
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const trail = new AuditTrail({ clock: systemClock });
  process.stdout.write('ready\n');
  if (values['wait-for-go']) {
    await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once('line', resolve));
  }
  const startedAt = Date.now();
  let next = 0;
  const appendInTurn = async () => {
    for (let index = next++; index < Number(count); index = next++) {
      await trail.append({
        actor: { via: `test:${label}` },
        action: 'test.appended',
        subject: { type: 'organization', id: label },
        details: { index },
      });
      if (values['print-acks']) process.stdout.write(`ack ${index}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, appendInTurn));
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
