/**
 * `npm run bench -- audit`: append throughput of the audit trail with 1 and with 4 concurrent writer
 * processes (same total number of events; each process has BENCH_AUDIT_CONCURRENCY appends in flight,
 * default 4, as a bot handling several chats at once would), and with one process holding as many in
 * flight as the four together (what group commit makes of them), and with four processes each on a
 * trail of its own (the machine's ceiling for four writers without any coordination), and verify throughput and peak memory
 * over a chain of 1,000,000 events (BENCH_AUDIT_EVENTS to change), next to a plain cursor's read rate
 * over the same events. Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import mongoose, { Types } from 'mongoose';
import { genesisHash, hashEvent } from '../src/audit/audit-chain-rules';
import { startBenchDatabase, report } from './bench-database';
import type { BenchDatabase } from './bench-database';

const root = path.resolve(__dirname, '..');
const appendTotal = Number(process.env.BENCH_AUDIT_APPENDS ?? 3000);
const verifyEvents = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const concurrency = process.env.BENCH_AUDIT_CONCURRENCY ?? '4';

/** What `npm run audit:verify` runs with (package.json): a heap limit, so V8 collects before it grows. */
const verifyNodeOptions = ['--max-old-space-size=128'];

function runNode(script: string, args: string[], nodeOptions: string[] = []) {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
  });
  const lines = readline.createInterface({ input: child.stdout });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}: ${stderr}`)))),
  );
  return { child, lines, exited };
}

interface AppendRun {
  writers: number;
  /** Appends each writer keeps in flight. */
  callers?: string;
  /** Each writer on a trail of its own (no shared sequence): what the machine allows without coordination. */
  separateTrails?: boolean;
}

async function measureAppends(database: BenchDatabase, run: AppendRun): Promise<number> {
  const { writers, callers = concurrency, separateTrails = false } = run;
  const dbName = `bench_audit_append_${writers}_${Date.now()}`;
  const appenders = Array.from({ length: writers }, (_, index) =>
    runNode('bench/audit-appender.ts', [
      database.uri,
      separateTrails ? `${dbName}_${index}` : dbName,
      String(appendTotal / writers),
      `w${index}`,
      '--wait-for-go',
      '--concurrency',
      callers,
    ]),
  );
  const outputs = appenders.map(({ lines }) => {
    const received: string[] = [];
    lines.on('line', (line) => received.push(line));
    return received;
  });
  await Promise.all(appenders.map(({ lines }) => new Promise((resolve) => lines.once('line', resolve))));
  for (const { child } of appenders) child.stdin.write('go\n');
  await Promise.all(appenders.map(({ exited }) => exited));
  const timings = outputs.map(
    (lines) => JSON.parse(lines[lines.length - 1]) as { startedAt: number; finishedAt: number },
  );
  const elapsedMs = Math.max(...timings.map((t) => t.finishedAt)) - Math.min(...timings.map((t) => t.startedAt));
  const perSecond = (appendTotal / elapsedMs) * 1000;
  report(
    `append, ${writers} writer(s)${separateTrails ? ' on separate trails' : ''}, ${callers} appends in flight each: ${appendTotal} events in ${elapsedMs} ms = ${perSecond.toFixed(0)} events/s`,
  );
  return perSecond;
}

async function writeChain(database: BenchDatabase, dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(database.uri, { dbName }).asPromise();
  const events = connection.collection('audit_events');
  const started = Date.now();
  let previousHash = genesisHash;
  const at = Date.parse('2026-01-01T00:00:00Z');
  const personId = new Types.ObjectId();
  for (let first = 1; first <= verifyEvents; first += 10_000) {
    const batch = [];
    for (let sequence = first; sequence < Math.min(first + 10_000, verifyEvents + 1); sequence += 1) {
      const content = {
        _id: sequence,
        key: `bench-${sequence}`,
        at: new Date(at + sequence * 1000),
        actor: { personId, onBehalfOfId: null, via: 'wechaty:bench-contact' },
        action: sequence % 3 ? 'draft.approved' : 'draft.submitted',
        subject: { type: 'draft', id: `draft-${sequence >> 2}` },
        subjectVersion: 1,
        contentHash: 'c'.repeat(64),
        reason: '同意发布',
        details: {},
        previousHash,
      };
      const hash = hashEvent(content);
      batch.push({ ...content, hash });
      previousHash = hash;
    }
    await events.insertMany(batch as never[], { ordered: true });
  }
  report(`wrote a chain of ${verifyEvents} events in ${Date.now() - started} ms`);
  await connection.close();
}

interface ReadMeasurement {
  perSecond: number;
  peakRssMb: number;
}

async function measureRead(
  database: BenchDatabase,
  dbName: string,
  mode: 'verify' | 'cursor',
): Promise<ReadMeasurement> {
  const reader = runNode(
    'bench/audit-verify-child.ts',
    [database.uri, dbName, ...(mode === 'cursor' ? ['--cursor-only'] : [])],
    verifyNodeOptions,
  );
  let result = '';
  reader.lines.on('line', (line) => (result = line));
  await reader.exited;
  const { count, elapsedMs, peakRssMb, ok } = JSON.parse(result) as {
    ok: boolean;
    count: number;
    elapsedMs: number;
    peakRssMb: number;
  };
  if (!ok || count !== verifyEvents) throw new Error(`${mode} did not pass: ${result}`);
  const perSecond = (count / elapsedMs) * 1000;
  report(`${mode}: ${count} events in ${elapsedMs} ms = ${perSecond.toFixed(0)} events/s, peak RSS ${peakRssMb} MB`);
  return { perSecond, peakRssMb };
}

/**
 * A plain cursor and verification, taking turns twice over the same events (the machine is shared, so
 * one run of each can be unlucky); each figure is the better of its two runs, the peak RSS the higher.
 */
async function measureVerify(database: BenchDatabase): Promise<{ verify: ReadMeasurement; cursorPerSecond: number }> {
  const dbName = `bench_audit_verify_${Date.now()}`;
  await writeChain(database, dbName);
  const cursorRuns: ReadMeasurement[] = [];
  const verifyRuns: ReadMeasurement[] = [];
  for (let turn = 0; turn < 2; turn += 1) {
    cursorRuns.push(await measureRead(database, dbName, 'cursor'));
    verifyRuns.push(await measureRead(database, dbName, 'verify'));
  }
  return {
    verify: {
      perSecond: Math.max(...verifyRuns.map((run) => run.perSecond)),
      peakRssMb: Math.max(...verifyRuns.map((run) => run.peakRssMb)),
    },
    cursorPerSecond: Math.max(...cursorRuns.map((run) => run.perSecond)),
  };
}

export async function runAuditBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  try {
    const one = await measureAppends(database, { writers: 1 });
    const four = await measureAppends(database, { writers: 4 });
    // The same 16 appends in flight as the 4 writers, in one process: what group commit does with them.
    const oneWithSixteen = await measureAppends(database, { writers: 1, callers: String(4 * Number(concurrency)) });
    const fourSeparate = await measureAppends(database, { writers: 4, separateTrails: true });
    const { verify, cursorPerSecond } = await measureVerify(database);
    report(
      JSON.stringify({
        bench: 'audit',
        append_per_s_1: Math.round(one),
        append_per_s_4: Math.round(four),
        append_per_s_1_same_in_flight_as_4: Math.round(oneWithSixteen),
        append_per_s_4_separate_trails: Math.round(fourSeparate),
        verify_events_per_s: Math.round(verify.perSecond),
        cursor_read_events_per_s: Math.round(cursorPerSecond),
        verify_peak_rss_mb: verify.peakRssMb,
      }),
    );
  } finally {
    await database.stop();
  }
}
