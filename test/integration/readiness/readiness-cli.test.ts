/**
 * `npm run admin -- report <账号名|单位全称> [日期]` as an operator runs it (test/support/admin-cli.ts):
 * a unit's or an account's 考核自查 report as a Chinese text table.
 */
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { civilDate } from '../../../src/shared/wall-clock';
import { adminCli } from '../../support/admin-cli';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';

const jwtSecret = 'readiness-cli-test-jwt-secret-0123456789abcdef';
// The command runs on the system clock: the accounts were opened five days before.
const clock = new ManualClock(new Date(Date.now() - 5 * 86_400_000));
const services = createServices({ clock, logger: createLogger('silent') });
let runAdmin: ReturnType<typeof adminCli>;

beforeAll(async () => {
  runAdmin = adminCli({ databaseName: await connectTestDatabase(), jwtSecret });
  await importSampleOrganization(services.people);
  await openAccount(services, { unit: '县应急管理局', name: '应急发布', leader: '王建华', admin: '刘洋' });
  await openAccount(services, {
    unit: '县应急管理局',
    name: '应急微博',
    platform: 'weibo',
    leader: '王建华',
    admin: '刘洋',
  });
  await services.audit.settle();
}, 60_000);

afterAll(disconnectTestDatabase);

test('when the operator names a unit, then it prints the unit’s standing and a table per account', async () => {
  const today = civilDate(new Date(), 'Asia/Shanghai');
  const run = await runAdmin('report', '县应急管理局');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toBe(`县应急管理局 考核自查（监测时间点 ${today}，${services.readiness.table.name}）`);
  expect(lines[1]).toMatch(/^单位状态：(合格|风险|不合格)；最低分 [\d.]+；合格 \d 个、风险 \d 个、不合格 \d 个账号$/);
  expect(
    lines
      .filter((line) => line.startsWith('■ '))
      .map((line) => line.replace(/：.*$/, ''))
      .sort(),
  ).toEqual(['■ 应急发布（县应急管理局）', '■ 应急微博（县应急管理局）'].sort());
  expect(lines.filter((line) => line.trim().startsWith('指标'))).toHaveLength(2);
  for (const indicator of services.readiness.table.indicators) expect(run.stdout).toContain(indicator.name);
}, 60_000);

test('when the operator names an account and a past date, then it prints that account’s report only; an unknown name fails', async () => {
  const yesterday = civilDate(new Date(Date.now() - 86_400_000), 'Asia/Shanghai');
  const run = await runAdmin('report', '应急微博', yesterday);
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toBe(`县应急管理局 应急微博 考核自查（监测时间点 ${yesterday}，${services.readiness.table.name}）`);
  expect(lines[1]).toMatch(/^■ 应急微博（县应急管理局）：(合格|风险|不合格)，[\d.]+ 分/);
  expect(run.stdout).not.toContain('应急发布');

  const unknown = await runAdmin('report', '不存在的账号');
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toContain('找不到名为“不存在的账号”的账号');
}, 60_000);
