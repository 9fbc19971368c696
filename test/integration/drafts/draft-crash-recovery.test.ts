/**
 * What a crash between the steps of a draft transition leaves, and how the next request completes it.
 * The chat bot hands a message cut short by a crash to these services again after its restart
 * (see the chat resilience tests); here the services are called directly, with no deliverer running.
 */
import fs from 'node:fs';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { systemClock } from '../../../src/shared/clock';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { DraftModel } from '../../../src/drafts/draft-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { personId, sampleOrganizationFile } from '../../support/people-factories';

const services = createServices({ clock: systemClock, logger: createLogger('silent') });

beforeAll(async () => {
  await connectTestDatabase();
  await services.people.importOrganization(fs.readFileSync(sampleOrganizationFile, 'utf8'), 'json', {});
});
afterAll(async () => {
  await services.audit.settle();
  await disconnectTestDatabase();
});

const actor = async (name: string) => ({ personId: await personId(name), via: 'test' });

describe('draft transitions cut short by a crash', () => {
  test('when the messages of a recorded decision never reached the outbox, then repeating the decision sends them', async () => {
    const draft = await services.drafts.submitDraft(await actor('刘洋'), {
      title: '关于防汛值班的通知',
      body: '各单位做好汛期值班。',
    });
    await services.drafts.decide(await actor('孙丽'), {
      code: draft.code,
      decision: 'approve',
      comment: '',
      versionNumber: null,
    });
    const decisionMessages = { idempotencyKey: new RegExp(`^draft:${draft.id}:r0:`) };
    const sent = await OutboxMessageModel.find(decisionMessages, { idempotencyKey: 1, text: 1 }).lean();
    expect(sent.map((message) => message.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('【待审核】'), expect.stringContaining('等待下一步审核')]),
    );
    // The crash: the state was written, the enqueue never happened.
    await OutboxMessageModel.deleteMany(decisionMessages);

    await expect(
      services.drafts.decide(await actor('孙丽'), {
        code: draft.code,
        decision: 'approve',
        comment: '',
        versionNumber: null,
      }),
    ).resolves.toMatchObject({ alreadyRecorded: true, code: 'DECISION_ALREADY_RECORDED' });

    const again = await OutboxMessageModel.find(decisionMessages, { idempotencyKey: 1, text: 1, status: 1 }).lean();
    expect(again.map(({ idempotencyKey, text }) => ({ idempotencyKey, text }))).toEqual(
      expect.arrayContaining(sent.map(({ idempotencyKey, text }) => ({ idempotencyKey, text }))),
    );
    expect(again).toHaveLength(sent.length);
    expect(await DraftModel.findById(draft.id).lean()).toMatchObject({ currentStepIndex: 1, revision: 1 });
  });

  test('when a submission is handled again, then it completes the stored draft instead of making a second one', async () => {
    const input = { title: '重复处理的投稿', body: '正文。', submissionKey: 'mock:message-7' };
    const first = await services.drafts.submitDraft(await actor('刘洋'), input);
    const again = await services.drafts.submitDraft(await actor('刘洋'), input);

    expect(again).toEqual(first);
    expect(await DraftModel.countDocuments({ 'versions.title': '重复处理的投稿' })).toBe(1);
    const requests = await OutboxMessageModel.countDocuments({
      idempotencyKey: new RegExp(`^draft:${first.id}:created:`),
    });
    expect(requests).toBeGreaterThan(0);
  });
});
