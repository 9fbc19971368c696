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

export type ScriptRunner = ((...args: string[]) => Promise<AdminRun>) & {
  /** Runs with `input` written to the command's standard input. */
  withInput(input: string, ...args: string[]): Promise<AdminRun>;
};

/** A runner of `scripts/<script>` on `databaseName` (as connectTestDatabase answered it). */
export function scriptCli(script: string, options: ScriptOptions): ScriptRunner {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${options.databaseName}`;
  const root = path.resolve(__dirname, '..', '..');
  const run = (input: string, args: string[]): Promise<AdminRun> => {
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
    // A command that reads nothing may exit before its input is written.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  };
  return Object.assign((...args: string[]) => run('', args), {
    withInput: (input: string, ...args: string[]) => run(input, args),
  });
}

/** A runner of `npm run admin -- …` on `databaseName`, with `env` added to the environment. */
export function adminCli(options: ScriptOptions & { jwtSecret: string }): ScriptRunner {
  return scriptCli('admin.ts', options);
}
