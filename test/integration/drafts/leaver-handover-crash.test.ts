/**
 * The unbind hand-over is a draft transition like the others: a crash between its audit event and the
 * draft's state leaves a note that the sweep completes, by replaying the recorded request.
 */
import fs from 'node:fs';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock } from '../../../src/shared/clock';
import { DraftModel } from '../../../src/drafts/draft-model';
import { DraftTransitionModel } from '../../../src/drafts/draft-transition-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';
import { handOverLeaverItems } from '../../../src/drafts/leaver-handover';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { personId, sampleOrganizationFile } from '../../support/people-factories';

const clock = new ManualClock('2026-11-26T02:00:00Z');
const services = createServices({ clock, logger: createLogger('silent') });

beforeAll(async () => {
  await connectTestDatabase();
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
});
afterAll(async () => {
  await services.audit.settle();
  await disconnectTestDatabase();
});

describe('an unbind hand-over cut short by a crash', () => {
  test('when the process dies after the hand-over’s event, then the sweep completes it: the backup is asked once and the step moves', async () => {
    const draft = await services.drafts.submitDraft(
      { personId: await personId('刘洋'), via: 'test' },
      { title: '关于交接的通知', body: '正文。' },
    );
    const [sun, qian, li] = await Promise.all([personId('孙丽'), personId('钱卫东'), personId('李静')]);

    // A crash right after the event is recorded: the state write and the messages never happen.
    const append = services.audit.append.bind(services.audit);
    services.audit.append = async (input) => {
      const result = await append(input);
      if (result.recorded && input.action === 'draft.handed-over') throw new Error('process killed');
      return result;
    };
    await expect(
      handOverLeaverItems({ drafts: services.drafts, people: services.people, clock }, sun, {
        byId: li,
        via: 'test',
      }),
    ).rejects.toThrow('process killed');
    services.audit.append = append;

    expect(await AuditEventModel.countDocuments({ 'subject.id': draft.id, action: 'draft.handed-over' })).toBe(1);
    expect(await DraftModel.findById(draft.id).lean()).toMatchObject({ revision: 0 });
    expect(await DraftTransitionModel.countDocuments({ draftId: draft.id })).toBe(1);

    clock.set(new Date(clock.now().getTime() + 11_000));
    expect(await services.drafts.completeInterruptedTransitions()).toBe(1);

    const completed = await DraftModel.findById(draft.id).lean();
    expect(completed).toMatchObject({ revision: 1, status: 'in_review', currentStepIndex: 0 });
    expect(completed?.pendingApproverIds.map(String)).toEqual([qian]);
    expect(completed?.steps[0].handovers).toMatchObject([{ cause: 'unbind' }]);
    const requests = await OutboxMessageModel.find({ 'recipient.personId': qian, text: /【待审核】/ }).lean();
    expect(requests.map((message) => message.text)).toEqual([expect.stringContaining('原审核人 孙丽')]);
    expect(await DraftTransitionModel.countDocuments({})).toBe(0);

    // Unbinding again finds nothing left to move on this draft.
    const again = await handOverLeaverItems({ drafts: services.drafts, people: services.people, clock }, sun, {
      byId: li,
      via: 'test',
    });
    expect(again.moved.map((moved) => moved.code)).not.toContain(draft.code);
    expect(await AuditEventModel.countDocuments({ 'subject.id': draft.id, action: 'draft.handed-over' })).toBe(1);
    await services.audit.settle();
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});
