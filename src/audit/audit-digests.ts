/**
 * The audit trail's digests: the head signed and written to a file outside the database, so a trail
 * cut short or rewritten afterwards no longer matches what was witnessed (audit-verify.ts checks it).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../shared/clock';
import { signDigest } from './audit-chain-rules';
import type { AuditDigest } from './audit-chain-rules';
import { emptyChain, readNewerHead } from './audit-chain-head';

/**
 * Signs the current head and writes the digest to `<directory>/digest-<date>-<sequence>.json`.
 * The date is the calendar date in `timeZone`.
 */
export async function createAuditDigest(
  clock: Clock,
  options: { key: string; directory: string; timeZone: string },
): Promise<{ digest: AuditDigest; file: string }> {
  const head = await readNewerHead(emptyChain);
  const createdAt = clock.now();
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: options.timeZone }).format(createdAt);
  const digest = signDigest(
    {
      date,
      createdAt: createdAt.toISOString(),
      count: head.sequence,
      headSequence: head.sequence,
      headHash: head.hash,
    },
    options.key,
  );
  fs.mkdirSync(options.directory, { recursive: true });
  const file = path.join(options.directory, `digest-${date}-${head.sequence}.json`);
  fs.writeFileSync(file, `${JSON.stringify(digest, null, 2)}\n`);
  return { digest, file };
}

/** Reads digest files; a directory means every digest-*.json in it. */
export function readDigests(paths: string[]): { file: string; digest: AuditDigest }[] {
  const files = paths.flatMap((entry) =>
    fs.existsSync(entry) && fs.statSync(entry).isDirectory()
      ? fs
          .readdirSync(entry)
          .filter((name) => /^digest-.*\.json$/.test(name))
          .sort()
          .map((name) => path.join(entry, name))
      : [entry],
  );
  return files.map((file) => ({ file, digest: JSON.parse(fs.readFileSync(file, 'utf8')) as AuditDigest }));
}
