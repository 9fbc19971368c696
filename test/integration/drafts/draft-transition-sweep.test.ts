/**
 * A process killed between a transition's audit event and its state: the sweep job completes the
 * transition on its own, without waiting for the next action on the draft.
 */
import fs from 'node:fs';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock, systemClock } from '../../../src/shared/clock';
import { DraftModel } from '../../../src/drafts/draft-model';
import { DraftTransitionModel } from '../../../src/drafts/draft-transition-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { JobRunModel } from '../../../src/jobs/job-run-model';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { verifyAuditChain } from '../../../src/audit/audit-service';
import { draftTransitionSweepJob, draftTransitionSweepJobName } from '../../../src/jobs/draft-transition-sweep-job';
import { connectTestDatabase, disconnectTestDatabase, testDatabaseUri } from '../../support/database';
import { personId, sampleOrganizationFile } from '../../support/people-factories';
import { startKillableProcess } from '../../support/killable-process';

const logger = createLogger('silent');
const services = createServices({ clock: systemClock, logger });
let databaseName = '';

beforeAll(async () => {
  databaseName = await connectTestDatabase();
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
});
afterAll(async () => {
  await services.audit.settle();
  await disconnectTestDatabase();
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return Date.now() - started;
}

describe('the sweep of transitions cut short by a crash', () => {
  test('when the process dies between the approval’s event and its state, then the sweep completes the approval within a minute', async () => {
    const draft = await services.drafts.submitDraft(
      { personId: await personId('刘洋'), via: 'test' },
      { title: '关于冬季供暖的通知', body: '供暖时间为11月15日至次年3月15日。' },
    );
    const approver = await personId('孙丽');
    const child = startKillableProcess('test/integration/drafts/draft-transition-child.ts', [
      testDatabaseUri(),
      databaseName,
      draft.code,
      approver,
    ]);
    await child.ready;
    child.child.kill('SIGKILL');
    expect(await child.exited).toMatchObject({ signal: 'SIGKILL', stderr: '' });

    // Cut short: the event is in the trail, the draft does not show it, the next approver was not asked.
    const approvedEvent = { 'subject.id': draft.id, action: 'draft.approved' };
    expect(await AuditEventModel.countDocuments(approvedEvent)).toBe(1);
    expect(await DraftModel.findById(draft.id).lean()).toMatchObject({ revision: 0, currentStepIndex: 0 });
    expect(await DraftTransitionModel.countDocuments({ draftId: draft.id })).toBe(1);

    const scheduler = new JobScheduler({
      clock: systemClock,
      logger,
      processId: 'sweep-test',
      timeZone: 'Asia/Shanghai',
    });
    scheduler.register(draftTransitionSweepJob({ drafts: services.drafts, logger }));
    scheduler.start();
    try {
      const tookMs = await waitUntil(async () => (await DraftModel.findById(draft.id).lean())?.revision === 1, 60_000);
      expect(tookMs).toBeLessThan(60_000);
    } finally {
      await scheduler.stop();
    }

    const completed = await DraftModel.findById(draft.id).lean();
    expect(completed).toMatchObject({ status: 'in_review', currentStepIndex: 1 });
    expect(completed?.steps[0].decisions).toMatchObject([{ decision: 'approve', comment: '崩溃前的同意' }]);
    const zhao = await personId('赵海涛');
    const requests = await OutboxMessageModel.find({ 'recipient.personId': zhao, text: /【待审核】/ }).lean();
    expect(requests.map((message) => message.text)).toEqual([expect.stringContaining(`#${draft.code}`)]);
    expect(await DraftTransitionModel.countDocuments({})).toBe(0);
    expect(await AuditEventModel.countDocuments(approvedEvent)).toBe(1);
    expect(await JobRunModel.countDocuments({ job: draftTransitionSweepJobName, status: 'succeeded' })).toBeGreaterThan(
      0,
    );
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  }, 90_000);

  test('when a note outlives a writer that died before recording anything, then the sweep removes it and changes nothing', async () => {
    const draft = await services.drafts.submitDraft(
      { personId: await personId('刘洋'), via: 'test' },
      { title: '未记录的迁移', body: '正文。' },
    );
    await DraftTransitionModel.create({
      _id: `draft:${draft.id}:r0`,
      draftId: draft.id,
      revision: 0,
      startedAt: new Date(Date.now() - 60_000),
    });
    expect(await services.drafts.completeInterruptedTransitions()).toBe(0);
    expect(await DraftTransitionModel.countDocuments({ draftId: draft.id })).toBe(0);
    expect(await DraftModel.findById(draft.id).lean()).toMatchObject({ revision: 0, status: 'in_review' });
  });

  test('when approvals finish, then their notes stay until a sweep after the stale age removes them all at once, changing no draft', async () => {
    const clock = new ManualClock('2026-11-26T01:00:00Z');
    const manual = createServices({ clock, logger });
    const liu = await personId('刘洋');
    const drafts = await Promise.all(
      ['甲', '乙', '丙'].map((name) =>
        manual.drafts.submitDraft({ personId: liu, via: 'test' }, { title: `关于${name}事项的通知`, body: '正文。' }),
      ),
    );
    const sun = await personId('孙丽');
    for (const draft of drafts) {
      await manual.drafts.decide(
        { personId: sun, via: 'test' },
        { code: draft.code, decision: 'approve', comment: '', versionNumber: null },
      );
    }
    const ids = drafts.map((draft) => draft.id);
    expect(await DraftTransitionModel.countDocuments({ draftId: { $in: ids } })).toBe(3);

    expect(await manual.drafts.completeInterruptedTransitions()).toBe(0);
    expect(await DraftTransitionModel.countDocuments({ draftId: { $in: ids } })).toBe(3);

    clock.advance(11_000);
    expect(await manual.drafts.completeInterruptedTransitions()).toBe(0);
    expect(await DraftTransitionModel.countDocuments({ draftId: { $in: ids } })).toBe(0);
    const stored = await DraftModel.find({ _id: { $in: ids } }).lean();
    expect(stored.map((draft) => [draft.revision, draft.currentStepIndex])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    await manual.audit.settle();
  });
});
