/**
 * Per-file database for integration tests: the server comes from the global setup (or MONGODB_URI),
 * the database name from the test file, so files never see each other's data.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../../src/shared/database';
import '../../src/models';

export function testDatabaseUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: the jest global setup should have started the database');
  return uri;
}

export function testDatabaseName(): string {
  const testPath = expect.getState().testPath ?? 'unknown';
  const file = createHash('sha256').update(testPath).digest('hex').slice(0, 10);
  return `shenfa_test_${file}_${randomBytes(3).toString('hex')}`;
}

/** Connects mongoose to a fresh database of this test file and creates every model's indexes. */
export async function connectTestDatabase(): Promise<string> {
  const dbName = testDatabaseName();
  await connectDatabase(testDatabaseUri(), { dbName, serverSelectionTimeoutMs: 10_000 });
  await ensureIndexes();
  return dbName;
}

/**
 * Deletes every document of this file's database and keeps its indexes, so a test can start from
 * nothing without reconnecting. Services keep some state in memory (the audit chain's head): make new ones.
 */
export async function emptyTestDatabase(): Promise<void> {
  const collections = await mongoose.connection.db?.collections();
  await Promise.all((collections ?? []).map((collection) => collection.deleteMany({})));
}

export async function disconnectTestDatabase(): Promise<void> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
    await mongoose.connection.dropDatabase();
  }
  await mongoose.disconnect();
}
