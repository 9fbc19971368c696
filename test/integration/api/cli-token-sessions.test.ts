/**
 * CLI tokens (`npm run admin -- api-token`) are sessions like mini-program logins: the CLI runs as an
 * operator runs it, the API is the real server over HTTP on the same database and secret. Unbinding,
 * `revoke-tokens` and an import that takes the admin role or marks someone as left end them at once;
 * a token that names no session or has no expiry is refused, whoever signed it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { systemClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { LoginSessionModel } from '../../../src/auth/session-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { LoginResponse } from '../../../src/shared/contracts';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { adminCli } from '../../support/admin-cli';
import { personId, sampleOrganizationFile } from '../../support/people-factories';
import { startApi, startFakeWechat } from '../../support/api-harness';

const jwtSecret = 'cli-token-sessions-test-secret-0123456789';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-cli-tokens-'));
let runAdmin: ReturnType<typeof adminCli>;
let services: Services;
let server: http.Server;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;

interface OrganizationFile {
  people: { name: string; code?: string; roles: string[]; adminOf?: string; active?: boolean }[];
}

/** The sample organization, with admins of three departments besides 李静, changed by `change`. */
function organizationFile(change: (person: OrganizationFile['people'][number]) => object = (person) => person) {
  const file = JSON.parse(fs.readFileSync(sampleOrganizationFile, 'utf8')) as OrganizationFile;
  const departmentAdmins: Record<string, string> = {
    ZFB003: '某县人民政府/县政府办公室',
    YJJ005: '某县人民政府/县应急管理局',
    JYJ003: '某县人民政府/县教育局',
    JYJ004: '某县人民政府/县教育局',
  };
  file.people = file.people.map((person) => {
    const adminOf = person.code ? departmentAdmins[person.code] : undefined;
    return change(adminOf ? { ...person, roles: [...person.roles, '管理员'], adminOf } : person) as typeof person;
  });
  const written = path.join(scratch, `organization-${randomUUID()}.json`);
  fs.writeFileSync(written, JSON.stringify(file));
  return written;
}

beforeAll(async () => {
  wechat = await startFakeWechat();
  runAdmin = adminCli({ databaseName: await connectTestDatabase(), jwtSecret });
  services = createServices({ clock: systemClock, logger: createLogger('silent') });
  // The CLI and this API share the secret, as on one server.
  server = startApi(services, {
    wechatBaseUrl: wechat.baseUrl,
    tokens: new AccessTokens(jwtSecret, 3600, systemClock),
  }).server;
  await services.people.importOrganization(fs.readFileSync(organizationFile(), 'utf8'), 'json', { byId: null });
}, 60_000);

afterAll(async () => {
  server.close();
  await Promise.all([wechat.close(), services.audit.settle()]);
  fs.rmSync(scratch, { recursive: true, force: true });
  await disconnectTestDatabase();
});

/** `npm run admin -- api-token <person>`: the token (the output's second line) and the whole output. */
async function tokenFromCli(person: string): Promise<{ token: string; output: string }> {
  const run = await runAdmin('api-token', person, '--by', '李静');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return { token: run.stdout.split('\n')[1], output: run.stdout };
}

const me = (token: string) => request(server).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
const listPeople = (token: string) => request(server).get('/api/v1/people').set('Authorization', `Bearer ${token}`);

test('when an admin asks the CLI for a token, then the API accepts it, a CLI session is stored, and the CLI says when it expires and how to end it', async () => {
  const { token, output } = await tokenFromCli('ZFB003');

  expect((await me(token).expect(200)).body.person.name).toBe('蒋明');
  expect(output).toMatch(/^接口令牌（蒋明，有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}，北京时间）：\n/);
  expect(output).toContain('npm run admin -- revoke-tokens ZFB003');
  const sessions = await LoginSessionModel.find({ personId: await personId('蒋明') }).lean();
  expect(sessions).toEqual([
    expect.objectContaining({ kind: 'cli', revokedAt: null, expiresAt: expect.any(Date) as Date }),
  ]);
  const issued = await AuditEventModel.findOne({
    action: 'admin.api-token-issued',
    'subject.id': await personId('蒋明'),
  }).lean();
  expect(issued?.details).toMatchObject({ sessionId: sessions[0]._id });
});

test('when an admin unbinds the person through the API, then the person’s CLI token is refused with 401 AUTH_SESSION_ENDED', async () => {
  const { token } = await tokenFromCli('ZFB003');
  const admin = await tokenFromCli('李静');
  await me(token).expect(200);

  await request(server)
    .delete(`/api/v1/people/${await personId('蒋明')}/bindings`)
    .set('Authorization', `Bearer ${admin.token}`)
    .expect(200);

  const refused = await me(token).expect(401);
  expect(refused.body.error).toEqual({ code: 'AUTH_SESSION_ENDED', message: '登录已退出或已失效，请重新登录' });
  const sessions = await LoginSessionModel.find({ personId: await personId('蒋明') }).lean();
  expect(sessions.map((session) => session.revokedReason)).toEqual(sessions.map(() => 'unbound'));
  await me(admin.token).expect(200);
});

test('when revoke-tokens names a person, then their CLI token and mini-program login both end, it says how many, and the trail records it', async () => {
  const { token } = await tokenFromCli('YJJ005');
  const { code } = await services.people.createMiniProgramBindCode(await personId('刘洋'));
  const login = (
    await request(server).post('/api/v1/auth/bind').send({ code: 'code-openid-liu', bindCode: code }).expect(200)
  ).body as LoginResponse;
  await me(token).expect(200);
  await me(login.accessToken).expect(200);

  const run = await runAdmin('revoke-tokens', '刘洋', '--by', '李静');

  expect(run).toEqual({
    code: 0,
    stdout: '已作废 刘洋 的 2 个登录（接口令牌与小程序登录）：持有者须重新领取令牌或重新登录。\n',
    stderr: '',
  });
  expect((await me(token).expect(401)).body.error.code).toBe('AUTH_SESSION_ENDED');
  expect((await me(login.accessToken).expect(401)).body.error.code).toBe('AUTH_SESSION_ENDED');
  await request(server).post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken }).expect(401);
  const liu = await personId('刘洋');
  const sessions = await LoginSessionModel.find({ personId: liu }).lean();
  expect(sessions.map((session) => [session.kind, session.revokedReason]).sort()).toEqual([
    ['cli', 'revoked'],
    ['mini-program', 'revoked'],
  ]);
  const event = await AuditEventModel.findOne({ action: 'admin.api-tokens-revoked' }).lean();
  expect(event).toMatchObject({
    actor: { via: 'cli' },
    subject: { type: 'person', id: liu },
    details: { name: '刘洋', sessions: 2 },
  });
  expect(String(event?.actor.personId)).toBe(await personId('李静'));

  const again = await runAdmin('revoke-tokens', 'YJJ005');
  expect(again).toMatchObject({ code: 0, stdout: '刘洋 没有有效的接口令牌或小程序登录。\n' });
});

test('when an import makes an admin an officer or marks one as left, then their CLI tokens end at once', async () => {
  const demoted = await tokenFromCli('JYJ003');
  const leaving = await tokenFromCli('JYJ004');
  await listPeople(demoted.token).expect(200);
  await listPeople(leaving.token).expect(200);

  const file = organizationFile((person) => {
    if (person.code === 'JYJ003') return { ...person, roles: ['审核领导'], adminOf: undefined };
    if (person.code === 'JYJ004') return { ...person, active: false };
    return person;
  });
  expect(await runAdmin('import', file, '--by', '李静')).toMatchObject({ code: 0, stderr: '' });

  for (const token of [demoted.token, leaving.token]) {
    expect((await listPeople(token).expect(401)).body.error.code).toBe('AUTH_SESSION_ENDED');
  }
  const reasons = async (id: string) =>
    (await LoginSessionModel.find({ personId: id }).lean()).map((session) => session.revokedReason);
  expect(await reasons(await personId('冯涛'))).toEqual(['admin-removed']);
  expect(await reasons(await personId('张伟', 'JYJ004'))).toEqual(['left']);
});

describe('a token the secret signed but that lacks a claim', () => {
  /** Signed as AccessTokens signs, with the same secret; `omit` drops claims. */
  async function handSigned(omit: ('exp' | 'iat' | 'sid' | 'sub')[]): Promise<string> {
    const { token } = await tokenFromCli('李静');
    const claims = jwt.decode(token) as Record<string, unknown>;
    for (const claim of omit) delete claims[claim];
    return jwt.sign(claims, jwtSecret, { algorithm: 'HS256', noTimestamp: !('iat' in claims) });
  }

  test('when it has every claim, then it is accepted (the hand signing is right)', async () => {
    await me(await handSigned([])).expect(200);
  });

  test.each([
    ['no expiry (exp)', ['exp'] as const],
    ['no issue time (iat)', ['iat'] as const],
    ['no session (sid), as the CLI of earlier versions issued', ['sid'] as const],
    ['no person (sub)', ['sub'] as const],
  ])('when it has %s, then it is refused with 401 AUTH_TOKEN_INVALID', async (_name, omit) => {
    const refused = await me(await handSigned([...omit])).expect(401);
    expect(refused.body.error).toEqual({ code: 'AUTH_TOKEN_INVALID', message: '登录凭证无效，请重新登录' });
  });
});
