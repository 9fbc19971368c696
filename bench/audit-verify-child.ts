/**
 * Runs verifyAuditChain in its own process so its peak memory is measured alone:
 * `node --import tsx bench/audit-verify-child.ts <uri> <dbName> [--cursor-only]` prints one JSON line.
 * With --cursor-only it reads the same events with a plain cursor and does nothing else: the rate the
 * database and driver deliver, which verification is measured against.
 */
import mongoose from 'mongoose';
import { verifyAuditChain } from '../src/audit/audit-service';
import '../src/models';

async function readWithCursor(): Promise<{ ok: boolean; count: number }> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  let count = 0;
  for await (const event of db.collection('audit_events').find({}, { batchSize: 1000 })) {
    if (event._id !== undefined) count += 1;
  }
  return { ok: true, count };
}

async function main(): Promise<void> {
  const [uri, dbName, mode] = process.argv.slice(2);
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const started = Date.now();
  const result = mode === '--cursor-only' ? await readWithCursor() : await verifyAuditChain();
  const elapsedMs = Date.now() - started;
  await mongoose.disconnect();
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ok: result.ok, count: result.count, elapsedMs, peakRssMb })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
