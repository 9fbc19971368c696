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
  /** The embedded server's process (null for MONGODB_URI): its CPU time is the database's work. */
  pid: number | null;
  stop(): Promise<void>;
}

export async function startBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.MONGODB_URI) {
    return { uri: process.env.MONGODB_URI, source: 'MONGODB_URI', pid: null, stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-bench-'));
  const server = await startEmbeddedFerretDb({ binary: '.tools/bin/ferretdb', dataDir, startTimeoutMs: 30_000 });
  const { pid } = JSON.parse(fs.readFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.json'), 'utf8')) as {
    pid: number;
  };
  return {
    uri: server.uri,
    source: server.source,
    pid,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** CPU milliseconds a process has used so far (user + system), or 0 when it cannot be read. */
export function cpuMsOf(pid: number | null): number {
  if (!pid) return 0;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
