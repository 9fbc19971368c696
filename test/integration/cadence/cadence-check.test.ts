/**
 * The daily cadence check on the real database with a controlled clock: accounts of the sample
 * organisation, posts recorded as 已发布 reports record them, the 09:00 job run as the scheduler runs it.
 */
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { createAccount, createUnit } from '../../support/factories';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { cadenceCheckJob } from '../../../src/jobs/cadence-check-job';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { PostModel } from '../../../src/cadence/post-model';
import { CadenceStateModel } from '../../../src/cadence/cadence-state-model';

const clock = new ManualClock('2026-09-01T00:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });
const shanghai = (text: string) => new Date(`${text}+08:00`);
let run = 0;

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
});
afterAll(disconnectTestDatabase);

/** An active account of a new unit under the county (so 李静 looks after it), run by 刘洋, 王建华 in charge. */
async function openAccount(officer = '刘洋', leader = '王建华') {
  const county = new Types.ObjectId(await unitId('某县人民政府'));
  const unit = await createUnit({ name: `测试委办局${++run}`, parentId: county, ancestorIds: [county] });
  const account = await createAccount({
    unitId: unit._id,
    name: `平安某县${run}`,
    leaderInChargeId: new Types.ObjectId(await personId(leader)),
    backendAdminId: new Types.ObjectId(await personId(officer)),
    status: 'active',
    openedAt: shanghai('2026-01-05T09:00:00'),
  });
  return String(account._id);
}

async function postOn(accountId: string, date: string, original = true) {
  const account = await PostModel.db.collection('accounts').findOne({ _id: new Types.ObjectId(accountId) });
  await services.cadence.recordPublication({
    draftId: String(new Types.ObjectId()),
    unitId: String(account?.unitId),
    accountId,
    publishedAt: shanghai(`${date}T16:00:00`),
    url: `https://mp.weixin.qq.com/s/${date}`,
    original,
  });
}

/** Runs the 09:00 check of `date` as one scheduler process would. */
async function checkOn(date: string, processId = 'a') {
  clock.set(shanghai(`${date}T09:00:00`));
  const scheduler = new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });
  // Each call is its own run: tests revisit dates other tests checked.
  return scheduler.runOnce(cadenceCheckJob(services), new Date(clock.now().getTime() + ++run));
}

/** The warnings an account got: [threshold, gap start, recipient name]. */
async function warningsOf(accountId: string): Promise<string[][]> {
  const messages = await OutboxMessageModel.find({ idempotencyKey: new RegExp(`^cadence:${accountId}:`) })
    .sort({ _id: 1 })
    .lean();
  const names = await services.people.findPeople(messages.map((message) => String(message.recipient.personId)));
  return messages.map((message) => {
    const [, , threshold, gapStart] = message.idempotencyKey.split(':');
    return [threshold, gapStart, names.get(String(message.recipient.personId))?.name ?? ''];
  });
}

async function textOf(accountId: string, threshold: string): Promise<string> {
  const message = await OutboxMessageModel.findOne({
    idempotencyKey: new RegExp(`^cadence:${accountId}:${threshold}:`),
  }).lean();
  return message?.text ?? '';
}

describe('the daily cadence check', () => {
  test('when an account stops posting, then officer, leader and admins are warned on days 4, 10, 13 and 14, once each', async () => {
    const account = await openAccount();
    await postOn(account, '2026-11-02');
    const seenOn = new Map<number, string[][]>();
    for (let day = 1; day <= 16; day += 1) {
      await checkOn(`2026-11-${String(2 + day).padStart(2, '0')}`);
      const before = [...seenOn.values()].flat().length;
      seenOn.set(day, (await warningsOf(account)).slice(before));
    }
    const firedOn = (day: number) => seenOn.get(day)?.map(([threshold, , name]) => `${threshold}→${name}`);
    expect(firedOn(3)).toEqual([]);
    expect(firedOn(4)).toEqual(['baseline→刘洋']);
    expect(firedOn(9)).toEqual([]);
    expect(firedOn(10)).toEqual(['leader→王建华']);
    expect(firedOn(12)).toEqual([]);
    expect(firedOn(13)).toEqual(['admins→李静']);
    expect(firedOn(14)).toEqual(['original→刘洋', 'original→王建华']);
    expect([15, 16].flatMap((day) => firedOn(day) ?? [])).toEqual([]);
    expect([1, 2, 5, 6, 7, 8, 11].flatMap((day) => firedOn(day) ?? [])).toEqual([]);
    expect(await textOf(account, 'admins')).toContain('单项否决风险：明天满 14 天未更新');
    expect(await textOf(account, 'baseline')).toContain('已 4 天未更新（上次发布：2026年11月2日）');
  });

  test('when a post comes in the middle of a gap, then the warnings start over from it', async () => {
    const account = await openAccount();
    await postOn(account, '2026-11-02');
    await checkOn('2026-11-06');
    await postOn(account, '2026-11-07', false);
    for (const date of ['2026-11-08', '2026-11-09', '2026-11-10']) await checkOn(date);
    expect(await warningsOf(account)).toEqual([['baseline', '2026-11-02', '刘洋']]);
    await checkOn('2026-11-11');
    expect((await warningsOf(account)).at(-1)).toEqual(['baseline', '2026-11-07', '刘洋']);
    // The reprint closed the post gap, not the original gap: that one still runs from 2 November.
    await checkOn('2026-11-16');
    expect((await warningsOf(account)).slice(-2)).toEqual([
      ['original', '2026-11-02', '刘洋'],
      ['original', '2026-11-02', '王建华'],
    ]);
    expect(await CadenceStateModel.findById(account).lean()).toMatchObject({
      lastPostAt: shanghai('2026-11-07T16:00:00'),
      lastOriginalPostAt: shanghai('2026-11-02T16:00:00'),
    });
  });

  test('when the gap runs through National Day, then the 14 days count the holidays; a working-day baseline does not', async () => {
    const national = await openAccount();
    await postOn(national, '2026-09-28');
    const exempt = await openAccount('蒋明', '周立新');
    const exemptUnit = (await PostModel.db.collection('accounts').findOne({ _id: new Types.ObjectId(exempt) }))?.unitId;
    await services.reminderPolicies.setPolicy({ personId: null, via: 'test' }, String(exemptUnit), {
      baselineCounts: 'working-days',
    });
    await postOn(exempt, '2026-09-30');
    for (const date of ['2026-10-08', '2026-10-11', '2026-10-12']) await checkOn(date);

    expect((await warningsOf(national)).map(([threshold]) => threshold)).toEqual([
      'baseline',
      'leader',
      'admins',
      'original',
      'original',
    ]);
    expect(await textOf(national, 'admins')).toContain('已连续 13 天未更新');
    // Working days after 30 September: 8, 9, 10 (调休 Saturday) October: 3, within the baseline; the 12th is the 4th.
    const exemptWarnings = await warningsOf(exempt);
    expect(exemptWarnings.map(([threshold]) => threshold)).toEqual(['leader', 'baseline']);
    expect(await textOf(exempt, 'baseline')).toContain('已 4 个工作日未更新');
  });

  test('when two scheduler processes run the check, then each warning is sent once', async () => {
    const account = await openAccount();
    await postOn(account, '2026-11-20');
    clock.set(shanghai('2026-12-03T09:00:00'));
    const scheduledFor = clock.now();
    const job = cadenceCheckJob(services);
    const schedulers = ['a', 'b'].map(
      (processId) => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' }),
    );
    const ran = await Promise.all([
      schedulers[0].runOnce(job, scheduledFor),
      schedulers[1].runOnce(job, scheduledFor),
      schedulers[1].runOnce(job, new Date(scheduledFor.getTime() + 1)),
    ]);
    expect(ran.filter(Boolean)).toHaveLength(2);
    expect((await warningsOf(account)).map(([threshold, , name]) => `${threshold}→${name}`)).toEqual([
      'baseline→刘洋',
      'leader→王建华',
      'admins→李静',
    ]);
  });

  test('when a draft is reported published, then its post is recorded as original or reprint and counted', async () => {
    const account = await openAccount();
    const officer = { personId: await personId('刘洋'), via: 'test' };
    const publish = async (title: string, reprint: boolean, url: string) => {
      const draft = await services.drafts.submitDraft(officer, {
        title,
        body: '各乡镇：请做好防汛准备。',
        accountId: account,
        reprint: reprint ? { source: '应急管理部', originalTitle: title } : null,
      });
      for (const approver of ['孙丽', '赵海涛']) {
        await services.drafts.decide(
          { personId: await personId(approver), via: 'test' },
          { code: draft.code, decision: 'approve', comment: '', versionNumber: null },
        );
      }
      await services.drafts.reportPublished(officer, { code: draft.code, url });
      return draft.id;
    };
    clock.set(shanghai('2026-12-07T10:00:00'));
    const original = await publish('防汛准备通知', false, 'https://mp.weixin.qq.com/s/a');
    clock.set(shanghai('2026-12-08T10:00:00'));
    const reprint = await publish('转载：冬季安全提示', true, 'https://mp.weixin.qq.com/s/b');

    const posts = await PostModel.find({ accountId: new Types.ObjectId(account) })
      .sort({ publishedAt: 1 })
      .lean();
    expect(posts.map((post) => [String(post.draftId), post.original, post.url])).toEqual([
      [original, true, 'https://mp.weixin.qq.com/s/a'],
      [reprint, false, 'https://mp.weixin.qq.com/s/b'],
    ]);
    clock.set(shanghai('2026-12-10T09:00:00'));
    const report = await services.cadence.describeForPerson({ id: await personId('王建华'), roles: ['leader'] });
    expect(report).toContain('距上次更新 2 天，距上次原创 3 天；近30天发布 2 篇（原创 1，转载 1）');
  });

  test('when a publication was reported but its post was lost in a crash, then the next check records it', async () => {
    const account = await openAccount();
    await postOn(account, '2026-12-01');
    const officer = { personId: await personId('刘洋'), via: 'test' };
    clock.set(shanghai('2026-12-02T10:00:00'));
    const draft = await services.drafts.submitDraft(officer, { title: '丢失的发布', body: '正文', accountId: account });
    for (const approver of ['孙丽', '赵海涛']) {
      await services.drafts.decide(
        { personId: await personId(approver), via: 'test' },
        { code: draft.code, decision: 'approve', comment: '', versionNumber: null },
      );
    }
    await services.drafts.reportPublished(officer, { code: draft.code, url: 'https://mp.weixin.qq.com/s/lost' });
    await PostModel.deleteOne({ draftId: new Types.ObjectId(draft.id) });
    await CadenceStateModel.updateOne(
      { _id: new Types.ObjectId(account) },
      { lastPostAt: shanghai('2026-12-01T16:00:00') },
    );

    await checkOn('2026-12-05');
    expect(await PostModel.countDocuments({ draftId: new Types.ObjectId(draft.id) })).toBe(1);
    expect(await warningsOf(account)).toEqual([]);
  });

  test('when the dashboard asks for accounts at risk, then the longest silent accounts in scope come first', async () => {
    // Its own accounts: one silent since 1 November (past the 14-day veto), one that posted on 15 December.
    await postOn(await openAccount(), '2026-11-01');
    await postOn(await openAccount(), '2026-12-15');
    clock.set(shanghai('2026-12-20T09:00:00'));
    const admin = await services.people.findAdmin(await personId('李静'));
    const atRisk = await services.cadence.accountsAtRisk(admin ?? { scopeUnitIds: [] });
    expect(atRisk.length).toBeGreaterThan(0);
    expect(atRisk[0]).toMatchObject({ risk: 'veto', unitName: expect.any(String) });
    const days = atRisk.map((view) => view.daysSincePost);
    expect(days).toEqual([...days].sort((left, right) => right - left));
  });
});
