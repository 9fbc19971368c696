/**
 * Starts the embedded FerretDB once for the whole run (unless MONGODB_URI names a server) and passes
 * its URI to the test workers through the environment. Connecting is left to each test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretDb } from '../../src/shared/embedded-ferretdb';
import type { EmbeddedServer } from '../../src/shared/embedded-ferretdb';

declare global {
  var shenfaTestDatabase: { server: EmbeddedServer; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-test-'));
  const server = await startEmbeddedFerretDb({
    binary: '.tools/bin/ferretdb',
    dataDir,
    startTimeoutMs: 30_000,
    onProgress: (message) => process.stderr.write(`[test database] ${message}\n`),
  });
  process.env.MONGODB_URI = server.uri;
  process.env.SHENFA_TEST_EMBEDDED = '1';
  globalThis.shenfaTestDatabase = { server, dataDir };
}
