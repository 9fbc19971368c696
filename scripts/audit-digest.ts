/**
 * `npm run audit:digest` — signs the audit chain's current head and writes the digest file under the
 * data folder (the bot also posts it to the admins' chat once a day).
 */
import { loadConfig } from '../src/shared/config';
import { openDatabase } from '../src/shared/database';
import '../src/models';
import { systemClock } from '../src/shared/clock';
import { AuditTrail } from '../src/audit/audit-service';
import { digestDirectory, resolveDigestKey } from '../src/audit/audit-digest-key';
import { runCommand } from './run-command';

runCommand(async () => {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const { digest, file } = await new AuditTrail({ clock: systemClock }).createDigest({
      key: resolveDigestKey(config),
      directory: digestDirectory(config),
      timeZone: config.timeZone,
    });
    return { code: 0, output: `digest of ${digest.count} events, head ${digest.headHash} → ${file}` };
  } finally {
    await database.close();
  }
});
