import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, provider, standIn, storedDraft, withdrawOpenDrafts } from '../../support/chat-harness';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { DelegationModel } from '../../../src/people/delegation-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '钱卫东', '王建华', '李静']) await chat.bind(name);
}, 60_000);

// Each test submits its own drafts; what it leaves in review is withdrawn, so every approver's queue
// starts empty whatever ran before.
afterEach(() => withdrawOpenDrafts(chat));

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

describe('the review flow in chat', () => {
  test('when a draft goes through a two-step route, then both leaders decide by reply and cc is informed', async () => {
    const officerSeen = chat.messagesOf('刘洋').length;
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 关于开展防汛演练的通知\n各乡镇：定于12月1日开展防汛演练。联系人身份证号110101199003074514。',
      '已收到投稿',
    );
    const code = codeIn(receipt);
    expect(receipt).toContain('已送 孙丽（办公室主任）审核，第1/2步');

    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain('投稿：刘洋（科员）（县应急管理局）');
    expect(request).toContain('关于开展防汛演练的通知');
    expect(request).toMatch(/身份证/);

    const echo = await chat.sayAndWait('孙丽', `同意 ${code} 内容属实`, `已记录：孙丽`);
    expect(echo).toContain(`同意 #${code} 《关于开展防汛演练的通知》 第1/2步`);
    await chat.waitFor('刘洋', '等待下一步审核', { after: officerSeen });

    await chat.waitFor('赵海涛', `【待审核】#${code}`);
    await chat.sayAndWait('赵海涛', '同意', '已记录：赵海涛');
    await chat.waitFor('刘洋', '稿件已审核通过，可以发布', { after: officerSeen });
    await chat.waitFor('李静', `【抄送】#${code}`);

    await chat.sayAndWait('刘洋', `已发布 ${code} https://mp.weixin.qq.com/s/drill`, '已登记发布');
    await chat.waitFor('王建华', 'https://mp.weixin.qq.com/s/drill');

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft).toMatchObject({ status: 'published', publication: { url: 'https://mp.weixin.qq.com/s/drill' } });
    const actions = (
      await AuditEventModel.find({ 'subject.id': String(draft?._id) })
        .sort({ _id: 1 })
        .lean()
    ).map((event) => [event.action, event.reason]);
    expect(actions).toEqual([
      ['draft.submitted', ''],
      ['draft.approved', '内容属实'],
      ['draft.approved', ''],
      ['draft.published', ''],
    ]);
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});

describe('decisions in chat', () => {
  test('when a leader rejects with a reason, then the officer revises and the leader sees what changed', async () => {
    const receipt = await chat.sayAndWait('刘洋', '投稿 森林防火提示\n今年投入资金500万元用于森林防火。', '已收到投稿');
    const code = codeIn(receipt);
    await chat.waitFor('孙丽', `【待审核】#${code}`);
    const before = chat.messagesOf('孙丽').length;
    await chat.sayAndWait('孙丽', `驳回 ${code} 金额需核实`, new RegExp(`已记录：孙丽.* 驳回 #${code}`));
    const told = await chat.waitFor('刘洋', `驳回 #${code}`);
    expect(told).toContain('理由：金额需核实');
    expect(told).toContain(`修改 ${code}`);

    await chat.sayAndWait('刘洋', `修改 ${code}\n今年投入资金800万元用于森林防火。`, '已提交第2版');
    const again = await chat.waitFor('孙丽', '第2版（您上次看到第1版）', { after: before });
    expect(again).toContain('修改：今年投入资金【500】→【800】');
    await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.sayAndWait('赵海涛', `同意 ${code}`, new RegExp(`已记录：赵海涛.* 同意 #${code}`));

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft).toMatchObject({ status: 'approved', currentVersion: 2 });
    const approvals = draft?.steps.flatMap((step) => step.decisions).filter((decision) => decision.versionNumber === 2);
    expect(approvals?.map((decision) => decision.contentHash)).toEqual([
      draft?.versions[1].contentHash,
      draft?.versions[1].contentHash,
    ]);
  });

  test('when a leader replies to the old version after a revision, then the decision is refused', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 旧版测试\n第一版正文', '已收到投稿'));
    const oldRequest = await chat.waitFor('孙丽', `【待审核】#${code}`);
    await chat.sayAndWait('刘洋', `修改 ${code}\n第二版正文`, '已提交第2版');
    const quotedOld = `「审发：${oldRequest}」\n- - - - - - - - - - - - - - -\n同意`;
    const refusal = await chat.sayAndWait('孙丽', quotedOld, '稿件已修改为第2版');
    expect(refusal).toContain('您回复的是第1版');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('in_review');
  });

  test('when a leader quotes the request and writes 同意, then that draft is approved', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 引用回复测试\n正文', '已收到投稿'));
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    await chat.sayAndWait(
      '孙丽',
      `「审发：${request}」\n- - - - - - - - - - - - - - -\n同意`,
      new RegExp(`已记录：孙丽.* 同意 #${code}`),
    );
  });

  test('when the step-1 approver, standing in for step 2, quotes the step-1 request again, then it is refused as handled and step 2 still waits', async () => {
    // 孙丽 decides step 1 and stands in for 王建华, the backup of step 2 (issue 21).
    const delegation = await standIn(chat, '王建华', '孙丽');
    try {
      const code = codeIn(await chat.sayAndWait('刘洋', '投稿 引用旧步骤\n正文', '已收到投稿'));
      const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
      const quoted = `「审发：${request}」\n- - - - - - - - - - - - - - -\n同意`;
      await chat.sayAndWait('孙丽', quoted, new RegExp(`已记录：孙丽.* 同意 #${code}.* 第1/2步`));
      await chat.waitFor('赵海涛', `【待审核】#${code}`);
      const before = { stored: await storedDraft(code), officer: chat.messagesOf('刘洋').length };

      const refusal = await chat.sayAndWait('孙丽', quoted, '已处理');
      expect(refusal).toBe(`稿件 #${code} 第1步已处理，本次操作未生效。发送“查看 ${code}”可看审核进度。`);
      await chat.settle();
      const { draft, events } = await storedDraft(code);
      expect(draft).toMatchObject({
        status: 'in_review',
        currentStepIndex: 1,
        revision: before.stored.draft?.revision,
      });
      expect([events, chat.messagesOf('刘洋').length]).toEqual([before.stored.events, before.officer]);
    } finally {
      await delegation.end();
    }
  });

  test('when a leader writes a plain 同意 with one item pending, then it applies; with several, the bot asks which', async () => {
    const first = codeIn(await chat.sayAndWait('刘洋', '投稿 单条待办\n正文一', '已收到投稿'));
    await chat.waitFor('孙丽', `【待审核】#${first}`);
    await chat.sayAndWait('孙丽', '待办', '待审核（');
    await chat.sayAndWait('孙丽', '同意', new RegExp(`已记录：孙丽.* 同意 #${first}`));

    const second = codeIn(await chat.sayAndWait('刘洋', '投稿 多条待办甲\n正文', '已收到投稿'));
    const third = codeIn(await chat.sayAndWait('刘洋', '投稿 多条待办乙\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `【待审核】#${third}`);
    const question = await chat.sayAndWait('孙丽', '同意。', '请写明编号');
    expect(question).toContain(`#${second}`);
    expect(question).toContain(`#${third}`);
    expect((await DraftModel.findOne({ shortCode: second }).lean())?.status).toBe('in_review');
  });

  test('when a step is 会签, then it needs every approver before the next step', async () => {
    // Two people are called 张伟; the admin's bind code names the one of 县教育局 by staff code.
    await chat.bind('JYJ004', '张伟');
    for (const name of ['郑美玲', '冯涛', '吴国庆']) await chat.bind(name);
    const code = codeIn(await chat.sayAndWait('张伟', '投稿 期末考试安排\n正文', '已收到投稿'));
    await chat.waitFor('郑美玲', `#${code}`);
    await chat.sayAndWait('郑美玲', `同意 ${code}`, `已记录：郑美玲`);
    await chat.settle();
    expect(chat.messagesOf('吴国庆').some((text) => text.includes(`#${code}`))).toBe(false);
    await chat.sayAndWait('冯涛', `同意 ${code}`, `已记录：冯涛`);
    await chat.waitFor('吴国庆', `【待审核】#${code}`);
  });

  test('when the approver approves twice, then the second reply says it is already recorded', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 重复同意\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `#${code}`);
    await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.sayAndWait('孙丽', `同意 ${code}`, '已记录过您的决定：同意');
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].decisions).toHaveLength(1);
  });

  test('when two approvers of one step reply at the same instant, then one decision is recorded for the step', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 同时审核\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `#${code}`);
    chat.say('孙丽', `同意 ${code}`);
    chat.say('钱卫东', `同意 ${code}`);
    await chat.waitFor('赵海涛', `【待审核】#${code}`);
    await chat.settle();
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].decisions).toHaveLength(1);
    expect(draft?.currentStepIndex).toBe(1);
    const events = await AuditEventModel.find({ 'subject.id': String(draft?._id), action: 'draft.approved' }).lean();
    expect(events).toHaveLength(1);
    expect(chat.messagesOf('赵海涛').filter((text) => text.includes(`【待审核】#${code}`))).toHaveLength(1);
  });

  test('when the officer withdraws, then the pending leader is told and can no longer decide', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 撤回测试\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `#${code}`);
    await chat.sayAndWait('刘洋', `撤回 ${code}`, `已撤回 #${code}`);
    await chat.waitFor('孙丽', `【已撤回】#${code}`);
    await chat.sayAndWait('孙丽', `同意 ${code}`, '该稿件已撤回，不能再审核');
  });

  test('when the officer repeats 撤回 or 已发布, then the reply says it is already recorded and nothing is recorded again', async () => {
    const withdrawn = codeIn(await chat.sayAndWait('刘洋', '投稿 重复撤回测试\n正文', '已收到投稿'));
    await chat.sayAndWait('刘洋', `撤回 ${withdrawn}`, `已撤回 #${withdrawn}`);
    expect(await chat.sayAndWait('刘洋', `撤回 ${withdrawn}`, '该稿件已撤回')).toBe('该稿件已撤回');

    const published = codeIn(await chat.sayAndWait('刘洋', '投稿 重复发布测试\n正文', '已收到投稿'));
    await chat.sayAndWait('孙丽', `同意 ${published}`, new RegExp(`已记录：孙丽.* 同意 #${published}`));
    await chat.sayAndWait('赵海涛', `同意 ${published}`, new RegExp(`已记录：赵海涛.* 同意 #${published}`));
    await chat.sayAndWait('刘洋', `已发布 ${published} https://mp.weixin.qq.com/s/once`, '已登记发布');
    const again = await chat.sayAndWait(
      '刘洋',
      `已发布 ${published} https://mp.weixin.qq.com/s/twice`,
      '该稿件已登记发布',
    );
    expect(again).toBe('该稿件已登记发布');

    const draft = await DraftModel.findOne({ shortCode: published }).lean();
    expect(draft?.publication.url).toBe('https://mp.weixin.qq.com/s/once');
    const subjects = [String(draft?._id), String((await storedDraft(withdrawn)).draft?._id)];
    const events = await AuditEventModel.find({ 'subject.id': { $in: subjects } }).lean();
    expect(events.filter((event) => event.action === 'draft.published')).toHaveLength(1);
    expect(events.filter((event) => event.action === 'draft.withdrawn')).toHaveLength(1);
  });

  test('when an approver hands an item over, then the colleague decides on their behalf and the trail says so', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 转交测试\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `#${code}`);
    await chat.sayAndWait('孙丽', `转交 ${code} 王建华`, '已转交');
    const request = await chat.waitFor('王建华', `【待审核】#${code}`);
    expect(request).toContain('由 孙丽（办公室主任） 转交');
    await chat.sayAndWait('王建华', `同意 ${code}`, '王建华（局长）（代孙丽（办公室主任））');
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    const event = await AuditEventModel.findOne({ 'subject.id': String(draft?._id), action: 'draft.approved' }).lean();
    expect(String(event?.actor.onBehalfOfId)).toBe(String(draft?.steps[0].approverIds[0]));
  });

  test('when someone the draft does not wait on writes 转交 with a name, then the reply is the same whether the name exists, is shared or is unknown', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 转交探名\n正文', '已收到投稿'));
    await chat.waitFor('孙丽', `#${code}`);
    const replies = [];
    for (const name of ['张伟', '李静', '查无此人']) {
      replies.push(await chat.sayAndWait('刘洋', `转交 ${code} ${name}`, '不是该稿件当前待审核人'));
    }
    expect(new Set(replies).size).toBe(1);
    expect(replies[0]).not.toMatch(/张伟|李静|查无此人|有\d+位/);
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    expect(draft?.steps[0].handovers).toEqual([]);
  });

  test('when a leader on leave has a delegate, then the delegate approves on their behalf and the trail says so', async () => {
    const delegation = await standIn(chat, '孙丽', '周立新');
    try {
      const { person: sunLi, delegate } = delegation;
      await chat.bind('周立新');
      const code = codeIn(await chat.sayAndWait('刘洋', '投稿 请假代审\n正文', '已收到投稿'));
      await chat.sayAndWait('周立新', `同意 ${code}`, new RegExp(`已记录：周立新.*（代孙丽.*） 同意 #${code}`));
      const draft = await DraftModel.findOne({ shortCode: code }).lean();
      const decision = draft?.steps[0].decisions[0];
      expect([String(decision?.approverId), String(decision?.onBehalfOfId)]).toEqual([delegate.id, sunLi.id]);
      const event = await AuditEventModel.findOne({
        'subject.id': String(draft?._id),
        action: 'draft.approved',
      }).lean();
      expect([String(event?.actor.personId), String(event?.actor.onBehalfOfId)]).toEqual([delegate.id, sunLi.id]);
    } finally {
      await delegation.end();
    }
  });

  test('when the leader back from leave writes 取消代审, then the delegate may no longer decide and both are told', async () => {
    const people = chat.services.people;
    const [zhao] = await people.findPersonByName('赵海涛');
    const [qian] = await people.findPersonByName('钱卫东');
    const now = Date.now();
    await people.setDelegation({
      personId: zhao.id,
      delegateId: qian.id,
      from: new Date(now - 60_000),
      until: new Date(now + 7 * 86_400_000),
      byId: null,
    });
    const reply = await chat.sayAndWait('赵海涛', '取消代审', '已提前结束代审');
    expect(reply).toContain('钱卫东不再代您审核');
    await chat.waitFor('钱卫东', '赵海涛已提前结束请假代审');
    expect(await people.delegatorsOf(qian.id, new Date())).toEqual([]);
    await chat.services.audit.settle();
    const event = await AuditEventModel.findOne({ action: 'delegation.cancelled', 'subject.id': zhao.id }).lean();
    expect(String(event?.actor.personId)).toBe(zhao.id);
    expect(event?.actor.via.startsWith(`${provider}:`)).toBe(true);

    await chat.sayAndWait('赵海涛', '取消代审', '您目前没有进行中或待生效的代审安排');
  });

  test('when someone with several delegations writes 取消代审 without a name, then the bot asks whose and changes nothing', async () => {
    const people = chat.services.people;
    const [qian, wang, li] = await Promise.all(
      ['钱卫东', '王建华', '李静'].map((name) => people.findPersonByName(name)),
    );
    const now = Date.now();
    const period = { from: new Date(now + 86_400_000), until: new Date(now + 3 * 86_400_000), byId: null };
    await people.setDelegation({ personId: qian[0].id, delegateId: wang[0].id, ...period });
    await people.setDelegation({ personId: li[0].id, delegateId: qian[0].id, ...period });
    await chat.sayAndWait('钱卫东', '取消代审', '请写明结束哪一项');
    await chat.sayAndWait('钱卫东', '取消代审 张三', '您与“张三”之间没有进行中的代审安排');
    expect(await DelegationModel.countDocuments({ cancelledAt: { $ne: null }, personId: qian[0].id })).toBe(0);
    const reply = await chat.sayAndWait('钱卫东', '取消代审 李静', '已提前结束代审');
    expect(reply).toContain('您不再代李静审核');
    await chat.waitFor('李静', '钱卫东已提前结束为您代审');
    expect(await DelegationModel.countDocuments({ cancelledAt: { $ne: null }, personId: li[0].id })).toBe(1);
    expect(await DelegationModel.countDocuments({ cancelledAt: { $ne: null }, personId: qian[0].id })).toBe(0);
  });

  test('when an approver revokes an approval before publication, then the officer may not publish until approved again', async () => {
    const officerSeen = chat.messagesOf('刘洋').length;
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 撤销同意测试\n正文', '已收到投稿'));
    await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
    await chat.sayAndWait('赵海涛', `同意 ${code}`, new RegExp(`已记录：赵海涛.* 同意 #${code}`));
    await chat.waitFor('刘洋', new RegExp(`同意 #${code} .*第2/2步`));
    await chat.sayAndWait('赵海涛', `撤销 ${code} 数据需再核实`, '已记录：撤销同意');
    await chat.waitFor('刘洋', '在重新审核通过前不得发布', { after: officerSeen });
    await chat.sayAndWait('刘洋', `已发布 ${code} https://mp.weixin.qq.com/s/x`, '未经审核同意不得发布');
    expect((await DraftModel.findOne({ shortCode: code }).lean())?.status).toBe('in_review');
  });
});

describe('the trail of decisions in chat', () => {
  test('when drafts are approved and rejected in chat, then audit:verify passes and decisions carry actor, version hash and reason', async () => {
    // Its own eleven decisions: five drafts approved at both steps, one rejected.
    for (const n of [1, 2, 3, 4, 5]) {
      const code = codeIn(await chat.sayAndWait('刘洋', `投稿 留痕测试${n}\n正文`, '已收到投稿'));
      await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
      await chat.sayAndWait('赵海涛', `同意 ${code}`, new RegExp(`已记录：赵海涛.* 同意 #${code}`));
    }
    const rejected = codeIn(await chat.sayAndWait('刘洋', '投稿 留痕驳回\n正文', '已收到投稿'));
    await chat.sayAndWait('孙丽', `驳回 ${rejected} 数据需核实`, new RegExp(`已记录：孙丽.* 驳回 #${rejected}`));
    await chat.services.audit.settle();
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
    const decisions = await AuditEventModel.find({ action: { $in: ['draft.approved', 'draft.rejected'] } }).lean();
    expect(decisions.length).toBeGreaterThan(10);
    for (const event of decisions) {
      expect(event.actor.personId).toBeTruthy();
      expect(event.actor.via.startsWith(`${provider}:`)).toBe(true);
      expect(event.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(decisions.filter((event) => event.action === 'draft.rejected').every((event) => event.reason)).toBe(true);
  });
});
