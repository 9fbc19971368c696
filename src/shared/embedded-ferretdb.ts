/**
 * The embedded database for the local default and the tests: FerretDB v1 with its SQLite backend,
 * a MongoDB-wire-compatible server built from the Go module proxy (scripts/install-ferretdb.sh).
 * Listens on 127.0.0.1 only, on a free port, with telemetry off; stopped with the process.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AppError } from './errors';

export interface EmbeddedServer {
  readonly uri: string;
  readonly source: string;
  stop(): Promise<void>;
}

export interface EmbeddedFerretDbOptions {
  binary: string;
  dataDir: string;
  startTimeoutMs: number;
  /** A fixed port (tests that stop and restart the server); a free one when not given. */
  port?: number;
  /** Called with progress lines (building, started); the caller decides where they go. */
  onProgress?: (message: string) => void;
}

const projectRoot = path.resolve(__dirname, '..', '..');
const installScript = path.join(projectRoot, 'scripts', 'install-ferretdb.sh');

export function hasGoToolchain(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Where the install script builds FerretDB; only this binary is rebuilt when the script's patch level changes. */
const builtBinary = path.join(projectRoot, '.tools', 'bin', 'ferretdb');

/** The install script's own check: is the binary at `builtBinary` the version and patch level it builds? */
function builtBinaryIsCurrent(): boolean {
  return spawnSync('bash', [installScript, '--check'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the FerretDB binary when it is missing, or when it is ours and older than the install script's patched
 * build (the _id index patch makes updates by _id index lookups), and Go is available; returns its absolute path
 * or undefined. Without Go an existing older binary is used as it is: it is slower, not wrong.
 */
export function ensureFerretDbBinary(binary: string, onProgress?: (message: string) => void): string | undefined {
  const absolute = path.resolve(projectRoot, binary);
  const exists = fs.existsSync(absolute);
  if (exists && (absolute !== builtBinary || !hasGoToolchain() || builtBinaryIsCurrent())) return absolute;
  if (!exists && !hasGoToolchain()) return undefined;
  onProgress?.(
    exists
      ? `rebuilding FerretDB at ${absolute} with the current patch (about a minute)`
      : `building FerretDB into ${absolute} (first start only, about a minute)`,
  );
  const build = spawnSync('bash', [installScript], { encoding: 'utf8', env: process.env });
  if (build.status !== 0 || !fs.existsSync(absolute)) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    if (exists) {
      onProgress?.(`rebuilding FerretDB failed, using the existing build: ${output}`);
      return absolute;
    }
    throw new AppError('EMBEDDED_DATABASE_BUILD_FAILED', `building FerretDB failed: ${output}`);
  }
  return absolute;
}

export async function startEmbeddedFerretDb(options: EmbeddedFerretDbOptions): Promise<EmbeddedServer> {
  const binary = ensureFerretDbBinary(options.binary, options.onProgress);
  if (!binary) {
    throw new AppError('EMBEDDED_DATABASE_UNAVAILABLE', 'FerretDB is not built and no Go toolchain was found');
  }
  const stateDir = path.resolve(options.dataDir, 'ferretdb');
  fs.mkdirSync(stateDir, { recursive: true });
  const running = await findRunningServer(stateDir);
  if (running) return running;

  const port = options.port ?? (await findFreePort());
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${stateDir}/`,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
      '--log-format=text',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const recentLines: string[] = [];
  const remember = (chunk: Buffer) => {
    recentLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    recentLines.splice(0, Math.max(0, recentLines.length - 20));
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilListening(child, port, options.startTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    const log = recentLines.length ? `; FerretDB said: ${recentLines.join(' | ')}` : '';
    throw new AppError('EMBEDDED_DATABASE_START_FAILED', `FerretDB did not start: ${(error as Error).message}${log}`, {
      cause: error,
    });
  }
  writeServerFile(stateDir, { pid: child.pid ?? 0, port, ownerPid: process.pid });
  options.onProgress?.(`FerretDB listening on 127.0.0.1:${port}, data in ${stateDir}`);

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    source: 'embedded FerretDB (SQLite)',
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      fs.rmSync(serverFile(stateDir), { force: true });
    },
  };
}

interface ServerFile {
  pid: number;
  port: number;
  /** The process that started the server and stops it. */
  ownerPid: number;
}

const serverFile = (stateDir: string) => path.join(stateDir, 'ferretdb.json');

function writeServerFile(stateDir: string, server: ServerFile): void {
  fs.writeFileSync(serverFile(stateDir), JSON.stringify(server));
}

/**
 * One data folder, one server. A command run beside `npm start` (e.g. audit:verify) shares the running
 * server; a server whose owner died without stopping it is adopted, and stopped by its new owner.
 */
async function findRunningServer(stateDir: string): Promise<EmbeddedServer | undefined> {
  let server: ServerFile;
  try {
    server = JSON.parse(fs.readFileSync(serverFile(stateDir), 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
  const alive = isRunning(server.pid, 'ferretdb') && (await acceptsConnections(server.port));
  if (!alive) {
    if (isRunning(server.pid, 'ferretdb')) process.kill(server.pid, 'SIGKILL');
    fs.rmSync(serverFile(stateDir), { force: true });
    return undefined;
  }
  const uri = `mongodb://127.0.0.1:${server.port}/`;
  if (isRunning(server.ownerPid) && server.ownerPid !== process.pid) {
    return { uri, source: 'embedded FerretDB (SQLite), shared with another process', stop: async () => undefined };
  }
  writeServerFile(stateDir, { ...server, ownerPid: process.pid });
  return {
    uri,
    source: 'embedded FerretDB (SQLite), adopted',
    async stop() {
      if (isRunning(server.pid, 'ferretdb')) process.kill(server.pid, 'SIGTERM');
      fs.rmSync(serverFile(stateDir), { force: true });
    },
  };
}

function isRunning(pid: number, commandContains?: string): boolean {
  try {
    process.kill(pid, 0);
    if (!commandContains || !fs.existsSync('/proc')) return true;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(commandContains);
  } catch {
    return false;
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitUntilListening(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      child.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`exited early (code ${code ?? 'none'}, signal ${signal ?? 'none'})`));
    child.once('exit', onExit);
    child.once('error', (error) => finish(error));
    const attempt = () => {
      if (settled) return;
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        finish();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) finish(new Error(`not listening after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
