/**
 * What the API does with hostile request bodies before any route sees them: nesting too deep is
 * refused before anything walks it, with or without a token; NUL and other control characters are
 * taken out of every string, as unpaired surrogates are made whole.
 */
import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccountModel } from '../../../src/accounts/account-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { cliToken, startApi } from '../../support/api-harness';
import type { ApiHarness } from '../../support/api-harness';

const clock = new ManualClock('2026-11-02T01:00:00Z');
let services: Services;
let api: ApiHarness;
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  // The production body limit: 1 MB holds a JSON document 100,000 levels deep many times over.
  api = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', http: { bodyLimit: '1mb' } });
  server = api.server;
}, 60_000);

afterAll(async () => {
  server.close();
  await services.audit.settle();
  await disconnectTestDatabase();
});

const bearer = async (name: string) => `Bearer ${(await cliToken(api.tokens, clock, await personId(name))).token}`;
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

async function post(path: string, body: string, authorization?: string) {
  let pending = request(server).post(path).set('content-type', 'application/json');
  if (authorization) pending = pending.set('Authorization', authorization);
  const answer = await pending.send(body);
  return { status: answer.status, code: (answer.body as { error?: { code?: string } }).error?.code, body: answer.body };
}

describe('deeply nested bodies', () => {
  test('when a body nests 100,000 levels deep, then it is refused as too deep, with or without a token, and the server stays up', async () => {
    const admin = await bearer('李静');
    const cases: [string, string, string | undefined][] = [
      ['/api/v1/auth/wechat', nestedArrays(100_000), undefined],
      ['/api/v1/accounts', nestedArrays(100_000), undefined],
      ['/api/v1/accounts', nestedObjects(100_000), admin],
      ['/api/v1/nothing-here', nestedObjects(100_000), admin],
    ];
    for (const [path, body, authorization] of cases) {
      const answer = await post(path, body, authorization);
      expect([path, answer.status, answer.code]).toEqual([path, 400, 'BODY_TOO_DEEP']);
      expect(answer.body.error.message).toMatch(/嵌套/);
    }
    expect((await request(server).get('/healthz')).status).toBe(200);
  });

  test('when a body nests just as deep as allowed, then it is read and judged by the route', async () => {
    const admin = await bearer('李静');
    expect(await post('/api/v1/accounts', nestedArrays(32), admin)).toMatchObject({
      status: 400,
      code: 'REQUEST_INVALID',
    });
    expect(await post('/api/v1/accounts', nestedArrays(33), admin)).toMatchObject({
      status: 400,
      code: 'BODY_TOO_DEEP',
    });
  });
});

describe('control characters in bodies', () => {
  test('when an application carries NUL, escape and carriage-return characters, then they are taken out and tabs and line breaks are kept', async () => {
    const answer = await request(server)
      .post('/api/v1/accounts')
      .set('Authorization', await bearer('李静'))
      .send({
        unitId: await unitId('某县人民政府/县应急管理局'),
        platform: 'weibo',
        name: '应急\u0000发布\u0007',
        purpose: '发布预警\r\n和\u001b[31m科普\u0085\t信息\r第二行\ud83d',
        scope: '本单位\u007f职能范围',
        leaderInChargeId: await personId('王建华'),
        backendAdminId: await personId('刘洋'),
        backendAdminPhone: '0310-7654321',
        openedOn: '2026-11-01',
      });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: '应急发布' });
    const stored = await AccountModel.findById(answer.body.id).lean();
    expect(stored).toMatchObject({
      name: '应急发布',
      purpose: '发布预警\n和[31m科普\t信息\n第二行\ufffd',
      scope: '本单位职能范围',
    });
    const event = await AuditEventModel.findOne({ 'subject.id': answer.body.id }).lean();
    expect(JSON.stringify(event)).not.toMatch(/\\u00(0|1|7f|85)/);
  });
});
