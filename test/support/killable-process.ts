/**
 * A TypeScript script in its own process, for tests that kill processes: started with
 * `node --import tsx`, not the tsx wrapper, so a SIGKILL reaches the process doing the work.
 * `ready` resolves at its first line on stdout.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export function startKillableProcess(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(root, script), ...args], { cwd: root });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, ready, exited };
}
