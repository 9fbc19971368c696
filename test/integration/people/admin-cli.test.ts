/** The admin CLI as an operator runs it (test/support/admin-cli.ts), on this file's test database. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { adminCli } from '../../support/admin-cli';
import { createPeopleService, importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { DelegationModel } from '../../../src/people/delegation-model';
import { PersonModel } from '../../../src/people/person-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { ManualClock, systemClock } from '../../../src/shared/clock';
import { AccessTokens } from '../../../src/api/access-tokens';
import { LoginSessionModel } from '../../../src/auth/session-model';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { DraftModel } from '../../../src/drafts/draft-model';

const jwtSecret = 'admin-cli-test-jwt-secret-0123456789abcdef';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-admin-cli-'));
let runAdmin: ReturnType<typeof adminCli>;

beforeAll(async () => {
  runAdmin = adminCli({ databaseName: await connectTestDatabase(), jwtSecret });
});
afterAll(async () => {
  fs.rmSync(scratch, { recursive: true, force: true });
  await disconnectTestDatabase();
});
// Every test starts from an empty database; one that needs the organisation imports it (sampleImported).
beforeEach(emptyTestDatabase);

/** The sample organisation imported, as an operator's earlier import left it. */
async function sampleImported() {
  const { people, audit } = createPeopleService({ clock: new ManualClock(new Date()) });
  await importSampleOrganization(people);
  await audit.settle();
  return people;
}

describe('the admin command line', () => {
  test('when the sample organization is imported twice, then it prints a Chinese summary each time and exits 0', async () => {
    const first = await runAdmin('import', 'docs/sample-organization.json');
    expect(first).toEqual({
      code: 0,
      stdout: '导入完成：单位 6 个，人员 18 人，审核路由 2 条；本次新建 26 条记录，更新 0 条。\n',
      stderr: '',
    });
    const second = await runAdmin('import', 'docs/sample-organization.csv');
    expect(second.stdout).toBe('导入完成：单位 6 个，人员 18 人，审核路由 2 条；本次新建 0 条记录，更新 0 条。\n');
    expect(await PersonModel.countDocuments()).toBe(18);
  });

  test('when the file is bad, then it exits non-zero with one line naming the problem, and nothing is imported', async () => {
    const file = path.join(scratch, 'bad-organization.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        units: [{ path: '某县人民政府/县水利局', kind: '部门' }],
        people: [{ name: '王五', unit: '某县人民政府/县水利局', roles: ['编辑'] }],
      }),
    );
    const before = await PersonModel.countDocuments();

    const run = await runAdmin('import', file);

    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'failed [ORGANIZATION_FILE_INVALID]: 组织架构文件有误：人员第 1 条（王五）的“角色”：“编辑”无效，可选：信息员、审核领导、管理员\n',
    );
    expect(await PersonModel.countDocuments()).toBe(before);
  });

  test('when the file is missing or not JSON/CSV, or the command is unknown, then one line says what to do', async () => {
    for (const args of [['import', 'docs/none.json'], ['import', 'docs/organization-import.md'], ['approve']]) {
      const run = await runAdmin(...args);
      expect(run.code).not.toBe(0);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^failed \[ADMIN_USAGE\]: .+用法：npm run admin -- import/);
    }
  });

  test('when a bind code is made for a person, then it prints the code and its expiry in Beijing time, and the code binds', async () => {
    await sampleImported();
    const run = await runAdmin('bind-code', 'YJJ005');

    expect(run.code).toBe(0);
    const code = /^绑定码：(\d{6})（刘洋，科员）$/m.exec(run.stdout)?.[1];
    expect(code).toBeDefined();
    expect(run.stdout).toMatch(/有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间），只能使用一次/);
    expect(run.stdout).toContain(`请本人在工作群私聊机器人发送：绑定 ${code}`);

    const { people, audit } = createPeopleService({ clock: new ManualClock(new Date()) });
    await expect(
      people.bindChatIdentity({ code: code ?? '', provider: 'wechaty-puppet-mock', externalId: 'contact-liu' }),
    ).resolves.toMatchObject({ name: '刘洋' });
    await audit.settle();
  });

  test('when the name is shared, then it exits non-zero naming the candidates', async () => {
    await sampleImported();
    const run = await runAdmin('bind-code', '张伟');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('failed [PERSON_AMBIGUOUS]: 有 2 位名为“张伟”的人员');
  });

  test('when an admin sets a delegate for a leave, then it is stored from the first day to the end of the last, in Beijing time', async () => {
    await sampleImported();
    // The CLI runs on the real clock and refuses a leave already over: next June is always ahead.
    const year = new Date().getUTCFullYear() + 1;
    const run = await runAdmin('delegate', '赵海涛', '钱卫东', `${year}-06-01`, `${year}-06-07`, '--by', '李静');

    expect(run).toMatchObject({
      code: 0,
      stdout: `已设置代理：${year}年6月1日 00:00 至 ${year}年6月8日 00:00（北京时间），赵海涛 的审核事项可由 钱卫东 代为处理。\n`,
    });
    const delegation = await DelegationModel.findOne({ personId: await personId('赵海涛') }).lean();
    expect(delegation).toMatchObject({
      from: new Date(`${year}-05-31T16:00:00Z`),
      until: new Date(`${year}-06-07T16:00:00Z`),
    });
    expect(String(delegation?.createdById)).toBe(await personId('李静'));
    const event = await AuditEventModel.findOne({ action: 'delegation.set' }).lean();
    expect(event?.actor).toMatchObject({ via: 'cli' });
  });

  test('when an API token is asked for an admin, then it prints one the API accepts, records it, and refuses non-admins', async () => {
    await sampleImported();
    const issued = await runAdmin('api-token', '李静', '--by', '李静');
    expect(issued.code).toBe(0);
    const token = issued.stdout.split('\n')[1];
    expect(issued.stdout).toMatch(/^接口令牌（李静，有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}，北京时间）：\n/);
    const { personId: named, sessionId } = new AccessTokens(jwtSecret, 3600, systemClock).verify(token);
    expect(named).toBe(await personId('李静'));
    expect(await LoginSessionModel.findById(sessionId).lean()).toMatchObject({ kind: 'cli', revokedAt: null });
    const event = await AuditEventModel.findOne({ action: 'admin.api-token-issued' }).lean();
    expect(event).toMatchObject({
      subject: { type: 'person', id: await personId('李静') },
      actor: { via: 'cli' },
      details: { sessionId },
    });
    expect(JSON.stringify(event)).not.toContain(token);

    const refused = await runAdmin('api-token', '孙丽');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('“孙丽”不是在职的管理员，不能领取接口令牌');
  });

  test('when the operator sets, lists and removes a local holiday, then the calendar follows and the audit trail records it', async () => {
    await sampleImported();
    const set = await runAdmin('calendar-set', '2027-01-01', '休息', '元旦', '--by', '李静');
    expect(set).toMatchObject({ code: 0, stdout: '已设置：2027-01-01 休息（元旦），对全部单位的提醒和催办生效。\n' });
    const listed = await runAdmin('calendar');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('本地设置（1 天）：\n2027-01-01 休息 元旦');
    expect(await AuditEventModel.countDocuments({ action: 'calendar.override-set', 'actor.via': 'cli' })).toBe(1);
    const removed = await runAdmin('calendar-remove', '2027-01-01');
    expect(removed).toMatchObject({ code: 0, stdout: '已删除 2027-01-01 的本地设置，按官方日历执行。\n' });
    const wrong = await runAdmin('calendar-set', '2027-01-01', '调休');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('“调休”应为“休息”或“上班”');
  });

  test('when an admin unbinds a person, then every binding is released and it is recorded as the admin’s', async () => {
    await sampleImported();
    const { people, audit } = createPeopleService({ clock: new ManualClock(new Date()) });
    const { code } = await people.createBindCode('刘洋', {});
    await people.bindChatIdentity({ code, provider: 'wechaty-puppet-mock', externalId: 'contact-liu-unbind' });
    await audit.settle();
    const liu = await personId('刘洋');

    const run = await runAdmin('unbind', '刘洋', '--by', '李静');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^已解绑 刘洋：解除 \d+ 个绑定（工作群与小程序），其小程序登录和接口令牌已失效。\n没有在等其审核的稿件。\n$/,
    );
    expect(await IdentityBindingModel.countDocuments({ personId: liu })).toBe(0);
    const event = await AuditEventModel.findOne({
      action: 'identity.unbound',
      'details.externalId': 'contact-liu-unbind',
    }).lean();
    expect(event).toMatchObject({ actor: { via: 'cli' }, details: { by: 'admin' } });
    expect(String(event?.actor.personId)).toBe(await personId('李静'));
  });

  test('when an admin unbinds an approver who left, then their pending draft moves to the backup and the CLI says where it went', async () => {
    await sampleImported();
    const services = createServices({ clock: systemClock, logger: createLogger('silent') });
    const draft = await services.drafts.submitDraft(
      { personId: await personId('刘洋'), via: 'test' },
      { title: '关于命令行解绑的通知', body: '正文。' },
    );

    const run = await runAdmin('unbind', '孙丽', '--by', '李静');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      `其待审稿件已转给备审人（已发送审核请求，投稿人已获知）：#${draft.code} → 钱卫东（副局长）。`,
    );
    const moved = await DraftModel.findById(draft.id).lean();
    expect(moved?.pendingApproverIds.map(String)).toEqual([await personId('钱卫东')]);
    const event = await AuditEventModel.findOne({ 'subject.id': draft.id, action: 'draft.handed-over' }).lean();
    expect(event).toMatchObject({ reason: '解绑', actor: { via: 'cli' } });
    expect(String(event?.actor.personId)).toBe(await personId('李静'));
  });

  test('when an admin removes a unit’s approval route, then it is gone and recorded, and removing it again says there is none', async () => {
    await sampleImported();
    const run = await runAdmin('remove-route', '县教育局', '--by', '李静');

    expect(run).toEqual({
      code: 0,
      stdout: '已删除“县教育局”的审核路由；今后新送审的稿件按单位主要负责人审核处理，已在审核中的稿件不受影响。\n',
      stderr: '',
    });
    expect(await ApprovalRouteModel.countDocuments({ unitId: await unitId('某县人民政府/县教育局') })).toBe(0);
    expect(await AuditEventModel.countDocuments({ action: 'approval-route.removed' })).toBe(1);

    const again = await runAdmin('remove-route', '县教育局');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('“县教育局”没有单独设置的审核路由');
    const missing = await runAdmin('remove-route', '县农业局');
    expect(missing.stderr).toContain('找不到单位“县农业局”');
  });

  test('when an admin cancels a person’s delegation, then it ends now and is recorded, and a second cancel says there is none', async () => {
    const people = await sampleImported();
    const zhao = await personId('赵海涛');
    const now = Date.now();
    await people.setDelegation({
      personId: zhao,
      delegateId: await personId('钱卫东'),
      from: new Date(now - 60_000),
      until: new Date(now + 7 * 86_400_000),
      byId: await personId('李静'),
    });
    expect(await DelegationModel.countDocuments({ personId: zhao, until: { $gt: new Date() } })).toBe(1);

    const run = await runAdmin('cancel-delegation', '赵海涛', '--by', '李静');

    expect(run).toEqual({
      code: 0,
      stdout: '已取消 赵海涛 的 1 项代理：从现在起，其审核事项不再由他人代为处理。\n',
      stderr: '',
    });
    expect(await DelegationModel.countDocuments({ personId: zhao, until: { $gt: new Date() } })).toBe(0);
    const event = await AuditEventModel.findOne({ action: 'delegation.cancelled' }).lean();
    expect(event).toMatchObject({ subject: { type: 'person', id: zhao }, actor: { via: 'cli' } });

    const again = await runAdmin('cancel-delegation', '赵海涛');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('赵海涛 当前没有未结束的代理');
  });
});
