import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { AuditTrail } from '../../../src/audit/audit-service';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { scriptCli } from '../../support/admin-cli';

const clock = new ManualClock('2026-12-07T01:00:00Z');
let databaseName = '';

beforeAll(async () => {
  databaseName = await connectTestDatabase();
});
afterAll(disconnectTestDatabase);
beforeEach(emptyTestDatabase);

describe('npm run audit:verify on a fresh install', () => {
  test('when no daily digest has been written yet, then it says so, checks the chain and exits 0', async () => {
    const trail = new AuditTrail({ clock });
    for (const id of ['a', 'b']) {
      await trail.append({
        actor: { personId: new Types.ObjectId(), via: 'test' },
        action: 'draft.submitted',
        subject: { type: 'draft', id },
      });
    }
    await trail.settle();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-fresh-'));
    const verify = scriptCli('audit-verify.ts', { databaseName, env: { SHENFA_DATA_DIR: dataDir } });

    const run = await verify();

    expect(run.stderr).not.toMatch(/ENOENT/);
    expect(run.stdout).toMatch(/^ok, 2 events, head \d+ [0-9a-f]{64}, no digest yet/);
    expect(run.code).toBe(0);
  });

  test('when an event was edited in the database, then it names the broken link and exits 1', async () => {
    const trail = new AuditTrail({ clock });
    const { event } = await trail.append({
      actor: { personId: new Types.ObjectId(), via: 'test' },
      action: 'draft.submitted',
      subject: { type: 'draft', id: 'c' },
    });
    await trail.settle();
    await AuditEventModel.collection.updateOne({ _id: event._id } as never, { $set: { reason: 'edited' } });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-fresh-'));

    const run = await scriptCli('audit-verify.ts', { databaseName, env: { SHENFA_DATA_DIR: dataDir } })();

    expect(run.stdout).toMatch(/^broken: /);
    expect(run.code).toBe(1);
  });
});
