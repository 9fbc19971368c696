/**
 * The program as an operator starts it (`npm start`: `node --import tsx src/main.ts`) in a child process, on the
 * test database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDatabaseUri } from '../support/database';

const root = path.resolve(__dirname, '..', '..');

/** Processes whose command line names `text` (e.g. an embedded database's data folder). */
function processesNaming(text: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return commandLine.includes(text) ? [commandLine] : [];
      } catch {
        return [];
      }
    });
}

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
  elapsedMs: number;
}

function startProgram(
  env: Record<string, string>,
  whileRunning?: (port: number) => Promise<void>,
  /** What stdout shows once the program is up; by default the JSON "API listening" record. */
  ready = /"url":"http:\/\/[^:]+:(\d+)"/,
  /** By default what `npm start` runs; `['npm', 'start']` for npm itself, which must pass SIGTERM on. */
  command: [string, string[]] = [process.execPath, ['--import', 'tsx', 'src/main.ts']],
): Promise<Run> {
  const started = Date.now();
  // As `npm start` runs it: node with tsx's loader, so a SIGTERM reaches the program itself. (The tsx
  // wrapper relays it, but kills the program outright when it does not confirm within 30 ms, as under load.)
  const child = spawn(command[0], command[1], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  let checked = false;
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = ready.exec(stdout);
      if (listening && whileRunning && !checked) {
        checked = true;
        void whileRunning(Number(listening[1] ?? 0)).finally(() => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr, stdout, elapsedMs: Date.now() - started }));
  });
}

describe('starting the program', () => {
  test('when PORT is not a number, then it exits non-zero at once with one line naming PORT', async () => {
    const run = await startProgram({ PORT: 'abc' });
    expect(run.code).not.toBe(0);
    expect(run.elapsedMs).toBeLessThan(15_000);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('http.port (env PORT)');
  });

  test('when MONGODB_URI cannot be reached, then it exits non-zero within 15 s and masks the password', async () => {
    const run = await startProgram({
      MONGODB_URI: 'mongodb://officer:Secr3t-pass@127.0.0.1:9/shenfa',
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '2000',
    });
    expect(run.code).not.toBe(0);
    expect(run.elapsedMs).toBeLessThan(15_000);
    expect(run.stderr).toContain('DATABASE_UNAVAILABLE');
    expect(run.stderr).toContain('officer:****@');
    expect(run.stderr).not.toContain('Secr3t-pass');
  });

  test('when started on a reachable database, then /readyz answers 200 and SIGTERM stops it cleanly', async () => {
    let readiness: unknown;
    const run = await startProgram({ MONGODB_URI: testDatabaseUri() }, async (port) => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      readiness = { status: response.status, body: await response.json() };
    });
    expect(readiness).toEqual({ status: 200, body: { status: 'ready', database: { ok: true } } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"shutting down"');
  });

  test('when SIGTERM comes the moment the database is connected, before the API listens, then it stops cleanly', async () => {
    const run = await startProgram(
      { MONGODB_URI: testDatabaseUri(), BOT_ENABLED: 'false' },
      async () => undefined,
      /"msg":"database connected"/,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"shutting down"');
  });

  test('when `npm start` on the embedded database gets SIGTERM, then it exits 0 and no database process is left', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-start-'));
    const env = { ...process.env, SHENFA_DATA_DIR: dataDir, BOT_ENABLED: 'false' } as Record<string, string>;
    delete env.MONGODB_URI;
    const run = await startProgram(env, async () => undefined, undefined, ['npm', ['start', '--silent']]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"shutting down"');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(processesNaming(dataDir)).toEqual([]);
  });

  test('when started in development format, then the logs are readable lines and one screen says what runs where', async () => {
    const run = await startProgram(
      { MONGODB_URI: testDatabaseUri(), LOG_FORMAT: 'pretty', BOT_ENABLED: 'false' },
      async () => undefined,
      /审发已启动[\s\S]*按 Ctrl\+C 停止/,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^\{"level"/m);
    expect(run.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: API listening/m);
    expect(run.stdout).toMatch(/接口 {4}http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    expect(run.stdout).toContain('数据库  MongoDB mongodb://');
    expect(run.stdout).toContain('聊天    未启用');
    expect(run.stdout).toContain('下一步  npm run admin -- import docs/sample-organization.json');
  });
});
