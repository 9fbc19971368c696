import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { annualReviewJob } from '../../../src/jobs/annual-review-job';
import { JobRunModel } from '../../../src/jobs/job-run-model';
import { AnnualReviewService } from '../../../src/annual-review/annual-review-service';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import type { OutboxEntry } from '../../../src/outbox/outbox-service';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { sampleOrganizationFile } from '../../support/people-factories';
import { openAccount, outboxKeys } from '../../support/registry-factories';

const clock = new ManualClock('2026-10-20T02:00:00Z');
const logger = createLogger('silent');
const timeZone = 'Asia/Shanghai';

/** One process of the system: its own services and scheduler over the shared database. */
function startProcess(name: string, services: Services = createServices({ clock, logger })) {
  const scheduler = new JobScheduler({ clock, logger, processId: name, timeZone, heartbeatMs: 3_600_000 });
  const job = annualReviewJob({ annualReviews: services.annualReviews, timeZone, logger });
  scheduler.register(job);
  return { services, scheduler, job };
}

const nineOClock = (date: string) => new Date(`${date}T01:00:00Z`);
const accounts = 6;

beforeAll(connectTestDatabase, 60_000);

// Every test starts on 20 October from six accounts and no run yet; a test that needs earlier runs
// makes them (ranOn), whatever ran before it.
beforeEach(async () => {
  clock.set('2026-10-20T02:00:00Z');
  await emptyTestDatabase();
  const services = createServices({ clock, logger });
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
  const units = ['县应急管理局', '县教育局', '青山镇人民政府'];
  for (const [index, unit] of units.entries()) {
    for (const platform of ['wechat-official-account', 'weibo'] as const) {
      await openAccount(services, {
        unit,
        name: `账号${index}-${platform}`,
        platform,
        leader: '郭振华',
        admin: '李静',
      });
    }
  }
}, 60_000);
afterAll(disconnectTestDatabase);

/** The annual-review runs of these days (at 09:00) done, one after the other, as one process does them. */
async function ranOn(...dates: string[]) {
  for (const date of dates) {
    clock.set(nineOClock(date));
    const earlier = startProcess(`earlier-${date}`);
    await earlier.scheduler.runOnce(earlier.job, nineOClock(date));
  }
}

describe('annual review reminders across processes, restarts and downtime', () => {
  test('when the process dies in the middle of the 1 November run, then the restarted one completes it: every review once, every reminder once', async () => {
    const real = createServices({ clock, logger });
    // The first process writes half of its reminders, then never returns: it died mid-run.
    const dying = new AnnualReviewService({
      ...real,
      accounts: real.accounts,
      config: { timeZone, reminderDays: [1, 15, 25, 30] },
      outbox: {
        async enqueue(entries: OutboxEntry[]) {
          await real.outbox.enqueue(entries.slice(0, Math.floor(entries.length / 2)));
          await new Promise(() => undefined);
        },
      },
    });
    const first = startProcess('process-1', { ...real, annualReviews: dying });
    clock.set('2026-11-01T01:00:00Z');
    void first.scheduler.runOnce(first.job, nineOClock('2026-11-01'));
    while ((await outboxKeys('annual-review-reminder:')).length === 0) await sleep(50);
    expect(await JobRunModel.findOne({ job: 'annual-review' }).lean()).toMatchObject({ status: 'running' });
    expect(await outboxKeys('annual-review-reminder:')).toHaveLength(accounts);

    // A new process starts three minutes later: no heartbeat since, so it takes the run over.
    clock.set('2026-11-01T01:03:00Z');
    const restarted = startProcess('process-2');
    expect(await restarted.scheduler.catchUp()).toEqual(['annual-review']);

    expect(await AnnualReviewModel.countDocuments({ year: 2026 })).toBe(accounts);
    const keys = await outboxKeys('annual-review-reminder:');
    expect(keys).toHaveLength(accounts * 2);
    expect(new Set(keys).size).toBe(keys.length);
    expect(await JobRunModel.findOne({ job: 'annual-review' }).lean()).toMatchObject({
      status: 'succeeded',
      claimedBy: 'process-2',
      revision: 1,
    });
    // Starting again later does not run it a third time.
    expect(await startProcess('process-3').scheduler.catchUp()).toEqual([]);
  });

  test('when two processes fire the 15 November run at once, then it runs once and each reminder is sent once', async () => {
    await ranOn('2026-11-01');
    const at = nineOClock('2026-11-15');
    clock.set(at);
    const [a, b] = [startProcess('process-a'), startProcess('process-b')];
    const ran = await Promise.all([a.scheduler.runOnce(a.job, at), b.scheduler.runOnce(b.job, at)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await outboxKeys('annual-review-reminder:')).toEqual(
      expect.arrayContaining([expect.stringContaining(':2026-11-15:')]),
    );
    expect((await outboxKeys('annual-review-reminder:')).filter((key) => key.includes(':2026-11-15:'))).toHaveLength(
      accounts * 2,
    );
    // Both also catch up at start at the same moment: nothing more.
    const caughtUp = await Promise.all([a.scheduler.catchUp(), b.scheduler.catchUp()]);
    expect(caughtUp.flat()).toEqual([]);
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: /^annual-review-reminder:/ })).toBe(accounts * 4);
  });

  test('when the service was down over the 25 November reminder, then the run is caught up once at start and names that day', async () => {
    await ranOn('2026-11-01', '2026-11-15');
    // Down from the 24th to the 26th, 14:00: the runs of the 25th and 26th were missed.
    clock.set('2026-11-26T06:00:00Z');
    const started = startProcess('after-downtime');
    const other = startProcess('second-after-downtime');
    const caughtUp = await Promise.all([started.scheduler.catchUp(), other.scheduler.catchUp()]);
    expect(caughtUp.flat()).toEqual(['annual-review']);
    expect(
      await JobRunModel.findOne({ job: 'annual-review', scheduledFor: nineOClock('2026-11-26') }).lean(),
    ).toMatchObject({
      status: 'succeeded',
    });
    const missed = (await outboxKeys('annual-review-reminder:')).filter((key) => key.includes(':2026-11-25:'));
    expect(missed).toHaveLength(accounts * 2);
    expect(await started.scheduler.catchUp()).toEqual([]);
    // The 30 November run goes as usual.
    clock.set(nineOClock('2026-11-30'));
    await started.scheduler.runOnce(started.job, nineOClock('2026-11-30'));
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: /^annual-review-reminder:/ })).toBe(accounts * 8);
  });
});

describe('a job run that failed', () => {
  test('when a run failed, then the next start runs it again once, and a finished run is left alone', async () => {
    let calls = 0;
    const flaky = {
      name: 'flaky-reminders',
      summary: '会失败一次的提醒',
      cron: '0 9 * * *',
      catchUp: true,
      async run() {
        calls += 1;
        if (calls === 1) throw new Error('database went away');
      },
    };
    clock.set('2026-12-02T02:00:00Z');
    const first = new JobScheduler({ clock, logger, processId: 'flaky-1', timeZone }).register(flaky);
    expect(await first.catchUp()).toEqual(['flaky-reminders']);
    expect(await JobRunModel.findOne({ job: 'flaky-reminders' }).lean()).toMatchObject({
      status: 'failed',
      error: 'database went away',
    });
    const second = new JobScheduler({ clock, logger, processId: 'flaky-2', timeZone }).register(flaky);
    expect(await second.catchUp()).toEqual(['flaky-reminders']);
    expect(await second.catchUp()).toEqual([]);
    expect(calls).toBe(2);
    expect(await JobRunModel.findOne({ job: 'flaky-reminders' }).lean()).toMatchObject({
      status: 'succeeded',
      error: '',
      claimedBy: 'flaky-2',
    });
  });
});
