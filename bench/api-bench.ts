/**
 * `npm run bench -- api`: how fast the admin API answers, and what it adds on top of the database. A
 * fresh database (the embedded FerretDB unless MONGODB_URI is set) gets the sample organization, 20,000
 * drafts and 100,000 audit events by bulk insert, written the old way (api-bench-seed.ts), then the
 * drafts' upgrade at start gives them their listings and timelines (timed). The real server
 * (bench/api-server-child.ts, its own process) is loaded over HTTP with autocannon, 4 connections and
 * 100 requests per route, with an admin's bearer token: the draft list (first page), a draft's detail
 * and its timeline; absolute p95s are reported. Each route's database work is then issued straight
 * through the driver, 4 at a time, 100 in all: the same filter, sort and limit on the listings (list),
 * the draft by _id (detail), the draft by _id with the fields the timeline reads (timeline). Lastly a
 * fresh server exports the 20,000 drafts as XLSX while its RSS is sampled (BENCH_API_EXPORT_RUNS times,
 * each on a fresh server), and another the whole audit trail as a branch admin's CSV (each event
 * checked against the admin's scope). Ends with one JSON line. BENCH_API_DRAFTS, BENCH_API_EVENTS,
 * BENCH_API_REQUESTS and BENCH_API_ROUTES (e.g. "detail", or "none") make a smaller run; figures of
 * routes left out are null in the JSON line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import '../src/models';
import { connectDatabase, ensureIndexes } from '../src/shared/database';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { PeopleService } from '../src/people/people-service';
import { AuditTrail } from '../src/audit/audit-service';
import { AccessTokens } from '../src/api/access-tokens';
import { startCliSession } from '../src/auth/session-service';
import { findViewer } from '../src/people/viewer-scope';
import { inScope, timelineFields } from '../src/drafts/draft-queries';
import { upgradeDraftStorage } from '../src/drafts/draft-storage-upgrade';
import { PersonModel } from '../src/people/person-model';
import { UnitModel } from '../src/people/unit-model';
import { cpuMsOf, startBenchDatabase, report } from './bench-database';
import { seedAuditEvents, seedDrafts } from './api-bench-seed';
import type { Organization } from './api-bench-seed';

const draftCount = Number(process.env.BENCH_API_DRAFTS ?? 20_000);
const eventCount = Number(process.env.BENCH_API_EVENTS ?? 100_000);
const requestsPerRoute = Number(process.env.BENCH_API_REQUESTS ?? 100);
/** Which routes to load (all by default): the list and timeline take long on the embedded database. */
const routeNames = (process.env.BENCH_API_ROUTES ?? 'list,detail,timeline').split(',');
/** Exports of the drafts, each on a fresh server: the memory target holds for every one of them. */
const exportRuns = Number(process.env.BENCH_API_EXPORT_RUNS ?? 1);
const connections = 4;
const warmUpRequests = 20;
const root = path.resolve(__dirname, '..');
const secret = randomBytes(32).toString('hex');

interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** The database commands the server ran since the last call, and their summed milliseconds. */
  commands(): Promise<{ commands: Record<string, number>; databaseMs: number }>;
  stop(): Promise<void>;
}

async function startServer(uri: string, dbName: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/api-server-child.ts'), uri, dbName],
    {
      cwd: root,
      env: { ...process.env, BENCH_API_SECRET: secret },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`api server exited ${code}: ${stderr}`)));
  });
  const { port } = JSON.parse(first) as { port: number };
  return {
    child,
    port,
    async commands() {
      const answer = new Promise<string>((resolve) => lines.once('line', resolve));
      child.stdin.write('commands\n');
      return JSON.parse(await answer) as { commands: Record<string, number>; databaseMs: number };
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

function percentile(durations: number[], fraction: number): number {
  const sorted = [...durations].sort((left, right) => left - right);
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)].toFixed(1));
}

/** p95 of `requestsPerRoute` requests over HTTP, `connections` at a time; any answer but 200 fails the bench. */
async function loadRoute(port: number, token: string, paths: string[]): Promise<number> {
  const durations: number[] = [];
  const statusCodes = new Map<number, number>();
  let next = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        amount: requestsPerRoute,
        // The embedded database sorts in memory: a list request can take many seconds there.
        timeout: 600,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      durations.push(responseTime);
      statusCodes.set(statusCode, (statusCodes.get(statusCode) ?? 0) + 1);
    });
  });
  const failed = [...statusCodes].filter(([status]) => status !== 200);
  if (failed.length > 0 || durations.length === 0) {
    throw new Error(
      `${paths[0]}: answers by status ${JSON.stringify([...statusCodes])}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return percentile(durations, 0.95);
}

/** p95 of `requestsPerRoute` calls of `operation`, `connections` at a time. */
async function loadDriver(operation: (run: number) => Promise<unknown>): Promise<number> {
  const durations: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let run = next++; run < requestsPerRoute; run = next++) {
      const started = performance.now();
      await operation(run);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return percentile(durations, 0.95);
}

function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Downloads an export (`path` under /api/v1) while sampling the server's RSS; bytes and peak MB. */
async function downloadExport(
  server: ServerProcess,
  token: string,
  exportPath: string,
): Promise<{ bytes: number; peakRssMb: number }> {
  const pid = server.child.pid ?? 0;
  let peak = residentMb(pid, 'VmRSS');
  const sampler = setInterval(() => (peak = Math.max(peak, residentMb(pid, 'VmRSS'))), 20);
  try {
    const bytes = await new Promise<number>((resolve, reject) => {
      const request = http.get(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/v1${exportPath}`,
          headers: { authorization: `Bearer ${token}` },
        },
        (response) => {
          let total = 0;
          if (response.statusCode !== 200) reject(new Error(`export answered ${response.statusCode}`));
          response.on('data', (chunk: Buffer) => (total += chunk.length));
          response.on('end', () => resolve(total));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
    return { bytes, peakRssMb: Math.max(peak, residentMb(pid, 'VmHWM')) };
  } finally {
    clearInterval(sampler);
  }
}

export async function runApiBench(): Promise<void> {
  const database = await startBenchDatabase();
  const dbName = `bench_api_${Date.now()}`;
  report(`database: ${database.source}`);
  await connectDatabase(database.uri, { dbName, serverSelectionTimeoutMs: 30_000 });
  const servers: ServerProcess[] = [];
  try {
    const db = mongoose.connection.db;
    if (!db) throw new Error('not connected');
    await ensureIndexes();
    const audit = new AuditTrail({ clock: systemClock, logger: createLogger('silent') });
    const people = new PeopleService({ clock: systemClock, audit });
    const sample = fs.readFileSync(path.join(root, 'docs/sample-organization.json'), 'utf8');
    await people.importOrganization(sample, 'json', { byId: null });
    await audit.settle();
    await db.collection('audit_events').deleteMany({});
    await db.collection('audit_head').deleteMany({});
    const everyone = await PersonModel.find({}).lean();
    const organization: Organization = {
      officers: everyone
        .filter((person) => person.roles.includes('officer'))
        .map((person) => ({ id: person._id, unitId: person.unitIds[0] })),
      leaders: everyone.filter((person) => person.roles.includes('leader')).map((person) => person._id),
    };
    const admin = everyone.find((person) => person.roles.includes('admin') && person.adminOfUnitId);
    if (!admin || organization.officers.length === 0)
      throw new Error('the sample organization has no admin or officer');
    report(`organization: ${await UnitModel.countDocuments()} units, ${everyone.length} people; admin ${admin.name}`);

    const seeding = Date.now();
    const draftIds = await seedDrafts(db, organization, draftCount);
    await seedAuditEvents(db, draftIds, organization.leaders, eventCount);
    report(`seeded ${draftCount} drafts and ${eventCount} audit events in ${Date.now() - seeding} ms`);
    const upgrading = Date.now();
    const upgrade = await upgradeDraftStorage();
    const upgradeMs = Date.now() - upgrading;
    report(
      `upgrade at start: ${upgrade.listingsWritten} listings and ${upgrade.timelinesWritten} timelines in ${upgradeMs} ms`,
    );

    // As `npm run admin -- api-token` makes one: the server reads its session on every request.
    const accessTokens = new AccessTokens(secret, 3600, systemClock);
    const { token } = await startCliSession({ clock: systemClock, accessTokens }, String(admin._id));
    const viewer = await findViewer(String(admin._id));
    if (!viewer) throw new Error('the admin is not active');
    // Drafts spread over the whole collection, the same ones for the HTTP and the driver runs.
    const sampleIds = Array.from({ length: 25 }, (_, index) => draftIds[Math.floor((index * draftIds.length) / 25)]);

    const server = await startServer(database.uri, dbName);
    servers.push(server);
    report(
      `api server: pid ${server.child.pid}, port ${server.port}, ${residentMb(server.child.pid ?? 0, 'VmRSS')} MB`,
    );
    const drafts = db.collection('drafts');
    const listings = db.collection('draft_listings');
    const listFilter = { $and: [inScope(viewer.scope)] };
    const figures: Record<string, number | null> = {};
    const routes = [
      {
        name: 'list',
        paths: ['/api/v1/drafts?limit=20'],
        driver: () => listings.find(listFilter).sort({ updatedAt: -1, _id: -1 }).limit(21).toArray(),
      },
      {
        name: 'detail',
        paths: sampleIds.map((id) => `/api/v1/drafts/${String(id)}`),
        driver: (run: number) => drafts.findOne({ _id: sampleIds[run % sampleIds.length] }),
      },
      {
        name: 'timeline',
        paths: sampleIds.map((id) => `/api/v1/drafts/${String(id)}/timeline`),
        driver: (run: number) =>
          drafts.findOne({ _id: sampleIds[run % sampleIds.length] }, { projection: timelineFields }),
      },
    ];
    for (const route of routes.filter(({ name }) => routeNames.includes(name))) {
      // Warm-up, the same each way and not measured: caches (people, unit names), connections and the
      // JIT. Up to 20 requests, but no more than about 2 s (one list request can take that long alone).
      const warmUntil = Date.now() + 2_000;
      for (let index = 0; index < warmUpRequests && Date.now() < warmUntil; index += 1) {
        await fetch(`http://127.0.0.1:${server.port}${route.paths[index % route.paths.length]}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await route.driver(index);
      }
      await server.commands();
      // The database's own CPU per request: what a request costs it, however busy the machine is.
      const cpuBefore = cpuMsOf(database.pid);
      const apiP95 = await loadRoute(server.port, token, route.paths);
      const databaseCpuMs = Number(((cpuMsOf(database.pid) - cpuBefore) / requestsPerRoute).toFixed(1));
      const used = await server.commands();
      const perRequest = Object.entries(used.commands)
        .map(([command, count]) => `${command} ${(count / requestsPerRoute).toFixed(2)}`)
        .join(', ');
      report(
        `${route.name}: database commands per request: ${perRequest}; database time per request ${(used.databaseMs / requestsPerRoute).toFixed(1)} ms, database CPU per request ${databaseCpuMs} ms`,
      );
      figures[`database_cpu_${route.name}_ms`] = database.pid ? databaseCpuMs : null;
      const driverP95 = await loadDriver(route.driver);
      const ratio = Number((apiP95 / driverP95).toFixed(2));
      report(`${route.name}: api p95 ${apiP95} ms, driver p95 ${driverP95} ms, ratio ${ratio}`);
      figures[`${route.name}_p95_ms`] = apiP95;
      figures[`driver_${route.name}_p95_ms`] = driverP95;
      figures[`ratio_${route.name}_vs_driver`] = ratio;
    }
    await server.stop();
    servers.pop();

    // Each on a fresh server, so the peak is the export's and not the load's.
    const exportPeaks: number[] = [];
    for (let run = 1; run <= exportRuns; run += 1) {
      const exporter = await startServer(database.uri, dbName);
      servers.push(exporter);
      const started = Date.now();
      const exported = await downloadExport(
        exporter,
        token,
        '/exports/drafts?from=2025-12-01&to=2026-12-31&format=xlsx',
      );
      exportPeaks.push(exported.peakRssMb);
      report(
        `export ${run}/${exportRuns}: ${draftCount} drafts as XLSX, ${(exported.bytes / 1e6).toFixed(1)} MB in ${Date.now() - started} ms, server peak RSS ${exported.peakRssMb} MB`,
      );
      await exporter.stop();
      servers.pop();
    }

    // The audit trail as a branch admin's CSV, on a fresh server again: every event is read and each
    // batch's subjects are checked against the admin's scope (audit-visibility.ts).
    const branch = organization.officers[0];
    await PersonModel.updateOne(
      { _id: branch.id },
      { $set: { roles: ['officer', 'admin'], adminOfUnitId: branch.unitId } },
    );
    const { token: branchToken } = await startCliSession(
      { clock: systemClock, accessTokens: new AccessTokens(secret, 3600, systemClock) },
      String(branch.id),
    );
    const auditExporter = await startServer(database.uri, dbName);
    servers.push(auditExporter);
    const auditStarted = Date.now();
    const auditExported = await downloadExport(
      auditExporter,
      branchToken,
      '/exports/audit?from=2025-12-01&to=2026-12-31&format=csv',
    );
    const auditMs = Date.now() - auditStarted;
    report(
      `audit export: ${eventCount} events as a branch admin's CSV, ${(auditExported.bytes / 1e6).toFixed(1)} MB in ${auditMs} ms, server peak RSS ${auditExported.peakRssMb} MB`,
    );
    report(
      JSON.stringify({
        bench: 'api',
        drafts: draftCount,
        events: eventCount,
        upgrade_ms: upgradeMs,
        list_p95_ms: figures.list_p95_ms ?? null,
        driver_list_p95_ms: figures.driver_list_p95_ms ?? null,
        ratio_list_vs_driver: figures.ratio_list_vs_driver ?? null,
        detail_p95_ms: figures.detail_p95_ms ?? null,
        driver_detail_p95_ms: figures.driver_detail_p95_ms ?? null,
        ratio_detail_vs_driver: figures.ratio_detail_vs_driver ?? null,
        timeline_p95_ms: figures.timeline_p95_ms ?? null,
        database_cpu_list_ms: figures.database_cpu_list_ms ?? null,
        database_cpu_detail_ms: figures.database_cpu_detail_ms ?? null,
        database_cpu_timeline_ms: figures.database_cpu_timeline_ms ?? null,
        driver_timeline_p95_ms: figures.driver_timeline_p95_ms ?? null,
        ratio_timeline_vs_driver: figures.ratio_timeline_vs_driver ?? null,
        export_peak_rss_mb: Math.max(...exportPeaks),
        export_runs_within_200_mb: `${exportPeaks.filter((peak) => peak <= 200).length}/${exportRuns}`,
        audit_export_branch_peak_rss_mb: auditExported.peakRssMb,
        audit_export_branch_ms: auditMs,
      }),
    );
  } finally {
    for (const server of servers) await server.stop();
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await database.stop();
  }
}
