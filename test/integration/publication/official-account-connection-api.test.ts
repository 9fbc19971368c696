/**
 * A 微信公众号 account's connection over the API (issue 25, slice C), against the fake platform: only an
 * admin whose scope covers the account sets, tests, shows and removes it; the AppSecret, the Token and
 * the EncodingAESKey are write-only and appear in no answer, log line, export or audit event, and the
 * database holds them only sealed.
 */
import type http from 'node:http';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OfficialAccountConnectionModel } from '../../../src/publication/official-account-connection-model';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { ConnectionView } from '../../../src/shared/contracts';
import type { Services } from '../../../src/services';
import { cliToken, startApi } from '../../support/api-harness';
import { connectTestDatabase, emptyTestDatabase } from '../../support/database';
import { fakePlatformForFile, openEducationAccount } from '../../support/connection-factories';
import { importSampleOrganization, makeAdmin, personId } from '../../support/people-factories';
import { capturingLogger } from '../../support/publication-factories';

const clock = new ManualClock('2026-11-02T02:00:00Z');
const tokens = new AccessTokens('connection-api-test-secret-0123456789abcdef', 3600, clock);
const { logger, lines: logLines } = capturingLogger();
const answers: string[] = [];
let services: Services;
let server: http.Server;

const appId = 'wx1234567890abcdef';
const secrets = {
  appSecret: 'a9f2c7e15b3d4e6f8a0b1c2d3e4f5a6b',
  token: 'ShenfaPushToken2026',
  encodingAesKey: 'Qm9yZGVyc0FyZU5vdEZvclNlY3JldHNLZXlz0123456',
};
const secretValues = Object.values(secrets);
const { platform, apiBaseUrl: platformUrl } = fakePlatformForFile(
  { appId, appSecret: secrets.appSecret },
  { clock, connect: connectTestDatabase },
);

/** The sample has two people named 张伟: the education bureau's officer (JYJ004) becomes its admin here. */
const educationAdmin = () => personId('张伟', 'JYJ004');
let educationAccountId: string;
let weiboAccountId: string;

// Each test starts from the sample organisation with the education bureau's 微信公众号 and 微博, unconnected.
beforeEach(async () => {
  await emptyTestDatabase();
  answers.length = 0;
  logLines.length = 0;
  services = createServices({ clock, logger });
  await importSampleOrganization(services.people);
  await makeAdmin(await educationAdmin(), '某县人民政府/县教育局');
  await makeAdmin(await personId('林小燕'), '某县人民政府/青山镇人民政府');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens, logger }).server;
  educationAccountId = await openEducationAccount(services);
  weiboAccountId = await openEducationAccount(services, 'weibo');
}, 60_000);

afterEach(async () => {
  server.close();
  await services.audit.settle();
  // Whatever a test did, no secret reached an answer or a log line.
  for (const text of [...answers, ...logLines]) for (const secret of secretValues) expect(text).not.toContain(secret);
});

async function call(method: 'get' | 'put' | 'post' | 'delete', callerId: string, path: string, body?: object) {
  const agent = request(server);
  const pending = agent[method](`/api/v1${path}`).set(
    'Authorization',
    `Bearer ${(await cliToken(tokens, clock, callerId)).token}`,
  );
  const answer = await (body ? pending.send(body) : pending);
  answers.push(answer.text);
  return { status: answer.status, code: (answer.body as { error?: { code: string } }).error?.code, body: answer.body };
}

const connectionOf = (accountId: string) => `/accounts/${accountId}/connection`;
const settings = (overrides: object = {}) => ({ appId, apiBaseUrl: platformUrl(), ...secrets, ...overrides });
const connectionEvents = (accountId: string) =>
  AuditEventModel.find({ 'subject.id': accountId, action: /^account\.connection-/ })
    .sort({ _id: 1 })
    .lean();
/** The account's connection set by the admin of its unit, and tested unless said. */
async function connectEducationAccount(options: { test: boolean } = { test: true }) {
  const admin = await educationAdmin();
  expect((await call('put', admin, connectionOf(educationAccountId), settings())).status).toBe(200);
  if (options.test)
    expect((await call('post', admin, `${connectionOf(educationAccountId)}/test`)).body.state).toBe('connected');
}
const rawCollection = (name: string) => mongoose.connection.collection(name).find({}).toArray();

describe('who may touch a connection', () => {
  test('when a branch admin outside the account’s unit sets, tests, shows or removes its connection, then 404 as for an unknown account, and nothing is stored or recorded', async () => {
    const outsider = await personId('林小燕');
    const unknown = new Types.ObjectId().toString();
    for (const [method, suffix, body] of [
      ['put', '', settings()],
      ['post', '/test', undefined],
      ['get', '', undefined],
      ['delete', '', undefined],
    ] as const) {
      const asOutsider = await call(method, outsider, `${connectionOf(educationAccountId)}${suffix}`, body);
      const asUnknown = await call(method, outsider, `${connectionOf(unknown)}${suffix}`, body);
      expect([method, suffix, asOutsider.status, asOutsider.code]).toEqual([method, suffix, 404, 'ACCOUNT_NOT_FOUND']);
      expect(asOutsider.body).toEqual(asUnknown.body);
    }
    expect(await OfficialAccountConnectionModel.countDocuments({ _id: educationAccountId })).toBe(0);
    expect(await connectionEvents(educationAccountId)).toEqual([]);
  });

  test('when an officer or a leader sets a connection, then 404 as for a route they cannot see, and nothing is stored', async () => {
    for (const name of ['蒋明', '吴国庆']) {
      const answer = await call('put', await personId(name), connectionOf(educationAccountId), settings());
      expect([name, answer.status, answer.code]).toEqual([name, 404, 'ROUTE_NOT_FOUND']);
    }
    expect(await OfficialAccountConnectionModel.countDocuments({ _id: educationAccountId })).toBe(0);
  });

  test('when an account is not on 微信公众号, then its connection is refused, saying why', async () => {
    const answer = await call('put', await educationAdmin(), connectionOf(weiboAccountId), settings());
    expect([answer.status, answer.code, answer.body.error.message]).toEqual([
      409,
      'CONNECTION_PLATFORM_UNSUPPORTED',
      '只有微信公众号账号可以连接平台接口',
    ]);
  });
});

describe('setting, testing and removing a connection', () => {
  test('when the admin of the account’s unit sets the connection, then its answer and a later GET show the AppID, the address, the state and which secrets are set, and nothing else', async () => {
    const admin = await educationAdmin();
    const first = await call('put', admin, connectionOf(educationAccountId), settings());
    const shown = await call('get', await personId('李静'), connectionOf(educationAccountId));

    expect(first.status).toBe(200);
    expect(shown.body).toEqual(first.body);
    expect(shown.body).toEqual({
      accountId: educationAccountId,
      state: 'untested',
      stateText: '已保存，尚未测试',
      appId,
      apiBaseUrl: platformUrl(),
      secretsSet: { appSecret: true, token: true, encodingAesKey: true },
      pushPath: `/wechat-official/push/${educationAccountId}`,
      autoPublish: false,
      author: '',
      defaultCoverMediaId: '',
      lastTest: null,
      changedAt: clock.now().toISOString(),
      changedBy: { id: admin, name: '张伟' },
    } satisfies ConnectionView);
  });

  test('when the connection is tested, then the platform hands out a token and it reads 已连接; the trail records set and tested without a secret', async () => {
    await connectEducationAccount({ test: false });
    const tested = await call('post', await educationAdmin(), `${connectionOf(educationAccountId)}/test`);

    expect([tested.status, tested.body.state, tested.body.stateText]).toEqual([200, 'connected', '已连接']);
    expect(tested.body.lastTest).toEqual({
      at: clock.now().toISOString(),
      ok: true,
      message: '已连接：公众号接口已接受本服务器的请求',
    });
    const events = await connectionEvents(educationAccountId);
    expect(events.map((event) => [event.action, event.actor.via])).toEqual([
      ['account.connection-set', 'api'],
      ['account.connection-tested', 'api'],
    ]);
    expect(events[0].details).toEqual({
      appId,
      apiBaseUrl: platformUrl(),
      secretsReplaced: ['AppSecret', 'Token', 'EncodingAESKey'],
      autoPublish: false,
      author: '',
      defaultCoverMediaId: '',
    });
    expect(events[1].details).toEqual({ appId, ok: true, code: 'OK' });
  });

  test('when the platform refuses the server’s IP or the AppSecret, then the test reads 连接失败 with the reason and the setting to fix', async () => {
    await connectEducationAccount();
    const admin = await educationAdmin();
    platform.failNext('stable_token', 40164);
    const refusedIp = await call('post', admin, `${connectionOf(educationAccountId)}/test`);
    expect([refusedIp.body.state, refusedIp.body.stateText]).toEqual(['failed', '连接失败']);
    expect(refusedIp.body.lastTest.message).toContain('IP白名单');

    const wrongSecret = 'b0000000000000000000000000000000';
    await call('put', admin, connectionOf(educationAccountId), settings({ appSecret: wrongSecret }));
    const refusedSecret = await call('post', admin, `${connectionOf(educationAccountId)}/test`);
    expect(refusedSecret.body.lastTest).toMatchObject({
      ok: false,
      message: expect.stringContaining('AppSecret 不正确'),
    });
    expect(JSON.stringify(refusedSecret.body)).not.toContain(wrongSecret);
    const events = await connectionEvents(educationAccountId);
    expect(events.map((event) => [event.action, event.details.code])).toEqual([
      ['account.connection-set', undefined],
      ['account.connection-tested', 'OK'],
      ['account.connection-tested', '40164'],
      ['account.connection-set', undefined],
      ['account.connection-tested', '40125'],
    ]);

    // Put right again, with only the AppSecret: the Token and the AES key stored before are kept.
    const fixed = await call('put', admin, connectionOf(educationAccountId), {
      appId,
      apiBaseUrl: platformUrl(),
      appSecret: secrets.appSecret,
    });
    expect(fixed.body.secretsSet).toEqual({ appSecret: true, token: true, encodingAesKey: true });
    expect((await call('post', admin, `${connectionOf(educationAccountId)}/test`)).body.state).toBe('connected');
  });

  test('when the AppID or the address changes without the AppSecret again, then it is refused and the stored settings stay', async () => {
    await connectEducationAccount();
    const admin = await educationAdmin();
    const before = await OfficialAccountConnectionModel.findById(educationAccountId).lean();
    const moved = await call('put', admin, connectionOf(educationAccountId), {
      appId,
      apiBaseUrl: 'https://collector.example.com',
    });
    expect([moved.status, moved.code]).toEqual([400, 'CONNECTION_SECRET_REQUIRED']);
    expect(await OfficialAccountConnectionModel.findById(educationAccountId).lean()).toEqual(before);
  });

  test('when a secret is malformed, then 400 names the field and the back-office setting without echoing the value', async () => {
    await connectEducationAccount();
    const answer = await call(
      'put',
      await educationAdmin(),
      connectionOf(educationAccountId),
      settings({ token: 'x' }),
    );
    expect([answer.status, answer.code]).toEqual([400, 'REQUEST_INVALID']);
    expect(answer.body.error.message).toBe(
      '请求体 token：Token 应为 3 至 32 位字母或数字，与公众号后台「设置与开发 → 开发接口管理 → 基本配置」“服务器配置”中的一致',
    );
  });
});

describe('where the secrets are kept', () => {
  test('when the stored documents are read raw (the connection, the claims, the audit trail), then no secret is there in clear', async () => {
    await connectEducationAccount();
    const stored = await rawCollection('official_account_connections');
    expect(stored).toHaveLength(1);
    expect(stored[0].sealedAppSecret).toMatch(/^v1\./);
    for (const collection of ['official_account_connections', 'revision_claims', 'audit_events']) {
      const text = JSON.stringify(await rawCollection(collection));
      for (const secret of secretValues) expect([collection, text.includes(secret)]).toEqual([collection, false]);
    }
    // The claims carried the sealed values only until the change was written.
    const claims = await mongoose.connection
      .collection('revision_claims')
      .find({ _id: new RegExp(`^OfficialAccountConnection:${educationAccountId}:`) as never })
      .toArray();
    expect(claims.length).toBeGreaterThan(0);
    expect(JSON.stringify(claims)).not.toContain('v1.');
  });

  test('when the audit trail is exported, then the connection’s events are in it without a secret', async () => {
    await connectEducationAccount();
    const answer = await request(server)
      .get('/api/v1/exports/audit?from=2026-11-01&to=2026-11-30&format=csv')
      .set('Authorization', `Bearer ${(await cliToken(tokens, clock, await personId('李静'))).token}`)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    const csv = answer.body as string;
    answers.push(csv);
    expect(answer.status).toBe(200);
    expect(csv).toContain('account.connection-set');
    for (const secret of secretValues) expect(csv).not.toContain(secret);
  });
});

describe('the ports publishing uses', () => {
  test('when the push endpoint asks for the account’s push secrets, then it gets the AppID, Token and AES key; an unknown account gets none', async () => {
    await connectEducationAccount({ test: false });
    expect(await services.officialAccountConnections.pushSecrets(educationAccountId)).toEqual({
      appId,
      token: secrets.token,
      encodingAesKey: secrets.encodingAesKey,
    });
    expect(await services.officialAccountConnections.pushSecrets(weiboAccountId)).toBeNull();
    expect(await services.officialAccountConnections.pushSecrets('not-an-id')).toBeNull();
  });

  test('when publishing asks for a client twice, then it is the same client with its token cached, and a new one once the settings change', async () => {
    await connectEducationAccount();
    const connections = services.officialAccountConnections;
    const client = await connections.clientFor(educationAccountId);
    expect(client?.appId).toBe(appId);
    const before = platform.tokenRequests;
    await client?.stableToken();
    expect(await connections.clientFor(educationAccountId)).toBe(client);
    await (await connections.clientFor(educationAccountId))?.stableToken();
    expect(platform.tokenRequests - before).toBe(1);

    await call('put', await educationAdmin(), connectionOf(educationAccountId), settings());
    expect(await connections.clientFor(educationAccountId)).not.toBe(client);
    expect(await connections.clientFor(weiboAccountId)).toBeNull();
  });

  test('when the connection is removed, then its secrets are gone, the trail records it, and the ports answer none', async () => {
    await connectEducationAccount();
    const removed = await call('delete', await educationAdmin(), connectionOf(educationAccountId));

    expect(removed.body).toMatchObject({
      state: 'unset',
      stateText: '未连接',
      appId: '',
      secretsSet: { appSecret: false, token: false, encodingAesKey: false },
      lastTest: null,
    });
    const [stored] = await rawCollection('official_account_connections');
    expect([stored.sealedAppSecret, stored.sealedToken, stored.sealedEncodingAesKey]).toEqual(['', '', '']);
    expect(await services.officialAccountConnections.pushSecrets(educationAccountId)).toBeNull();
    expect(await services.officialAccountConnections.clientFor(educationAccountId)).toBeNull();
    const events = await connectionEvents(educationAccountId);
    expect(events.map((event) => event.action)).toEqual([
      'account.connection-set',
      'account.connection-tested',
      'account.connection-removed',
    ]);
    expect(events[2].details).toEqual({ appId });
    // Removing again changes and records nothing.
    await call('delete', await educationAdmin(), connectionOf(educationAccountId));
    expect(await connectionEvents(educationAccountId)).toHaveLength(events.length);
  });

  test('when a connection is set for the first time without every secret, then 400 names the missing ones and nothing is kept', async () => {
    const answer = await call('put', await educationAdmin(), connectionOf(educationAccountId), {
      appId,
      apiBaseUrl: platformUrl(),
      token: secrets.token,
    });
    expect([answer.status, answer.code, answer.body.error.message]).toEqual([
      400,
      'CONNECTION_SECRET_REQUIRED',
      '请填写 AppSecret、EncodingAESKey（首次连接须填写 AppSecret、Token 和 EncodingAESKey）',
    ]);
    expect((await call('get', await educationAdmin(), connectionOf(educationAccountId))).body.state).toBe('unset');
  });
});
