/**
 * `npm run bench -- api`: what the admin API adds on top of the database. A fresh database (the
 * embedded FerretDB unless MONGODB_URI is set) gets the sample organization, 20,000 drafts and 100,000
 * audit events by bulk insert; the real server (bench/api-server-child.ts, its own process) is loaded
 * over HTTP with autocannon, 4 connections and 100 requests per route, with an admin's bearer token:
 * the draft list (first page), a draft's detail and its timeline. Each route's database work is then
 * issued straight through the driver, 4 at a time, 100 in all: the same filter, sort and limit the
 * route sends (list), the draft by _id (detail), the draft by _id then its events (timeline). Lastly
 * a fresh server exports the 20,000 drafts as XLSX while its RSS is sampled, and another the whole audit
 * trail as a branch admin's CSV (each event checked against the admin's scope). Ends with one JSON line.
 * BENCH_API_DRAFTS, BENCH_API_EVENTS, BENCH_API_REQUESTS and BENCH_API_ROUTES (e.g. "detail") make a
 * smaller run; figures of routes left out are null in the JSON line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import mongoose, { Types } from 'mongoose';
import type { mongo } from 'mongoose';
import '../src/models';
import { connectDatabase, ensureIndexes } from '../src/shared/database';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { PeopleService } from '../src/people/people-service';
import { AuditTrail } from '../src/audit/audit-service';
import { AccessTokens } from '../src/api/access-tokens';
import { startCliSession } from '../src/auth/session-service';
import { findViewer } from '../src/people/viewer-scope';
import { draftScopeConditions } from '../src/drafts/draft-access-rules';
import { PersonModel } from '../src/people/person-model';
import { UnitModel } from '../src/people/unit-model';
import { genesisHash, hashEvent } from '../src/audit/audit-chain-rules';
import { seededRandom } from './seeded-random';
import { startBenchDatabase, report } from './bench-database';

const draftCount = Number(process.env.BENCH_API_DRAFTS ?? 20_000);
const eventCount = Number(process.env.BENCH_API_EVENTS ?? 100_000);
const requestsPerRoute = Number(process.env.BENCH_API_REQUESTS ?? 100);
/** Which routes to load (all by default): the list and timeline take long on the embedded database. */
const routeNames = (process.env.BENCH_API_ROUTES ?? 'list,detail,timeline').split(',');
const connections = 4;
const warmUpRequests = 20;
const batchSize = 1000;
const root = path.resolve(__dirname, '..');
const secret = randomBytes(32).toString('hex');
const random = seededRandom(9);

const paragraph =
  '各乡镇、各有关单位：为做好汛期安全防范工作，县应急管理局将于近期组织开展防汛应急演练，请各单位按照演练方案做好人员、物资和通信保障准备，演练结束后及时报送总结。';
const statuses = ['published', 'published', 'published', 'in_review', 'in_review', 'approved', 'rejected', 'withdrawn'];

interface Organization {
  officers: { id: Types.ObjectId; unitId: Types.ObjectId }[];
  leaders: Types.ObjectId[];
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function pick<T>(values: T[]): T {
  return values[Math.floor(random() * values.length)];
}

/** A draft as the draft service stores one: versions with hash and findings, two steps, decisions. */
function draftDocument(index: number, organization: Organization) {
  const officer = organization.officers[index % organization.officers.length];
  const createdAt = new Date(Date.UTC(2026, 0, 1) + index * 600_000);
  const status = statuses[index % statuses.length];
  const versionCount = index % 4 === 0 ? 2 : 1;
  const versions = Array.from({ length: versionCount }, (_, offset) => {
    const title = `关于开展${index}号防汛应急演练的通知${offset ? '（修改稿）' : ''}`;
    const body = paragraph.repeat(3 + offset);
    return {
      number: offset + 1,
      title,
      body,
      sourceUrl: '',
      reprint: null,
      attachments:
        index % 5 === 0
          ? [
              {
                name: '演练方案.docx',
                mimeType: 'application/msword',
                size: 48_213,
                sha256: sha(`a${index}`),
                storagePath: `att/${index}`,
              },
            ]
          : [],
      contentHash: sha(`${title}\n${body}`),
      findings:
        index % 7 === 0
          ? [
              {
                rule: 'sensitive-term',
                category: '表述',
                severity: 'warn',
                field: 'body',
                start: 12,
                end: 16,
                excerpt: '汛期安全',
                suggestion: '请核实',
              },
            ]
          : [],
      createdById: officer.id,
      createdAt: new Date(createdAt.getTime() + offset * 3_600_000),
    };
  });
  const current = versions[versions.length - 1];
  const approvers = [pick(organization.leaders), pick(organization.leaders)];
  const decided = status === 'published' || status === 'approved' ? 2 : status === 'rejected' ? 1 : 0;
  const steps = approvers.map((approverId, step) => ({
    mode: 'any',
    approverIds: [approverId],
    backupApproverIds: [pick(organization.leaders)],
    status:
      step < decided
        ? status === 'rejected'
          ? 'rejected'
          : 'approved'
        : step === decided && status === 'in_review'
          ? 'pending'
          : 'waiting',
    decisions:
      step < decided
        ? [
            {
              approverId,
              onBehalfOfId: null,
              decision: status === 'rejected' ? 'reject' : 'approve',
              comment: status === 'rejected' ? '请补充演练时间' : '同意',
              versionNumber: current.number,
              contentHash: current.contentHash,
              decidedAt: new Date(createdAt.getTime() + (step + 1) * 7_200_000),
            },
          ]
        : [],
    handovers: [],
  }));
  const updatedAt = new Date(createdAt.getTime() + 4 * 3_600_000 + (index % 13) * 60_000);
  return {
    _id: new Types.ObjectId(),
    shortCode: `B${index.toString(36).toUpperCase().padStart(5, '0')}`,
    closedKey: status === 'in_review' || status === 'approved' ? '' : `closed-${index}`,
    unitId: officer.unitId,
    accountId: null,
    submitterId: officer.id,
    status,
    versions,
    currentVersion: current.number,
    steps,
    currentStepIndex: Math.min(decided, 1),
    ccIds: [],
    ccInformed: decided === 2,
    pendingApproverIds: status === 'in_review' ? [approvers[decided]] : [],
    publication:
      status === 'published'
        ? { url: `https://mp.weixin.qq.com/s/${index}`, publishedAt: updatedAt, reportedById: officer.id }
        : { url: '', publishedAt: null, reportedById: null },
    lastMessages: [],
    revision: 1 + decided,
    createdAt,
    updatedAt,
  };
}

async function seedDrafts(db: mongo.Db, organization: Organization): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  const submitters: Types.ObjectId[] = [];
  for (let first = 0; first < draftCount; first += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, draftCount - first) }, (_, offset) =>
      draftDocument(first + offset + 1, organization),
    );
    await db.collection('drafts').insertMany(batch as never[], { ordered: false });
    for (const draft of batch) {
      ids.push(draft._id);
      submitters.push(draft.submitterId);
    }
  }
  return ids;
}

/** A chained trail spread over the drafts: about five events each (submitted, decisions, published). */
async function seedAuditEvents(db: mongo.Db, draftIds: Types.ObjectId[], actorIds: Types.ObjectId[]): Promise<void> {
  const actions = ['draft.submitted', 'draft.revised', 'draft.approved', 'draft.approved', 'draft.published'];
  let previousHash = genesisHash;
  for (let first = 1; first <= eventCount; first += batchSize) {
    const batch = [];
    for (let sequence = first; sequence < Math.min(first + batchSize, eventCount + 1); sequence += 1) {
      const draft = draftIds[Math.floor(((sequence - 1) * draftIds.length) / eventCount)];
      const action = actions[(sequence - 1) % actions.length];
      const content = {
        _id: sequence,
        key: `${action}:${String(draft)}:${sequence}`,
        at: new Date(Date.UTC(2026, 0, 1) + sequence * 120_000),
        actor: { personId: actorIds[sequence % actorIds.length], onBehalfOfId: null, via: 'wechaty:contact' },
        action,
        subject: { type: 'draft', id: String(draft) },
        subjectVersion: 1,
        contentHash: sha(`content-${String(draft)}`),
        reason: action === 'draft.approved' ? '同意' : '',
        details: {},
        previousHash,
      };
      const hash = hashEvent(content);
      batch.push({ ...content, hash });
      previousHash = hash;
    }
    await db.collection('audit_events').insertMany(batch as never[], { ordered: true });
  }
  await db.collection('audit_head').insertOne({ _id: 'head', sequence: eventCount, hash: previousHash } as never);
}

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
    const draftIds = await seedDrafts(db, organization);
    await seedAuditEvents(db, draftIds, organization.leaders);
    report(`seeded ${draftCount} drafts and ${eventCount} audit events in ${Date.now() - seeding} ms`);

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
    const events = db.collection('audit_events');
    const listFilter = {
      $and: [
        {
          $or: draftScopeConditions(viewer.scope).map(({ field, ids }) => ({
            [field]: { $in: ids.map((id) => new Types.ObjectId(id)) },
          })),
        },
      ],
    };
    const figures: Record<string, number | null> = {};
    const routes = [
      {
        name: 'list',
        paths: ['/api/v1/drafts?limit=20'],
        driver: () => drafts.find(listFilter).sort({ updatedAt: -1, _id: -1 }).limit(21).toArray(),
      },
      {
        name: 'detail',
        paths: sampleIds.map((id) => `/api/v1/drafts/${String(id)}`),
        driver: (run: number) => drafts.findOne({ _id: sampleIds[run % sampleIds.length] }),
      },
      {
        name: 'timeline',
        paths: sampleIds.map((id) => `/api/v1/drafts/${String(id)}/timeline`),
        driver: async (run: number) => {
          const draft = await drafts.findOne({ _id: sampleIds[run % sampleIds.length] });
          return events
            .find({ 'subject.type': 'draft', 'subject.id': String(draft?._id) })
            .sort({ _id: 1 })
            .limit(500)
            .toArray();
        },
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
      const apiP95 = await loadRoute(server.port, token, route.paths);
      const used = await server.commands();
      const perRequest = Object.entries(used.commands)
        .map(([command, count]) => `${command} ${(count / requestsPerRoute).toFixed(2)}`)
        .join(', ');
      report(
        `${route.name}: database commands per request: ${perRequest}; database time per request ${(used.databaseMs / requestsPerRoute).toFixed(1)} ms`,
      );
      const driverP95 = await loadDriver(route.driver);
      const ratio = Number((apiP95 / driverP95).toFixed(2));
      report(`${route.name}: api p95 ${apiP95} ms, driver p95 ${driverP95} ms, ratio ${ratio}`);
      figures[`${route.name}_p95_ms`] = apiP95;
      figures[`driver_${route.name}_p95_ms`] = driverP95;
      figures[`ratio_${route.name}_vs_driver`] = ratio;
    }
    await server.stop();
    servers.pop();

    // A fresh server, so the peak is the export's and not the load's.
    const exporter = await startServer(database.uri, dbName);
    servers.push(exporter);
    const started = Date.now();
    const exported = await downloadExport(exporter, token, '/exports/drafts?from=2025-12-01&to=2026-12-31&format=xlsx');
    report(
      `export: ${draftCount} drafts as XLSX, ${(exported.bytes / 1e6).toFixed(1)} MB in ${Date.now() - started} ms, server peak RSS ${exported.peakRssMb} MB`,
    );
    await exporter.stop();
    servers.pop();

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
        list_p95_ms: figures.list_p95_ms ?? null,
        driver_list_p95_ms: figures.driver_list_p95_ms ?? null,
        ratio_list_vs_driver: figures.ratio_list_vs_driver ?? null,
        detail_p95_ms: figures.detail_p95_ms ?? null,
        driver_detail_p95_ms: figures.driver_detail_p95_ms ?? null,
        ratio_detail_vs_driver: figures.ratio_detail_vs_driver ?? null,
        timeline_p95_ms: figures.timeline_p95_ms ?? null,
        driver_timeline_p95_ms: figures.driver_timeline_p95_ms ?? null,
        ratio_timeline_vs_driver: figures.ratio_timeline_vs_driver ?? null,
        export_20k_peak_rss_mb: exported.peakRssMb,
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
