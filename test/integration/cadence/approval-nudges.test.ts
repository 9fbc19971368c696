/**
 * Approval nudges on the real database with a controlled clock: the sample organisation's routes, the
 * official calendar of 2026 (National Day and its 调休 days) and the nudge job run as the scheduler runs it.
 */
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { approvalNudgeJob } from '../../../src/jobs/approval-nudge-job';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { DraftModel } from '../../../src/drafts/draft-model';

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

async function submitAt(when: string, submitter = '刘洋', title = '关于开展防汛演练的通知', code?: string) {
  clock.set(shanghai(when));
  const submitterId = await personId(submitter, code);
  const draft = await services.drafts.submitDraft(
    { personId: submitterId, via: 'test' },
    { title, body: '正文内容。' },
  );
  return draft;
}

/** Runs the nudge job at `when` (Shanghai time) as one scheduler process would. */
async function nudgeAt(when: string, processId = 'a') {
  clock.set(shanghai(when));
  run += 1;
  const scheduler = new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });
  await scheduler.runOnce(approvalNudgeJob(services), new Date(clock.now().getTime() + run));
}

/** The nudges of a draft so far: [stage, recipient name]. */
async function nudgesOf(draftId: string): Promise<[string, string][]> {
  const messages = await OutboxMessageModel.find({ idempotencyKey: new RegExp(`^nudge:${draftId}:`) })
    .sort({ _id: 1 })
    .lean();
  const names = await services.people.findPeople(messages.map((message) => String(message.recipient.personId)));
  return messages.map((message) => {
    const stage = /:(remind|escalate):/.exec(message.idempotencyKey)?.[1] ?? '';
    return [stage, names.get(String(message.recipient.personId))?.name ?? ''];
  });
}

async function textFor(draftId: string, name: string, stage: string): Promise<string> {
  const id = await personId(name);
  const message = await OutboxMessageModel.findOne({
    idempotencyKey: new RegExp(`^nudge:${draftId}:.*:${stage}:${id}$`),
  }).lean();
  return message?.text ?? '';
}

describe('approval nudges', () => {
  test('when a step waits, then the approver is reminded after 4 working hours, the backup and submitter at 8, and a decision stops them', async () => {
    // Friday 18 September 17:00: one working hour left that day; Saturday is off; Sunday 20 September is a 调休 workday.
    const draft = await submitAt('2026-09-18T17:00:00');
    await nudgeAt('2026-09-18T17:50:00');
    await nudgeAt('2026-09-19T12:00:00');
    await nudgeAt('2026-09-20T11:20:00');
    expect(await nudgesOf(draft.id)).toEqual([]);

    await nudgeAt('2026-09-20T11:30:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
    const reminder = await textFor(draft.id, '孙丽', 'remind');
    expect(reminder).toContain(`【审核提醒】#${draft.code}`);
    expect(reminder).toContain('已等待您审核 4 个工作小时');
    expect(reminder).toContain(`同意 ${draft.code}`);

    await nudgeAt('2026-09-20T13:00:00');
    await nudgeAt('2026-09-20T15:30:00');
    expect(await nudgesOf(draft.id)).toEqual([
      ['remind', '孙丽'],
      ['escalate', '钱卫东'],
      ['escalate', '刘洋'],
    ]);
    expect(await textFor(draft.id, '钱卫东', 'escalate')).toContain('您是该步骤的备审人');
    expect(await textFor(draft.id, '刘洋', 'escalate')).toContain('仍在等待孙丽审核');

    clock.set(shanghai('2026-09-20T15:40:00'));
    await services.drafts.decide(
      { personId: await personId('孙丽'), via: 'test' },
      { code: draft.code, decision: 'approve', comment: '', versionNumber: null },
    );
    await nudgeAt('2026-09-20T16:00:00');
    await nudgeAt('2026-09-20T17:50:00');
    expect(await nudgesOf(draft.id)).toHaveLength(3);

    // The second step started its own clock at 15:40 on Sunday: 2 h 20 min that day, 4 h by 10:10 on Monday.
    await nudgeAt('2026-09-21T10:00:00');
    expect(await nudgesOf(draft.id)).toHaveLength(3);
    await nudgeAt('2026-09-21T10:10:00');
    expect((await nudgesOf(draft.id)).at(-1)).toEqual(['remind', '赵海涛']);
    const stored = await DraftModel.findById(draft.id).lean();
    expect(stored).toMatchObject({ status: 'in_review', currentStepIndex: 1 });
  });

  test('when National Day falls inside the wait, then nothing is sent on the holiday and the clock resumes on 8 October', async () => {
    const draft = await submitAt('2026-09-30T15:00:00', '刘洋', '国庆假期值班安排');
    for (const when of ['2026-10-01T10:00:00', '2026-10-03T15:00:00', '2026-10-07T17:00:00', '2026-10-08T09:20:00']) {
      await nudgeAt(when);
    }
    expect(await nudgesOf(draft.id)).toEqual([]);
    await nudgeAt('2026-10-08T09:30:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
    await nudgeAt('2026-10-08T13:30:00');
    expect((await nudgesOf(draft.id)).map(([stage]) => stage)).toEqual(['remind', 'escalate', 'escalate']);
  });

  test('when the wait reaches 4 working hours on the 调休 Saturday 10 October, then the approver is reminded that Saturday', async () => {
    const draft = await submitAt('2026-10-09T16:00:00', '刘洋', '节后复工安全提示');
    await nudgeAt('2026-10-10T10:29:00');
    expect(await nudgesOf(draft.id)).toEqual([]);
    await nudgeAt('2026-10-10T10:30:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
  });

  test('when a step has no backup approver, then the escalation goes to the unit admins and never approves', async () => {
    const draft = await submitAt('2026-11-02T09:00:00', '张伟', '秋季学期安全教育', 'JYJ004');
    await nudgeAt('2026-11-02T17:00:00');
    const nudges = await nudgesOf(draft.id);
    expect(
      nudges
        .filter(([stage]) => stage === 'remind')
        .map(([, name]) => name)
        .sort(),
    ).toEqual(['冯涛', '郑美玲']);
    expect(nudges.filter(([stage]) => stage === 'escalate').map(([, name]) => name)).toEqual(['李静', '张伟']);
    expect(await textFor(draft.id, '李静', 'escalate')).toContain('系统不会因超时自动通过');
    expect(await DraftModel.findById(draft.id).lean()).toMatchObject({ status: 'in_review', currentStepIndex: 0 });
  });

  test('when the draft is withdrawn after the reminder, then no escalation follows', async () => {
    const draft = await submitAt('2026-11-03T09:00:00', '刘洋', '撤回测试稿');
    await nudgeAt('2026-11-03T13:00:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
    clock.set(shanghai('2026-11-03T13:10:00'));
    await services.drafts.withdraw({ personId: await personId('刘洋'), via: 'test' }, draft.code);
    await nudgeAt('2026-11-03T17:30:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
  });

  test('when an approval is revoked, then the reopened step waits 4 and 8 working hours from the revocation, not from submission', async () => {
    // Thursday 5 November: 孙丽 approves at once (no nudge), then takes the approval back at 11:00.
    const draft = await submitAt('2026-11-05T09:00:00', '刘洋', '撤销同意后催办测试稿');
    clock.set(shanghai('2026-11-05T09:30:00'));
    const sunLi = { personId: await personId('孙丽'), via: 'test' };
    await services.drafts.decide(sunLi, { code: draft.code, decision: 'approve', comment: '', versionNumber: null });
    clock.set(shanghai('2026-11-05T11:00:00'));
    await services.drafts.revokeApproval(sunLi, { code: draft.code, reason: '数据需再核实' });

    await nudgeAt('2026-11-05T11:10:00');
    await nudgeAt('2026-11-05T14:50:00');
    expect(await nudgesOf(draft.id)).toEqual([]);
    await nudgeAt('2026-11-05T15:00:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '孙丽']]);
    expect(await textFor(draft.id, '孙丽', 'remind')).toContain('已等待您审核 4 个工作小时');
    // 7 working hours on Thursday, the eighth ends at 09:30 on Friday.
    await nudgeAt('2026-11-06T09:20:00');
    expect(await nudgesOf(draft.id)).toHaveLength(1);
    await nudgeAt('2026-11-06T09:30:00');
    expect(await nudgesOf(draft.id)).toEqual([
      ['remind', '孙丽'],
      ['escalate', '钱卫东'],
      ['escalate', '刘洋'],
    ]);
  });

  test('when a step reopens after its escalation, then the new wait gets its own reminder and escalation, each once', async () => {
    const draft = await submitAt('2026-11-09T09:00:00', '刘洋', '重新待审催办测试稿');
    await nudgeAt('2026-11-09T13:00:00');
    await nudgeAt('2026-11-09T17:00:00');
    const firstWait = [
      ['remind', '孙丽'],
      ['escalate', '钱卫东'],
      ['escalate', '刘洋'],
    ];
    expect(await nudgesOf(draft.id)).toEqual(firstWait);

    // Tuesday: approved at 09:00, revoked at 10:30; the step waits again from 10:30.
    const sunLi = { personId: await personId('孙丽'), via: 'test' };
    clock.set(shanghai('2026-11-10T09:00:00'));
    await services.drafts.decide(sunLi, { code: draft.code, decision: 'approve', comment: '', versionNumber: null });
    clock.set(shanghai('2026-11-10T10:30:00'));
    await services.drafts.revokeApproval(sunLi, { code: draft.code, reason: '标题需调整' });
    await nudgeAt('2026-11-10T14:20:00');
    expect(await nudgesOf(draft.id)).toEqual(firstWait);
    await nudgeAt('2026-11-10T14:30:00');
    await nudgeAt('2026-11-10T14:30:00', 'b');
    expect(await nudgesOf(draft.id)).toEqual([...firstWait, ['remind', '孙丽']]);
    await nudgeAt('2026-11-10T17:50:00');
    expect(await nudgesOf(draft.id)).toHaveLength(4);
    await nudgeAt('2026-11-11T09:00:00');
    await nudgeAt('2026-11-11T09:00:00', 'b');
    await nudgeAt('2026-11-11T11:00:00');
    expect(await nudgesOf(draft.id)).toEqual([...firstWait, ...firstWait]);
  });

  test("when the second step is reopened by its approver, then its clock starts at the revocation, not at the first step's approval", async () => {
    const draft = await submitAt('2026-11-12T09:00:00', '刘洋', '第二步撤销测试稿');
    clock.set(shanghai('2026-11-12T09:10:00'));
    await services.drafts.decide(
      { personId: await personId('孙丽'), via: 'test' },
      { code: draft.code, decision: 'approve', comment: '', versionNumber: null },
    );
    const zhao = { personId: await personId('赵海涛'), via: 'test' };
    clock.set(shanghai('2026-11-12T09:20:00'));
    await services.drafts.decide(zhao, { code: draft.code, decision: 'approve', comment: '', versionNumber: null });
    clock.set(shanghai('2026-11-12T12:00:00'));
    await services.drafts.revokeApproval(zhao, { code: draft.code, reason: '配图需更换' });
    await nudgeAt('2026-11-12T15:50:00');
    expect(await nudgesOf(draft.id)).toEqual([]);
    await nudgeAt('2026-11-12T16:00:00');
    expect(await nudgesOf(draft.id)).toEqual([['remind', '赵海涛']]);
  });

  test('when the approver hands the item to the backup after the escalation, then the backup is reminded 4 working hours after the handover', async () => {
    const draft = await submitAt('2026-11-16T09:00:00', '刘洋', '转交备审人催办测试稿');
    await nudgeAt('2026-11-16T17:00:00');
    expect(await nudgesOf(draft.id)).toEqual([
      ['remind', '孙丽'],
      ['escalate', '钱卫东'],
      ['escalate', '刘洋'],
    ]);
    clock.set(shanghai('2026-11-17T09:00:00'));
    await services.drafts.handOver(
      { personId: await personId('孙丽'), via: 'test' },
      { code: draft.code, toName: '钱卫东' },
    );
    await nudgeAt('2026-11-17T12:50:00');
    expect(await nudgesOf(draft.id)).toHaveLength(3);
    await nudgeAt('2026-11-17T13:00:00');
    await nudgeAt('2026-11-17T13:00:00', 'b');
    expect((await nudgesOf(draft.id)).slice(3)).toEqual([['remind', '钱卫东']]);
  });

  test('when two scheduler processes run the nudges at the same moment, then each nudge is sent once', async () => {
    const draft = await submitAt('2026-11-04T09:00:00', '刘洋', '并发催办测试稿');
    clock.set(shanghai('2026-11-04T17:10:00'));
    const scheduledFor = clock.now();
    const job = approvalNudgeJob(services);
    const schedulers = ['a', 'b'].map(
      (processId) => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' }),
    );
    // Same scheduled run: claimed once. Different runs (a clock skew between hosts): the records and keys hold.
    const ran = await Promise.all([
      schedulers[0].runOnce(job, scheduledFor),
      schedulers[1].runOnce(job, scheduledFor),
      schedulers[1].runOnce(job, new Date(scheduledFor.getTime() + 1)),
    ]);
    expect(ran.filter(Boolean)).toHaveLength(2);
    expect(await nudgesOf(draft.id)).toEqual([
      ['remind', '孙丽'],
      ['escalate', '钱卫东'],
      ['escalate', '刘洋'],
    ]);
  });
});
