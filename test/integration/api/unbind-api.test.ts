/**
 * DELETE /api/v1/people/:id/bindings for a person who left: the same unbind as chat and the CLI, so
 * their pending approval items move to the step's backup.
 */
import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { DraftModel } from '../../../src/drafts/draft-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { startApi, startFakeWechat, cliToken } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('unbind-api-test-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  wechat = await startFakeWechat();
  server = startApi(services, { wechatBaseUrl: wechat.baseUrl, tokens }).server;
}, 60_000);

afterAll(async () => {
  server.close();
  await wechat.close();
  await services.audit.settle();
  await disconnectTestDatabase();
});

test('when an admin unbinds an approver who left through the API, then the pending draft moves to the backup and the answer says so', async () => {
  const draft = await services.drafts.submitDraft(
    { personId: await personId('刘洋'), via: 'test' },
    { title: '关于接口解绑的通知', body: '正文。' },
  );
  const [sun, qian, li] = await Promise.all([personId('孙丽'), personId('钱卫东'), personId('李静')]);

  const response = await request(server)
    .delete(`/api/v1/people/${sun}/bindings`)
    .set('Authorization', `Bearer ${(await cliToken(tokens, clock, li)).token}`)
    .expect(200);

  expect(response.body).toEqual({
    person: { id: sun, name: '孙丽' },
    bindingsRemoved: 0,
    movedDrafts: [{ code: draft.code, to: [{ id: qian, name: '钱卫东' }] }],
    unassignedDrafts: [],
  });
  expect((await DraftModel.findById(draft.id).lean())?.pendingApproverIds.map(String)).toEqual([qian]);
  const requests = await OutboxMessageModel.find({ 'recipient.personId': qian, text: /【待审核】/ }).lean();
  expect(requests.map((message) => message.text)).toEqual([expect.stringContaining(`#${draft.code}`)]);
  const toAdmin = await OutboxMessageModel.find({ 'recipient.personId': li, text: /孙丽 已解绑。/ }).lean();
  expect(toAdmin.map((message) => message.text)).toEqual([expect.stringContaining(`#${draft.code} → 钱卫东`)]);
});
