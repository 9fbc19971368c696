import fs from 'node:fs';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { annualReviewJob } from '../../../src/jobs/annual-review-job';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import { AccountModel } from '../../../src/accounts/account-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { sampleOrganizationFile, personId } from '../../support/people-factories';
import { countyAdmin, openAccount, outboxKeys, outboxTexts } from '../../support/registry-factories';

const clock = new ManualClock('2026-10-20T02:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });
const scheduler = new JobScheduler({ clock, logger, processId: 'cycle-test', timeZone: 'Asia/Shanghai' });
const job = annualReviewJob({ annualReviews: services.annualReviews, timeZone: 'Asia/Shanghai', logger });
const accountIds: Record<string, string> = {};

/** The 09:00 run of one day, as the scheduler fires it. */
async function runDay(date: string): Promise<void> {
  const at = new Date(`${date}T01:00:00Z`);
  clock.set(at);
  expect(await scheduler.runOnce(job, at)).toBe(true);
}

async function runDays(from: string, through: string): Promise<void> {
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day <= new Date(`${through}T00:00:00Z`);
    day = new Date(day.getTime() + 86_400_000)
  ) {
    await runDay(day.toISOString().slice(0, 10));
  }
}

const as = async (name: string) => ({ personId: await personId(name), via: 'test' });
const reviewOf = (name: string) => AnnualReviewModel.findOne({ accountId: accountIds[name] }).lean();

beforeAll(async () => {
  await connectTestDatabase();
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
  for (const account of [
    { unit: '县应急管理局', name: '应急先锋', leader: '王建华', admin: '刘洋' },
    { unit: '县教育局', name: '教育之窗', leader: '吴国庆', admin: '冯涛' },
    { unit: '青山镇人民政府', name: '青山发布', leader: '黄德明', admin: '马骏' },
    { unit: '县政府办公室', name: '某县发布', leader: '周立新', admin: '蒋明' },
  ]) {
    accountIds[account.name] = String((await openAccount(services, account))._id);
  }
}, 60_000);
afterAll(async () => {
  await services.audit.settle();
  await disconnectTestDatabase();
});

describe('the November cycle of the annual review', () => {
  test('when the cycle runs from 1 November into January, then one account passes, one is closed after 待关停, one passes late, and reminders stop when nothing is missing', async () => {
    await runDay('2026-11-01');
    expect(await AnnualReviewModel.countDocuments({ year: 2026, status: 'open' })).toBe(4);
    // The admin and the leader of each account, once.
    expect(await outboxKeys('annual-review-reminder:')).toHaveLength(8);
    const [firstReminder] = await outboxTexts(`annual-review-reminder:${accountIds['应急先锋']}:2026-11-01`);
    expect(firstReminder).toContain('【年审提醒】账号“应急先锋”（微信公众号）2026年度年审：年度报告尚未提交');

    // 应急先锋 reports on time and passes.
    clock.set('2026-11-03T02:00:00Z');
    await services.annualReviews.submitReport(await as('刘洋'), '应急先锋', {
      text: '2026年度共发布信息312条……',
      file: null,
    });
    await services.annualReviews.decide(await countyAdmin(), '应急先锋', { passed: true, reason: '材料齐全' });

    // 某县发布 is closed in the middle of the cycle.
    clock.set('2026-11-10T02:00:00Z');
    const admin = await countyAdmin();
    const closing = accountIds['某县发布'];
    await services.accounts.advanceClosure(await as('周立新'), closing, {
      step: 'requested',
      note: '机构调整，并入县融媒体中心',
    });
    await services.accounts.advanceClosure(admin, closing, { step: 'approved', note: '' });
    await services.accounts.advanceClosure(await as('蒋明'), closing, {
      step: 'stop-notice-published',
      note: '',
      url: 'https://mp.weixin.qq.com/s/stop-notice',
    });
    await services.accounts.advanceClosure(await as('蒋明'), closing, { step: 'platform-cancelled', note: '' });
    await services.accounts.advanceClosure(admin, closing, { step: 'filed', note: '' });

    await runDays('2026-11-02', '2026-11-30');
    for (const day of ['2026-11-15', '2026-11-25', '2026-11-30']) {
      expect((await outboxKeys('annual-review-reminder:')).filter((key) => key.includes(`:${day}:`))).toEqual(
        expect.arrayContaining([
          expect.stringContaining(accountIds['教育之窗']),
          expect.stringContaining(accountIds['青山发布']),
        ]),
      );
      expect(await outboxKeys(`annual-review-reminder:${accountIds['应急先锋']}:${day}`)).toEqual([]);
      expect(await outboxKeys(`annual-review-reminder:${accountIds['某县发布']}:${day}`)).toEqual([]);
    }
    expect(await outboxKeys('annual-review-reminder:')).toHaveLength(8 + 3 * 4);

    // 1 December: no report → 待关停, told to the leader, the account's admin and the managing office.
    await runDay('2026-12-01');
    expect(await reviewOf('教育之窗')).toMatchObject({ status: 'open', toClose: true });
    expect(await reviewOf('青山发布')).toMatchObject({ status: 'open', toClose: true });
    expect(await reviewOf('应急先锋')).toMatchObject({ status: 'passed', toClose: false });
    const firstNotice = await outboxKeys(`annual-review-to-close:${accountIds['教育之窗']}:2026-12-01`);
    expect(firstNotice).toHaveLength(3);
    expect((await outboxTexts(`annual-review-to-close:${accountIds['教育之窗']}`))[0]).toContain('已列为“待关停”');

    await runDays('2026-12-02', '2026-12-09');
    // 教育之窗 is closed; its notices stop.
    clock.set('2026-12-10T02:00:00Z');
    const education = accountIds['教育之窗'];
    await services.accounts.advanceClosure(await as('吴国庆'), education, { step: 'requested', note: '年审未报送' });
    await services.accounts.advanceClosure(admin, education, { step: 'approved', note: '' });
    await services.accounts.advanceClosure(await as('冯涛'), education, {
      step: 'stop-notice-published',
      note: '',
      url: 'https://mp.weixin.qq.com/s/edu-stop',
    });
    await services.accounts.advanceClosure(await as('冯涛'), education, { step: 'platform-cancelled', note: '' });
    await services.accounts.advanceClosure(admin, education, { step: 'filed', note: '' });

    // Across the year boundary: 青山发布 keeps getting weekly notices until it reports late and passes.
    await runDays('2026-12-10', '2027-01-05');
    clock.set('2027-01-05T03:00:00Z');
    const { review: late } = await services.annualReviews.submitReport(await as('马骏'), '青山发布', {
      text: '补报：2026年度运营情况……',
      file: null,
    });
    expect(late.reports[0].late).toBe(true);
    expect(await outboxTexts(`annual-review:${String(late._id)}:report:1`)).toEqual([
      expect.stringContaining('（逾期提交）'),
    ]);
    await services.annualReviews.decide(admin, '青山发布', { passed: true, reason: '同意补报' });
    expect(await reviewOf('青山发布')).toMatchObject({ status: 'passed', toClose: false, toCloseSince: null });
    await runDays('2027-01-06', '2027-01-20');

    const noticeDays = async (name: string) =>
      [
        ...new Set((await outboxKeys(`annual-review-to-close:${accountIds[name]}:`)).map((key) => key.split(':')[2])),
      ].sort();
    expect(await noticeDays('教育之窗')).toEqual(['2026-12-01', '2026-12-08']);
    expect(await noticeDays('青山发布')).toEqual([
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
      '2026-12-22',
      '2026-12-29',
      '2027-01-05',
    ]);
    expect(await noticeDays('应急先锋')).toEqual([]);
    expect(await noticeDays('某县发布')).toEqual([]);
    expect(await AccountModel.findById(education).lean()).toMatchObject({ status: 'closed', closedKey: education });

    const actions = (await AuditEventModel.find({ 'subject.type': 'annual-review' }).lean()).map(
      (event) => event.action,
    );
    expect(actions.filter((action) => action === 'annual-review.to-close')).toHaveLength(2);
    expect(actions.filter((action) => action === 'annual-review.passed')).toHaveLength(2);
    expect(actions).toContain('annual-review.report-submitted-late');
    expect(await AuditEventModel.countDocuments({ action: 'annual-review.cycle-opened' })).toBe(1);
  }, 240_000);
});
