/**
 * An admin unbinds a person who left (issue 13): the approval items waiting on them move to their
 * delegate or the step's backup, who gets the normal request and decides; the person who left no
 * longer can; where nobody can take an item, the admins are told which drafts and how to fix it. A
 * branch admin unbinds only people they may act on (issue 21): the top admin reads as unknown to them.
 */
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { makeAdmin, personId } from '../../support/people-factories';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { sampleOrganizationFile } from '../../support/people-factories';
import fs from 'node:fs';

let chat: ChatHarness;

beforeAll(connectTestDatabase, 60_000);

// Every test starts from the sample organisation with everyone bound and its own bot: none leans on
// who an earlier test unbound or what an earlier import changed.
beforeEach(async () => {
  await emptyTestDatabase();
  chat = await ChatHarness.start();
  // Branch admins: of the county office, where the top admin 李静 sits, and of the town.
  await makeAdmin(await personId('蒋明'), '某县人民政府/县政府办公室');
  await makeAdmin(await personId('林小燕'), '某县人民政府/青山镇人民政府');
  for (const name of [
    '刘洋',
    '孙丽',
    '钱卫东',
    '赵海涛',
    '王建华',
    '李静',
    '郑美玲',
    '冯涛',
    '吴国庆',
    '蒋明',
    '林小燕',
  ]) {
    await chat.bind(name);
  }
  await chat.bind('JYJ004', '张伟');
}, 60_000);

afterEach(() => chat.stop());

afterAll(disconnectTestDatabase);

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

describe('a branch admin unbinds in chat', () => {
  test('when the county office’s admin sends 解绑 with the top admin’s name, then she is not found for them, as an unknown name is, and stays bound', async () => {
    const li = await personId('李静');
    const events = await AuditEventModel.countDocuments({ 'subject.id': li });

    const reply = await chat.sayAndWait('蒋明', '解绑 李静', /找不到|已解绑/);
    const unknown = await chat.sayAndWait('蒋明', '解绑 王小二', '找不到');

    expect(reply).toBe(unknown.replace('王小二', '李静'));
    expect(reply).toContain('不在您的管理范围内');
    expect(reply).not.toMatch(/县政府办公室|政务公开办|ZFB002/);
    expect(await IdentityBindingModel.countDocuments({ personId: li })).toBe(1);
    expect(await AuditEventModel.countDocuments({ 'subject.id': li })).toBe(events);
    // The office's own leader is theirs to unbind.
    await chat.sayAndWait('蒋明', '解绑 周立新', '已解绑 周立新');
  });

  test('when a town admin sends 解绑 with a name someone outside the town shares, then the town’s one is unbound and the other is neither named nor touched', async () => {
    await chat.bind('QSZ002', '青山张伟');

    const reply = await chat.sayAndWait('林小燕', '解绑 张伟', /已解绑|找不到|有 2 位/);

    expect(reply).toContain('已解绑 张伟：解除 1 个绑定');
    expect(reply).not.toMatch(/县教育局|JYJ004/);
    expect(await IdentityBindingModel.countDocuments({ personId: await personId('张伟', 'QSZ002') })).toBe(0);
    expect(await IdentityBindingModel.countDocuments({ personId: await personId('张伟', 'JYJ004') })).toBe(1);
  });
});

describe('an admin unbinds an approver who left', () => {
  test('when the approver of the step in review is unbound, then the backup is asked and decides, the submitter is told, and the old approver’s late 同意 does nothing', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 关于离职交接的通知\n联系电话 13812345678。', '已收到投稿'));
    await chat.waitFor('孙丽', `【待审核】#${code}`);

    const reply = await chat.sayAndWait('李静', '解绑 孙丽', '已解绑 孙丽');
    expect(reply).toContain(`#${code} → 钱卫东（副局长）`);

    const request = await chat.waitFor('钱卫东', `【待审核】#${code}`);
    expect(request).toContain('原审核人 孙丽（办公室主任） 已解绑，改由您审核');
    expect(request).toContain('预审发现');
    expect(request).toContain('第1/2步');
    const told = await chat.waitFor('刘洋', `【审核人变更】#${code}`);
    expect(told).toContain('原审核人 孙丽（办公室主任） 已解绑，已送 钱卫东（副局长）审核，第1/2步。');

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    const [sun, qian, li] = await Promise.all([personId('孙丽'), personId('钱卫东'), personId('李静')]);
    expect(draft?.steps[0].handovers).toMatchObject([{ cause: 'unbind', versionNumber: 1 }]);
    expect(String(draft?.steps[0].handovers[0].replacedId)).toBe(sun);
    expect(draft?.pendingApproverIds.map(String)).toEqual([qian]);
    const event = await AuditEventModel.findOne({
      'subject.id': String(draft?._id),
      action: 'draft.handed-over',
    }).lean();
    expect(event).toMatchObject({ reason: '解绑', details: { cause: 'unbind', from: sun, to: [qian] } });
    expect(String(event?.actor.personId)).toBe(li);
    expect(String(event?.actor.onBehalfOfId)).toBe(sun);

    // The old contact is no longer 孙丽; bound again, she still no longer decides this step.
    await chat.sayAndWait('孙丽', `同意 ${code}`, '您尚未绑定身份');
    await chat.bind('孙丽', '孙丽新号');
    await chat.sayAndWait('孙丽新号', `同意 ${code}`, '不是该稿件当前步骤的指定审核人');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.steps[0].decisions).toEqual([]);

    await chat.sayAndWait('钱卫东', `同意 ${code}`, new RegExp(`已记录：钱卫东.* 同意 #${code}`));
    await chat.waitFor('赵海涛', `【待审核】#${code}`);
    const decided = await DraftModel.findOne({ shortCode: code }).lean();
    expect(decided).toMatchObject({ status: 'in_review', currentStepIndex: 1 });
    expect(decided?.steps[0].decisions.map((decision) => String(decision.approverId))).toEqual([qian]);
  });

  test('when a 会签 approver without a backup is unbound, then the admins learn which draft has no approver and how to fix it; with a delegation set, unbinding again moves it', async () => {
    const code = codeIn(await chat.sayAndWait('张伟', '投稿 关于招生的通知\n招生工作安排。', '已收到投稿'));
    await chat.waitFor('冯涛', `【待审核】#${code}`);

    const reply = await chat.sayAndWait('李静', '解绑 冯涛', '已解绑 冯涛');
    expect(reply).toContain(`以下稿件现在没有审核人：#${code}（第1步）`);
    expect(reply).toContain('npm run admin -- delegate 冯涛');
    await chat.waitFor('李静', new RegExp(`^冯涛 已解绑。以下稿件现在没有审核人：#${code}`));
    const unchanged = await DraftModel.findOne({ shortCode: code }).lean();
    expect(unchanged?.steps[0].handovers).toEqual([]);
    expect(await IdentityBindingModel.countDocuments({ personId: await personId('冯涛') })).toBe(0);

    const now = Date.now();
    await chat.services.people.setDelegation({
      personId: await personId('冯涛'),
      delegateId: await personId('吴国庆'),
      from: new Date(now - 60_000),
      until: new Date(now + 86_400_000),
      byId: null,
    });
    const again = await chat.sayAndWait('李静', '解绑 冯涛', '已解绑 冯涛');
    expect(again).toContain(`#${code} → 吴国庆`);
    await chat.waitFor('吴国庆', `【待审核】#${code}`);
    await chat.sayAndWait('郑美玲', `同意 ${code}`, new RegExp(`已记录：郑美玲.* 同意 #${code}`));
    await chat.sayAndWait('吴国庆', `同意 ${code}`, new RegExp(`已记录：吴国庆（.*）（代冯涛.*）.* 同意 #${code}`));
    // 吴国庆 is the next step's approver too: the draft waits on him there.
    expect(await DraftModel.findOne({ shortCode: code }).lean()).toMatchObject({ currentStepIndex: 1 });
  });

  test('when someone who is not an admin sends 解绑 with a name, then nothing is unbound', async () => {
    await chat.sayAndWait('刘洋', '解绑 钱卫东', '只有管理员可以为他人解绑');
    expect(await IdentityBindingModel.countDocuments({ personId: await personId('钱卫东') })).toBe(1);
  });

  test('when an import marks an approver as no longer in post, then their pending step moves to the backup as an unbind does', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 关于人员调整的通知\n正文。', '已收到投稿'));
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.waitFor('赵海涛', `【待审核】#${code}`);

    // He leaves, and the route names someone else from now on; the draft in review keeps its steps.
    const organization = JSON.parse(fs.readFileSync(sampleOrganizationFile, 'utf8')) as {
      people: { name: string; active?: string }[];
      routes: { unit: string; steps: { approvers: string[]; backups?: string[] }[] }[];
    };
    for (const person of organization.people) if (person.name === '赵海涛') person.active = '否';
    const route = organization.routes.find((candidate) => candidate.unit.endsWith('县应急管理局'));
    if (route) route.steps[1] = { ...route.steps[1], approvers: ['王建华'], backups: [] };
    await chat.services.organization.importOrganization(JSON.stringify(organization), 'json', {
      byId: await personId('李静'),
      via: 'test',
    });

    const request = await chat.waitFor('王建华', `【待审核】#${code}`);
    expect(request).toContain('原审核人 赵海涛（副局长） 已标为不在职，改由您审核');
    expect(request).toContain('第2/2步');
    await chat.waitFor('李静', new RegExp(`^赵海涛 已标为不在职。其待审稿件已转给备审人.*#${code} → 王建华（局长）`));
    await chat.sayAndWait('王建华', `同意 ${code}`, new RegExp(`已记录：王建华.* 同意 #${code}`));
    expect(await DraftModel.findOne({ shortCode: code }).lean()).toMatchObject({ status: 'approved' });
  });
});
