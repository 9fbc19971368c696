/**
 * POST /api/v1/drafts/{reference}/publish (issue 25, slice D) over HTTP against the fake platform: the
 * submitter or an admin whose scope holds the draft publishes it; a leader who can see the draft is
 * refused; an admin of another branch finds no such draft; no token, no access. A refused request sends
 * nothing to the platform and records nothing; the answer never carries a secret.
 */
import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { PublicationModel } from '../../../src/publication/publication-model';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import type { PublicationStartedView } from '../../../src/shared/contracts';
import { cliToken, startApi, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';
import { connectToFakePlatform } from '../../support/publication-factories';
import type { FakeAccountCredentials } from '../../support/publication-factories';

const clock = new ManualClock('2026-12-01T01:00:00Z');
const tokens = new AccessTokens('publish-api-test-secret-0123456789abcdef', 3600, clock);
const platform = new FakeOfficialAccountServer({ clock });
const account: FakeAccountCredentials = {
  appId: 'wx0a1b2c3d4e5f6a7b',
  secrets: {
    appSecret: 'feedface0123feedface4567feedface',
    token: 'PublishApiToken',
    encodingAesKey: 'QXBwcm92ZWRCeXRlc0dvT3V0T25seVRocm91Z2hBUEk',
  },
};
const { appId, secrets } = account;
let services: Services;
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  platform.pushesEnabled = false;
  const apiBaseUrl = await platform.start();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  // 张伟 (JYJ004) becomes the admin of the education bureau only: the emergency bureau is outside his scope.
  await makeAdmin(await personId('张伟', 'JYJ004'), '某县人民政府/县教育局');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
  const opened = await openAccount(services, {
    unit: '县应急管理局',
    name: '应急先锋',
    leader: '王建华',
    admin: '刘洋',
  });
  await connectToFakePlatform(services, platform, { ...account, accountId: String(opened._id), apiBaseUrl });
}, 60_000);

afterAll(async () => {
  await platform.stop();
  await stopApi(server, services);
});

/** A draft of 刘洋's, approved at both steps through the service; its code. */
async function approvedDraft(title: string): Promise<string> {
  const as = async (name: string) => ({ personId: await personId(name), via: 'test' });
  const draft = await services.drafts.submitDraft(await as('刘洋'), { title, body: '各乡镇：请做好防汛准备。' });
  for (const approver of ['孙丽', '赵海涛']) {
    await services.drafts.decide(await as(approver), {
      code: draft.code,
      decision: 'approve',
      comment: '',
      versionNumber: null,
    });
  }
  return draft.code;
}

async function post(code: string, caller: string | null) {
  const call = request(server).post(`/api/v1/drafts/${code}/publish`);
  if (!caller) return call;
  const id = caller === '张伟' ? await personId('张伟', 'JYJ004') : await personId(caller);
  return call.set('authorization', `Bearer ${(await cliToken(tokens, clock, id)).token}`);
}

describe('POST /drafts/{reference}/publish', () => {
  test('when the unit admin publishes an approved draft, then the attempt is answered and goes to the platform', async () => {
    const code = await approvedDraft('接口发布');
    const published = platform.articles.published(appId).length;
    const response = await post(code, '李静');

    expect(response.status).toBe(201);
    const body = response.body as PublicationStartedView;
    expect(body.message).toContain(`已提交发布：#${code} 《接口发布》 → 公众号“应急先锋”`);
    expect(body.publication).toMatchObject({
      code,
      state: 'publishing',
      stateText: '发布中',
      versionNumber: 1,
      failure: null,
      verification: null,
    });
    expect(body.publication.publishId).not.toBe('');
    for (const secret of Object.values(secrets)) expect(JSON.stringify(body)).not.toContain(secret);

    // The check job's run a minute after the submission finds the platform's result.
    const until = new Date(clock.now().getTime() + 60_000);
    await services.publications.checkUnfinished({ after: new Date(until.getTime() - 30_000), until });
    const stored = await PublicationModel.findById(body.publication.id).lean();
    expect(stored).toMatchObject({ state: 'verified', requestedById: new Types.ObjectId(await personId('李静')) });
    expect(platform.articles.published(appId).length).toBe(published + 1);
  });

  test.each([
    ['a leader of the draft', '孙丽', 403, 'NOT_PUBLISHER'],
    ['an admin of another branch', '张伟', 404, 'DRAFT_NOT_FOUND'],
    ['an officer of another unit', '蒋明', 404, 'DRAFT_NOT_FOUND'],
    ['no token', null, 401, 'AUTH_REQUIRED'],
  ])('when %s asks, then it is refused (%p) and nothing is sent or recorded', async (_who, caller, status, code) => {
    const draftCode = await approvedDraft(`拒绝发布${status}`);
    await services.audit.settle();
    const before = {
      events: await AuditEventModel.countDocuments({}),
      publications: await PublicationModel.countDocuments({}),
      articles: platform.articles.published(appId).length,
    };
    const response = await post(draftCode, caller);
    expect([response.status, response.body.error?.code]).toEqual([status, code]);
    await services.audit.settle();
    expect({
      events: await AuditEventModel.countDocuments({}),
      publications: await PublicationModel.countDocuments({}),
      articles: platform.articles.published(appId).length,
    }).toEqual(before);
  });
});
