/**
 * `npm run db:copy -- --to <mongodb-uri> [--overwrite]` — copies this installation's database (the
 * embedded one, or MONGODB_URI) to another server, for a unit that outgrows the embedded default:
 * every collection with its indexes, then the audit chain is verified on the target. Stop shenfa first,
 * so nothing is written while it copies; afterwards start it with MONGODB_URI set to the target.
 *
 * The target database is the one the URI names (mongodb://host/shenfa). A target that holds documents
 * is refused, unless --overwrite, which empties the target's collections of the same names first.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { loadConfig } from '../src/shared/config';
import { openDatabase } from '../src/shared/database';
import { maskUri } from '../src/shared/logger';
import { verifyAuditChain } from '../src/audit/audit-service';
import { AppError } from '../src/shared/errors';
import '../src/models';
import { runCommand } from './run-command';

const batchSize = 1000;

interface CopiedCollection {
  name: string;
  documents: number;
  indexes: number;
}

runCommand(async () => {
  const { values } = parseArgs({ options: { to: { type: 'string' }, overwrite: { type: 'boolean' } } });
  if (!values.to) {
    throw new AppError(
      'DB_COPY_TARGET_MISSING',
      'usage: npm run db:copy -- --to mongodb://host:27017/shenfa [--overwrite]',
    );
  }
  const config = loadConfig();
  const database = await openDatabase(config);
  const target = await mongoose
    .createConnection(values.to, { autoIndex: false, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  try {
    const source = mongoose.connection.db;
    const targetDb = target.db;
    if (!source || !targetDb) throw new AppError('DB_COPY_NOT_CONNECTED', 'database connection is not open');
    if (source.databaseName === targetDb.databaseName && sameServer(database.server.uri, values.to)) {
      throw new AppError('DB_COPY_SAME_DATABASE', `the target is the database being copied (${source.databaseName})`);
    }
    const names = (await source.listCollections({}, { nameOnly: true }).toArray())
      .map((collection) => collection.name)
      .filter((name) => !name.startsWith('system.'))
      .sort();
    await prepareTarget(targetDb, names, values.overwrite === true, values.to);

    const copied: CopiedCollection[] = [];
    for (const name of names) copied.push(await copyCollection(source.collection(name), targetDb, name));

    const report = await verifyAuditChain({ events: targetDb.collection('audit_events') });
    const lines = copied.map((entry) => `  ${entry.name}: ${entry.documents} documents, ${entry.indexes} indexes`);
    const targetName = maskUri(values.to);
    if (!report.ok) {
      return {
        code: 1,
        output: [`copied to ${targetName}`, ...lines, `audit chain on the target is broken: ${report.problem}`].join(
          '\n',
        ),
      };
    }
    return {
      code: 0,
      output: [
        `copied ${copied.length} collections to ${targetName}`,
        ...lines,
        `audit chain verified on the target: ok, ${report.count} events, head ${report.head.sequence} ${report.head.hash}`,
      ].join('\n'),
    };
  } finally {
    await target.close();
    await database.close();
  }
});

/** Refuses a target with documents in it, unless told to overwrite: then empties the collections to be copied. */
async function prepareTarget(targetDb: mongo.Db, names: string[], overwrite: boolean, uri: string): Promise<void> {
  const existing = new Set((await targetDb.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const occupied: string[] = [];
  for (const name of existing) {
    if (!name.startsWith('system.') && (await targetDb.collection(name).countDocuments({}, { limit: 1 })) > 0) {
      occupied.push(name);
    }
  }
  if (occupied.length > 0 && !overwrite) {
    throw new AppError(
      'DB_COPY_TARGET_NOT_EMPTY',
      `the target ${maskUri(uri)} already holds documents (${occupied.join(', ')}); copy into an empty database, or add --overwrite to replace those collections`,
    );
  }
  for (const name of names) if (existing.has(name)) await targetDb.collection(name).drop();
}

async function copyCollection(source: mongo.Collection, targetDb: mongo.Db, name: string): Promise<CopiedCollection> {
  const target = await targetDb.createCollection(name);
  const indexes = (await source.listIndexes().toArray()).filter((index) => index.name !== '_id_');
  for (const index of indexes) {
    await target.createIndex(index.key as mongo.IndexSpecification, {
      name: index.name as string,
      ...(index.unique ? { unique: true } : {}),
      ...(index.sparse ? { sparse: true } : {}),
      ...(typeof index.expireAfterSeconds === 'number' ? { expireAfterSeconds: index.expireAfterSeconds } : {}),
    });
  }
  // Storage order, so the audit trail arrives in sequence order as it was written.
  let documents = 0;
  let batch: mongo.Document[] = [];
  for await (const document of source.find({}, { batchSize })) {
    batch.push(document);
    if (batch.length === batchSize) {
      await target.insertMany(batch, { ordered: true });
      documents += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await target.insertMany(batch, { ordered: true });
  documents += batch.length;
  const stored = await target.countDocuments({});
  if (stored !== documents) {
    throw new AppError('DB_COPY_COUNT_MISMATCH', `${name}: read ${documents} documents, the target holds ${stored}`);
  }
  return { name, documents, indexes: indexes.length };
}

function sameServer(left: string, right: string): boolean {
  const host = (uri: string) => {
    try {
      return new URL(uri).host;
    } catch {
      return uri;
    }
  };
  return host(left) === host(right);
}
