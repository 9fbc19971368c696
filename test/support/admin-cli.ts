/**
 * The operator's scripts as an operator runs them: `node --import tsx scripts/<name>.ts …` in a child
 * process, on the calling test file's database, with a known token secret.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testDatabaseUri } from './database';

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  databaseName: string;
  jwtSecret?: string;
  /** More environment (e.g. SHENFA_DATA_DIR for a fresh data folder). */
  env?: Record<string, string>;
}

/** A runner of `scripts/<script>` on `databaseName` (as connectTestDatabase answered it). */
export function scriptCli(script: string, options: ScriptOptions): (...args: string[]) => Promise<AdminRun> {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${options.databaseName}`;
  const root = path.resolve(__dirname, '..', '..');
  return (...args) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}`, ...args], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        MONGODB_URI: uri.toString(),
        ...(options.jwtSecret ? { JWT_SECRET: options.jwtSecret } : {}),
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  };
}

/** A runner of `npm run admin -- …` on `databaseName`. */
export function adminCli(options: {
  databaseName: string;
  jwtSecret: string;
}): (...args: string[]) => Promise<AdminRun> {
  return scriptCli('admin.ts', options);
}
