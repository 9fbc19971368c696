/**
 * Runs verifyAuditChain in its own process so its peak memory is measured alone:
 * `node --import tsx bench/audit-verify-child.ts <uri> <dbName>` prints one JSON line.
 */
import mongoose from 'mongoose';
import { verifyAuditChain } from '../src/audit/audit-service';
import '../src/models';

async function main(): Promise<void> {
  const [uri, dbName] = process.argv.slice(2);
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const started = Date.now();
  const result = await verifyAuditChain();
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
