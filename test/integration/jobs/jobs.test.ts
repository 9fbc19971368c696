import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { auditDigestJob } from '../../../src/jobs/audit-digest-job';
import { outboxPruneJob } from '../../../src/jobs/outbox-prune-job';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { JobRunModel } from '../../../src/jobs/job-run-model';
import { RevisionClaimModel } from '../../../src/shared/claimed-write';
import { sampleOrganization } from '../../support/chat-harness';
import { InboundMessageModel } from '../../../bot/inbound-message-model';
import { inboundPruneJob } from '../../../bot/inbound-prune-job';
import { pushReceiptPruneJob } from '../../../src/publication/publication-push';
import { PushReceiptModel } from '../../../src/publication/official-account-push-model';
import { jobRunPruneJob } from '../../../src/jobs/job-run-prune-job';

const clock = new ManualClock('2026-11-26T00:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-digests-'));
const scheduler = (processId: string) => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });

beforeAll(async () => {
  await connectTestDatabase();
  await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
});
afterAll(disconnectTestDatabase);

describe('scheduled jobs', () => {
  test('when two processes fire the daily audit digest at once, then it runs once and every admin gets it', async () => {
    const job = auditDigestJob({
      ...services,
      digestKey: () => 'jobs-test-digest-key-0123456789abcdef',
      directory,
      timeZone: 'Asia/Shanghai',
    });
    const at = new Date('2026-11-26T00:00:00Z');
    const ran = await Promise.all([scheduler('a').runOnce(job, at), scheduler('b').runOnce(job, at)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await JobRunModel.findOne({ job: 'audit-digest', scheduledFor: at }).lean()).toMatchObject({
      status: 'succeeded',
    });
    const admins = await services.people.adminsOf();
    const digests = await OutboxMessageModel.find({ idempotencyKey: /^audit-digest:/ }).lean();
    expect(digests).toHaveLength(admins.length);
    expect(digests[0].text).toContain('【审计摘要】2026-11-26');
    expect(fs.readdirSync(directory)).toHaveLength(1);
  });

  test('when the server starts after 08:00 and no digest was made that day, then start-up makes it and the admins get it', async () => {
    const caughtUpDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-digests-'));
    const job = auditDigestJob({
      ...services,
      digestKey: () => 'jobs-test-digest-key-0123456789abcdef',
      directory: caughtUpDirectory,
      timeZone: 'Asia/Shanghai',
    });
    clock.set('2026-11-27T03:00:00Z');

    expect(await scheduler('starting').register(job).catchUp()).toEqual(['audit-digest']);
    expect(await scheduler('starting-again').register(job).catchUp()).toEqual([]);

    expect(fs.readdirSync(caughtUpDirectory)).toHaveLength(1);
    const admins = await services.people.adminsOf();
    const digests = await OutboxMessageModel.find({ idempotencyKey: /^audit-digest:2026-11-27/ }).lean();
    expect(digests).toHaveLength(admins.length);
  });

  test('when sent messages are older than 30 days, then the nightly prune removes them and their claims, not newer or dead ones', async () => {
    const [admin] = await services.people.adminsOf();
    await services.outbox.enqueue(
      ['old', 'new', 'dead'].map((name) => ({
        idempotencyKey: `prune:${name}`,
        recipient: { personId: admin.id },
        text: name,
      })),
    );
    const old = await OutboxMessageModel.findOne({ idempotencyKey: 'prune:old' }).lean();
    await RevisionClaimModel.create({
      _id: `OutboxMessage:${String(old?._id)}:0`,
      changes: [],
      claimedAt: clock.now(),
    });
    await OutboxMessageModel.updateOne(
      { _id: old?._id },
      { status: 'sent', sentAt: new Date('2026-10-01T00:00:00Z'), revision: 1 },
    );
    await OutboxMessageModel.updateOne(
      { idempotencyKey: 'prune:new' },
      { status: 'sent', sentAt: new Date('2026-11-20T00:00:00Z') },
    );
    await OutboxMessageModel.updateOne({ idempotencyKey: 'prune:dead' }, { status: 'dead', sentAt: null });

    await scheduler('a').runOnce(outboxPruneJob({ outbox: services.outbox, clock, logger }), clock.now());

    const left = (await OutboxMessageModel.find({ idempotencyKey: /^prune:/ }).lean()).map((message) => message.text);
    expect(left.sort()).toEqual(['dead', 'new']);
    expect(await RevisionClaimModel.countDocuments({ _id: `OutboxMessage:${String(old?._id)}:0` })).toBe(0);
  });

  test('when chat message records are older than 30 days, then the nightly prune removes only those', async () => {
    await InboundMessageModel.create([
      { _id: 'mock:old', receivedAt: new Date('2026-10-01T00:00:00Z') },
      { _id: 'mock:new', receivedAt: new Date('2026-11-25T00:00:00Z') },
    ]);
    await scheduler('a').runOnce(inboundPruneJob({ clock, logger }), clock.now());
    expect((await InboundMessageModel.find({}).lean()).map((record) => record._id)).toEqual(['mock:new']);
  });

  test('when platform push receipts are older than 30 days, then the nightly prune removes only those', async () => {
    await PushReceiptModel.create([
      { _id: 'account:old-push', receivedAt: new Date('2026-10-01T00:00:00Z') },
      { _id: 'account:new-push', receivedAt: new Date('2026-11-25T00:00:00Z') },
    ]);
    await scheduler('a').runOnce(pushReceiptPruneJob({ clock, logger }), clock.now());
    expect((await PushReceiptModel.find({}).lean()).map((receipt) => receipt._id)).toEqual(['account:new-push']);
  });

  test('when the sweep has run for days, then the nightly prune keeps two days of its run records and all of the others', async () => {
    const day = 86_400_000;
    const now = clock.now().getTime();
    await JobRunModel.create(
      [
        { job: 'draft-transition-sweep', scheduledFor: new Date(now - 3 * day) },
        { job: 'draft-transition-sweep', scheduledFor: new Date(now - day) },
        { job: 'audit-digest', scheduledFor: new Date(now - 30 * day) },
      ].map((run) => ({ ...run, claimedBy: 'prune-test', startedAt: run.scheduledFor })),
    );
    const prune = jobRunPruneJob({ clock, logger, frequentJobs: ['draft-transition-sweep'] });
    await prune.run(clock.now());
    const left = await JobRunModel.find({ claimedBy: 'prune-test' }).sort({ scheduledFor: 1 }).lean();
    expect(left.map((run) => run.job)).toEqual(['audit-digest', 'draft-transition-sweep']);
  });
});
