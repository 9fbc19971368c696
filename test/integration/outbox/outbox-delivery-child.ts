/**
 * A bot process that only delivers the outbox, for the restart test:
 * `node --import tsx outbox-delivery-child.ts <uri> <dbName> <sendLog> <processId>`.
 * "Sending" appends the message's key to `sendLog` (synchronously, so a line in the file means the
 * chat got the message). Prints "ready" once connected, then drains until killed.
 */
import fs from 'node:fs';
import mongoose from 'mongoose';
import { OutboxDelivery } from '../../../src/outbox/outbox-delivery';
import { systemClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import '../../../src/models';

async function main(): Promise<void> {
  const [uri, dbName, sendLog, processId] = process.argv.slice(2);
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const delivery = new OutboxDelivery(
    {
      clock: systemClock,
      config: { perContactIntervalMs: 0, perMinuteLimit: 100_000, jitterMs: 0, maxAttempts: 3, retryBaseMs: 1000 },
      logger: createLogger('silent'),
      processId,
      send: async (message) => fs.appendFileSync(sendLog, `${message.idempotencyKey}\n`),
      alertAdmins: async () => undefined,
    },
    { pollIntervalMs: 20 },
  );
  delivery.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
