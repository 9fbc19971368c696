/**
 * The database a benchmark runs on: MONGODB_URI when set, otherwise a fresh embedded FerretDB in a
 * temporary folder, stopped when the benchmark ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretDb } from '../src/shared/embedded-ferretdb';

export interface BenchDatabase {
  uri: string;
  source: string;
  stop(): Promise<void>;
}

export async function startBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.MONGODB_URI) {
    return { uri: process.env.MONGODB_URI, source: 'MONGODB_URI', stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-bench-'));
  const server = await startEmbeddedFerretDb({ binary: '.tools/bin/ferretdb', dataDir, startTimeoutMs: 30_000 });
  return {
    uri: server.uri,
    source: server.source,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
