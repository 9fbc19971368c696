/**
 * `npm run audit:verify [--digest <file|folder>]…` — recomputes the audit chain and checks it against
 * the digests (by default every digest in the data folder). Prints "ok, N events, head …" and exits 0,
 * or names the first broken link and exits 1. Events stored with replaced characters (recorded before
 * text was made well-formed on entry) are listed as notes: they are intact, not tampered.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/shared/config';
import { openDatabase } from '../src/shared/database';
import '../src/models';
import { readDigests, verifyAuditChain } from '../src/audit/audit-service';
import { digestDirectory, resolveDigestKey } from '../src/audit/audit-digest-key';
import { runCommand } from './run-command';

runCommand(async () => {
  const { values } = parseArgs({ options: { digest: { type: 'string', multiple: true } } });
  const config = loadConfig();
  // A fresh install has no digest folder until the first daily digest: nothing to compare, the chain is still checked.
  const defaultFolder = digestDirectory(config);
  const digests = readDigests(values.digest ?? (fs.existsSync(defaultFolder) ? [defaultFolder] : []));
  const database = await openDatabase(config);
  try {
    const report = await verifyAuditChain({ digests, digestKey: resolveDigestKey(config) });
    if (report.ok) {
      const witnessed = report.digestsChecked
        ? `, ${report.digestsChecked} digest(s) match`
        : ', no digest yet (the daily digest job writes the first)';
      const replaced = report.storedWithReplacedCharacters.map(
        (event) =>
          `note: event ${event.sequence} was recorded with malformed text (unpaired ${event.originals.join(', ')}) that the database stored as U+FFFD; its hash proves nothing else differs`,
      );
      return {
        code: 0,
        output: [
          `ok, ${report.count} events, head ${report.head.sequence} ${report.head.hash}${witnessed}`,
          ...replaced,
        ].join('\n'),
      };
    }
    return { code: 1, output: `broken: ${report.problem} (${report.count} events verified before it)` };
  } finally {
    await database.close();
  }
});
