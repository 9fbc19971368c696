/**
 * The monthly 考核自查 message (R10): on the 1st each 分管领导 gets one message naming each account they are
 * in charge of, its status and score, and the thing to fix first; a second run sends nothing more.
 */
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { readinessMonthlyJob } from '../../../src/jobs/readiness-monthly-job';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

// Monday 2 November 2026, 09:00 in Beijing.
const clock = new ManualClock('2026-11-02T01:00:00Z');
const logger = createLogger('silent');
const services = createServices({ clock, logger });

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(services.people);
}, 60_000);

afterAll(async () => {
  await services.audit.settle();
  await disconnectTestDatabase();
});

test('when the monthly job runs on 1 December, twice, then each 分管领导 has one message listing their accounts', async () => {
  await openAccount(services, { unit: '县应急管理局', name: '应急发布', leader: '王建华', admin: '刘洋' });
  await openAccount(services, {
    unit: '县应急管理局',
    name: '应急微博',
    platform: 'weibo',
    leader: '王建华',
    admin: '刘洋',
  });
  await openAccount(services, { unit: '县教育局', name: '教育发布', leader: '郑美玲', admin: '冯涛' });
  clock.set('2026-12-01T01:00:00Z');

  const job = readinessMonthlyJob({ ...services, logger });
  expect(job.cron).toBe('0 9 1 * *');
  await job.run(clock.now());
  await job.run(clock.now());

  const messages = await OutboxMessageModel.find({ idempotencyKey: /^readiness:/ }).lean();
  const wang = await personId('王建华');
  const zheng = await personId('郑美玲');
  expect(messages.map((message) => [message.idempotencyKey, String(message.recipient.personId)]).sort()).toEqual(
    [
      [`readiness:2026-12:${wang}`, wang],
      [`readiness:2026-12:${zheng}`, zheng],
    ].sort(),
  );
  const textOf = (id: string) => messages.find((message) => String(message.recipient.personId) === id)?.text ?? '';
  const wangText = textOf(wang).split('\n');
  expect(wangText[0]).toMatch(/^【考核自查月报】2026-12-01（.+），您分管的 2 个政务新媒体账号：$/);
  expect(
    wangText
      .slice(1, 3)
      .map((text) => text.replace(/：.*$/, ''))
      .sort(),
  ).toEqual(['· 应急发布（县应急管理局）', '· 应急微博（县应急管理局）'].sort());
  for (const text of wangText.slice(1, 3)) expect(text).toMatch(/：(合格|风险|不合格)，[\d.]+ 分$/);
  expect(wangText[3]).toMatch(/^(请首先整改：应急(发布|微博)“.+”——.+|各项指标均合格，请继续保持。)$/);
  expect(textOf(zheng)).toContain('· 教育发布（县教育局）');
  expect(textOf(zheng)).not.toContain('应急发布');
}, 60_000);
