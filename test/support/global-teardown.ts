import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const database = globalThis.shenfaTestDatabase;
  if (!database) return;
  await database.server.stop();
  fs.rmSync(database.dataDir, { recursive: true, force: true });
  delete process.env.MONGODB_URI;
}
