/**
 * The admin CLI as an operator runs it: `node --import tsx scripts/admin.ts …` in a child process, on
 * the calling test file's database, with a known token secret.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testDatabaseUri } from './database';

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A runner of `npm run admin -- …` on `databaseName` (as connectTestDatabase answered it), with `env`
 * added to the environment; `withInput` writes its text to the command's standard input.
 */
export function adminCli(options: {
  databaseName: string;
  jwtSecret: string;
  env?: Record<string, string>;
}): ((...args: string[]) => Promise<AdminRun>) & { withInput(input: string, ...args: string[]): Promise<AdminRun> } {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${options.databaseName}`;
  const root = path.resolve(__dirname, '..', '..');
  const run = (input: string, args: string[]): Promise<AdminRun> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        MONGODB_URI: uri.toString(),
        JWT_SECRET: options.jwtSecret,
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
