/**
 * The nightly retention on the real database with a controlled clock: reminders given by the real
 * cadence check and approval nudges, job runs recorded by the scheduler, then half a year later the
 * retention job run by two processes at once.
 */
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { createAccount, createUnit } from '../../support/factories';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import type { ScheduledJob } from '../../../src/jobs/job-scheduler';
import { cadenceCheckJob } from '../../../src/jobs/cadence-check-job';
import { approvalNudgeJob } from '../../../src/jobs/approval-nudge-job';
import { recordRetentionJob } from '../../../src/jobs/record-retention-job';
import { JobRunModel } from '../../../src/jobs/job-run-model';
import { ReminderRecordModel } from '../../../src/cadence/reminder-record-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';

const clock = new ManualClock('2026-03-01T00:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });
const shanghai = (text: string) => new Date(`${text}+08:00`);
const scheduler = (processId = 'a') => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });
let accounts = 0;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
});
afterAll(disconnectTestDatabase);

async function openAccount(): Promise<string> {
  const county = new Types.ObjectId(await unitId('某县人民政府'));
  const unit = await createUnit({ name: `留存测试委办局${++accounts}`, parentId: county, ancestorIds: [county] });
  const account = await createAccount({
    unitId: unit._id,
    name: `留存测试账号${accounts}`,
    leaderInChargeId: new Types.ObjectId(await personId('王建华')),
    backendAdminId: new Types.ObjectId(await personId('刘洋')),
    status: 'active',
    openedAt: shanghai('2026-01-05T09:00:00'),
  });
  return String(account._id);
}

async function postOn(accountId: string, date: string) {
  const account = await ReminderRecordModel.db.collection('accounts').findOne({ _id: new Types.ObjectId(accountId) });
  await services.cadence.recordPublication({
    draftId: String(new Types.ObjectId()),
    unitId: String(account?.unitId),
    accountId,
    publishedAt: shanghai(`${date}T16:00:00`),
    url: `https://mp.weixin.qq.com/s/${date}`,
    original: true,
  });
}

async function runAt(job: ScheduledJob, when: string, processId = 'a') {
  clock.set(shanghai(when));
  return scheduler(processId).runOnce(job, clock.now());
}

async function recordsOf(subject: string): Promise<string[]> {
  const records = await ReminderRecordModel.find({ _id: new RegExp(`^(cadence|nudge):${subject}:`) }).lean();
  return records.map((record) => record._id).sort();
}

async function submit(title: string) {
  return services.drafts.submitDraft({ personId: await personId('刘洋'), via: 'test' }, { title, body: '正文内容。' });
}

describe('record retention', () => {
  test('when records pass the retention, then only those that guard nothing go, the silent account is not warned twice and each job keeps its newest run', async () => {
    const silent = await openAccount();
    const resumed = await openAccount();
    await postOn(resumed, '2026-02-20');
    const cadence = cadenceCheckJob(services);
    await runAt(cadence, '2026-03-02T09:00:00');

    clock.set(shanghai('2026-03-02T09:00:00'));
    const decided = await submit('留存测试：已审完的稿件');
    const waiting = await submit('留存测试：一直待审的稿件');
    await runAt(approvalNudgeJob(services), '2026-03-02T13:00:00');
    for (const name of ['孙丽', '赵海涛']) {
      await services.drafts.decide(
        { personId: await personId(name), via: 'test' },
        { code: decided.code, decision: 'approve', comment: '', versionNumber: null },
      );
    }
    await postOn(resumed, '2026-03-03');
    await runAt(cadence, '2026-03-03T09:00:00');

    const silentRecords = await recordsOf(silent);
    const waitingRecords = await recordsOf(waiting.id);
    expect(silentRecords.map((key) => key.split(':')[2])).toEqual(['admins', 'baseline', 'leader', 'original']);
    expect((await recordsOf(resumed)).length).toBeGreaterThan(0);
    expect(await recordsOf(decided.id)).toHaveLength(1);
    expect(waitingRecords).toHaveLength(1);
    const silentWarnings = await OutboxMessageModel.countDocuments({
      idempotencyKey: new RegExp(`^cadence:${silent}:`),
    });

    // A yearly job ran once, long ago: its only run is its newest, which the scheduler's catch-up reads.
    await JobRunModel.create({
      job: 'annual-review',
      scheduledFor: shanghai('2025-11-30T09:00:00'),
      claimedBy: 'retention-test',
      startedAt: shanghai('2025-11-30T09:00:00'),
      status: 'succeeded',
    });

    // 180 days: everything above was given before 14 March, which is past the retention on 10 September.
    const retention = recordRetentionJob({
      clock,
      logger,
      retentionDays: 180,
      reminderRecords: services.reminderRecords,
      jobNames: ['cadence-check', 'approval-nudge', 'annual-review'],
    });
    clock.set(shanghai('2026-09-10T04:10:00'));
    const ran = await Promise.all(['a', 'b'].map((processId) => scheduler(processId).runOnce(retention, clock.now())));
    expect(ran.filter(Boolean)).toHaveLength(1);

    expect(await recordsOf(silent)).toEqual(silentRecords);
    expect(await recordsOf(waiting.id)).toEqual(waitingRecords);
    expect(await recordsOf(resumed)).toEqual([]);
    expect(await recordsOf(decided.id)).toEqual([]);
    const runs = await JobRunModel.find({ job: { $in: ['cadence-check', 'approval-nudge', 'annual-review'] } })
      .sort({ scheduledFor: 1 })
      .lean();
    expect(runs.map((run) => [run.job, run.scheduledFor.toISOString()])).toEqual([
      ['annual-review', shanghai('2025-11-30T09:00:00').toISOString()],
      ['approval-nudge', shanghai('2026-03-02T13:00:00').toISOString()],
      ['cadence-check', shanghai('2026-03-03T09:00:00').toISOString()],
    ]);

    // The silent account's gap is still open: the next check warns nobody again about it.
    await runAt(cadence, '2026-09-10T09:00:00');
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: new RegExp(`^cadence:${silent}:`) })).toBe(
      silentWarnings,
    );
  });
});
