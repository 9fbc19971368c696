/**
 * Where the database comes from and how we connect to it, in the order DESIGN.md gives:
 * `MONGODB_URI` → embedded FerretDB (when Go is present) → mongodb-memory-server (machines with
 * internet) → an error saying what to install. Also translates driver errors into domain errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { DatabaseConfig } from './config';
import { AppError, ConflictError, DatabaseUnavailableError } from './errors';
import { hasGoToolchain, startEmbeddedFerretDb } from './embedded-ferretdb';
import type { EmbeddedServer } from './embedded-ferretdb';
import { maskUri } from './logger';

export type { EmbeddedServer } from './embedded-ferretdb';

export interface DatabaseServer {
  readonly uri: string;
  /** Human-readable origin: "MONGODB_URI", "embedded FerretDB (SQLite)", … */
  readonly source: string;
  stop(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  dataDir: string;
  onProgress?: (message: string) => void;
}

export async function resolveDatabaseServer(
  config: DatabaseConfig,
  options: ResolveDatabaseOptions,
): Promise<DatabaseServer> {
  if (config.uri) return { uri: config.uri, source: 'MONGODB_URI', stop: async () => undefined };

  if (hasGoToolchain() || pathExists(config.embedded.ferretdbBinary)) {
    return startEmbeddedFerretDb({
      binary: config.embedded.ferretdbBinary,
      dataDir: options.dataDir,
      startTimeoutMs: config.embedded.startTimeoutMs,
      onProgress: options.onProgress,
    });
  }

  const memoryServer = await startMemoryServer(options.dataDir).catch((error: unknown) => {
    options.onProgress?.(`mongodb-memory-server unavailable: ${(error as Error).message}`);
    return undefined;
  });
  if (memoryServer) return memoryServer;

  throw new AppError(
    'DATABASE_NOT_CONFIGURED',
    'no database: set MONGODB_URI to a MongoDB 6+ server, or install Go (https://go.dev/dl/) so the embedded FerretDB can be built (npm run db:ferretdb)',
  );
}

async function startMemoryServer(dataDir: string): Promise<EmbeddedServer> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = path.resolve(dataDir, 'mongodb');
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
  return {
    uri: server.getUri(),
    source: 'embedded mongodb-memory-server',
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}

function pathExists(file: string): boolean {
  return fs.existsSync(path.resolve(__dirname, '..', '..', file));
}

export interface ConnectOptions {
  dbName?: string;
  serverSelectionTimeoutMs: number;
}

/** Connects mongoose's default connection; a server that cannot be reached becomes DatabaseUnavailableError. */
export async function connectDatabase(uri: string, options: ConnectOptions): Promise<typeof mongoose> {
  try {
    return await mongoose.connect(uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
      autoIndex: false,
      // Fail instead of queueing while the server is away: the bot spools and tells the sender.
      bufferCommands: false,
    });
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot connect to the database at ${maskUri(uri)}: ${firstLine(error)}`, {
      cause: error,
    });
  }
}

/** Creates the indexes every registered model declares; run once at start-up and by the tests. */
export async function ensureIndexes(connection = mongoose.connection): Promise<void> {
  for (const name of connection.modelNames()) {
    await connection.model(name).createIndexes();
  }
}

/** Answers whether the database answers a ping right now; the reason when it does not. */
export async function checkDatabase(
  connection = mongoose.connection,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (connection.readyState !== mongoose.ConnectionStates.connected || !connection.db) {
    return { ok: false, reason: `database connection is ${mongoose.ConnectionStates[connection.readyState]}` };
  }
  try {
    await connection.db.admin().ping({ timeoutMS: 2000 });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

/**
 * MongoDB reports a unique-index violation as code 11000. FerretDB v1 does so for inserts, but an
 * update that violates a unique index comes back as InternalError carrying the backend's own words:
 * SQLite's "UNIQUE constraint failed", PostgreSQL's "duplicate key value violates unique constraint".
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 11000 ||
    (typeof message === 'string' &&
      /E11000|UNIQUE constraint failed|duplicate key value violates unique constraint/.test(message))
  );
}

/**
 * Whether a write failed on a unique key, in either form it reaches a caller: the driver's duplicate-key
 * error, or the ConflictError the unique-conflict plugin (unique-conflict-plugin.ts) makes of one for a
 * model that declares its unique indexes. Callers ask this, not the error's code or status.
 */
export function isUniqueConflict(error: unknown): boolean {
  return isDuplicateKeyError(error) || (error instanceof ConflictError && isDuplicateKeyError(error.cause));
}

/** Whether an unordered bulk insert failed only on keys that were already there. */
export function isOnlyDuplicates(error: unknown): boolean {
  const writeErrors = listWriteErrors(error);
  return (
    writeErrors.length > 0 &&
    writeErrors.every((writeError) => isDuplicateKeyError({ code: writeError.code, message: writeError.errmsg }))
  );
}

/**
 * Inserts documents in one unordered write; a document whose unique key is taken is skipped, so a job
 * or service that runs again after a crash can insert the same documents again. Returns how many were
 * inserted. Any other failure is thrown (see translateDatabaseError).
 */
export async function insertIgnoringDuplicates(
  collection: { insertMany(documents: never[], options: { ordered: boolean }): Promise<unknown> },
  documents: object[],
): Promise<number> {
  return documents.length - (await insertSkippingDuplicates(collection, documents)).length;
}

/** As insertIgnoringDuplicates; answers the positions (in `documents`) of those skipped as taken. */
export async function insertSkippingDuplicates(
  collection: { insertMany(documents: never[], options: { ordered: boolean }): Promise<unknown> },
  documents: object[],
): Promise<number[]> {
  if (documents.length === 0) return [];
  try {
    await collection.insertMany(documents as never[], { ordered: false });
    return [];
  } catch (error) {
    if (!isOnlyDuplicates(error)) translateDatabaseError(error);
    return listWriteErrors(error).map((writeError) => writeError.index ?? -1);
  }
}

/** A write error of a bulk write: the position of the document it refused, and why. */
export interface WriteError {
  index?: number;
  code?: unknown;
  errmsg?: unknown;
}

export function listWriteErrors(error: unknown): WriteError[] {
  if (typeof error !== 'object' || error === null) return [];
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(writeErrors)) return writeErrors as WriteError[];
  if (typeof writeErrors === 'object' && writeErrors !== null) return [writeErrors as WriteError];
  return [];
}

/**
 * Turns a duplicate-key error into the given conflict; anything that says the server is gone
 * becomes DatabaseUnavailableError; everything else is re-thrown unchanged.
 */
export function translateDatabaseError(error: unknown, onDuplicate?: () => ConflictError): never {
  if (isDuplicateKeyError(error) && onDuplicate) throw onDuplicate();
  if (isConnectionError(error)) {
    throw new DatabaseUnavailableError('数据库暂时无法访问，请稍后再试', { cause: error });
  }
  throw error;
}

const connectionErrorNames = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** True when the error says the database could not be reached (as opposed to refusing a request). */
export function isConnectionError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && connectionErrorNames.has(name);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return maskUri(message.split('\n')[0]);
}

export interface OpenDatabase {
  readonly server: DatabaseServer;
  close(): Promise<void>;
}

/**
 * Resolves the server, connects and creates the indexes of the registered models: what every entry
 * point (API, bot, CLI) does first, after importing src/models.ts.
 */
export async function openDatabase(
  config: { database: DatabaseConfig; dataDir: string },
  onProgress?: (message: string) => void,
): Promise<OpenDatabase> {
  const server = await resolveDatabaseServer(config.database, { dataDir: config.dataDir, onProgress });
  try {
    await connectDatabase(server.uri, { serverSelectionTimeoutMs: config.database.serverSelectionTimeoutMs });
    await ensureIndexes();
  } catch (error) {
    await mongoose.disconnect().catch(() => undefined);
    await server.stop();
    throw error;
  }
  return {
    server,
    async close() {
      await mongoose.disconnect();
      await server.stop();
    },
  };
}
