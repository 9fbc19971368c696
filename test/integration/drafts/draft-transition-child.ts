/**
 * A process that dies between a draft transition's audit event and its state, for the sweep test:
 * `node --import tsx draft-transition-child.ts <uri> <dbName> <code> <approver id>`.
 * It approves the draft and, once the approval's event is recorded, prints "recorded" and stops
 * there, as a crash at that moment would, until the test kills it.
 */
import mongoose from 'mongoose';
import { createServices } from '../../../src/services';
import { systemClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import '../../../src/models';

async function main(): Promise<void> {
  const [uri, dbName, code, approverId] = process.argv.slice(2);
  await mongoose.connect(uri, { dbName, autoIndex: false });
  const services = createServices({ clock: systemClock, logger: createLogger('silent') });
  const append = services.audit.append.bind(services.audit);
  services.audit.append = async (input) => {
    const result = await append(input);
    if (result.recorded && input.action === 'draft.approved') {
      process.stdout.write('recorded\n');
      await new Promise(() => undefined);
    }
    return result;
  };
  await services.drafts.decide(
    { personId: approverId, via: 'test:child' },
    { code, decision: 'approve', comment: '崩溃前的同意', versionNumber: null },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
