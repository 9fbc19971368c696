import type http from 'node:http';
import request from 'supertest';
import ExcelJS from 'exceljs';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { LoginSessionModel } from '../../../src/auth/session-model';
import type { DraftListPage, LoginResponse } from '../../../src/shared/contracts';
import { draftExportColumns } from '../../../src/shared/contracts/exports';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { createDraft } from '../../support/factories';
import { startApi, startFakeWechat, cliToken } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('admin-api-test-secret-0123456789abcdef', 3600, clock);
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
  await disconnectTestDatabase();
});

const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await personId(name))).token}`;

async function loginAs(name: string, openid: string): Promise<LoginResponse> {
  const { code } = await services.people.createMiniProgramBindCode(await personId(name));
  const response = await request(server)
    .post('/api/v1/auth/bind')
    .send({ code: `code-${openid}`, bindCode: code });
  expect(response.status).toBe(200);
  return response.body as LoginResponse;
}

describe('mini-program login', () => {
  test('when an unbound WeChat user logs in, then 403 explains how to bind, and after binding the login works', async () => {
    const refused = await request(server).post('/api/v1/auth/wechat').send({ code: 'code-openid-new' }).expect(403);
    expect(refused.body.error.code).toBe('MINI_PROGRAM_NOT_BOUND');
    expect(refused.body.error.message).toContain('小程序绑定');

    const bound = await loginAs('李静', 'openid-new');
    expect(bound.person.name).toBe('李静');
    const login = await request(server).post('/api/v1/auth/wechat').send({ code: 'code-openid-new' }).expect(200);
    const me = await request(server)
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${(login.body as LoginResponse).accessToken}`)
      .expect(200);
    expect(me.body.person.name).toBe('李静');
    const actions = (await AuditEventModel.find({ 'actor.via': 'mini-program:openid-new' }).lean()).map(
      (e) => e.action,
    );
    expect(actions).toEqual(['session.login-refused', 'session.login', 'session.login']);
    expect(await AuditEventModel.countDocuments({ action: 'identity.bound', 'actor.via': 'wx-test:openid-new' })).toBe(
      1,
    );
  });

  test('when a bind code is used twice, then the second use is refused', async () => {
    const { code } = await services.people.createMiniProgramBindCode(await personId('孙丽'));
    await request(server).post('/api/v1/auth/bind').send({ code: 'code-openid-sl', bindCode: code }).expect(200);
    const again = await request(server).post('/api/v1/auth/bind').send({ code: 'code-openid-other', bindCode: code });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('BIND_CODE_USED');
  });

  test('when a refresh token is used again after rotation, then the whole session is revoked', async () => {
    const first = await loginAs('刘洋', 'openid-ly');
    const second = (
      await request(server).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    ).body as LoginResponse;
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reuse = await request(server)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    expect(reuse.body.error.code).toBe('AUTH_REFRESH_REUSED');
    await request(server).post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    const revoked = await request(server)
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${second.accessToken}`)
      .expect(401);
    expect(revoked.body.error.code).toBe('AUTH_SESSION_ENDED');
    expect(await AuditEventModel.countDocuments({ action: 'session.refresh-reused' })).toBe(1);
  });

  test('when a user logs out, then their access token stops working', async () => {
    const session = await loginAs('王建华', 'openid-wjh');
    await request(server).post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await request(server).get('/api/v1/me').set('Authorization', `Bearer ${session.accessToken}`).expect(401);
    expect(await LoginSessionModel.countDocuments({ revokedReason: 'logout' })).toBe(1);
  });

  test('when a token is unsigned (alg none) or signed with another key, then it is refused', async () => {
    const none = jwt.sign({ sub: await personId('李静'), iss: 'shenfa', aud: 'shenfa-admin-api' }, '', {
      algorithm: 'none',
    });
    const answer = await request(server).get('/api/v1/me').set('Authorization', `Bearer ${none}`).expect(401);
    expect(answer.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });
});

describe('validation and roles', () => {
  test('when a body carries an operator or an unknown field, then it is refused with 400 and nothing is looked up', async () => {
    const operator = await request(server)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: { $gt: '' } })
      .expect(400);
    expect(operator.body.error.code).toBe('REQUEST_INVALID');
    const unknown = await request(server)
      .get('/api/v1/drafts?status=in_review&extra=1')
      .set('Authorization', await bearer('李静'))
      .expect(400);
    expect(unknown.body.error.message).toContain('extra');
    const oversized = await request(server)
      .post('/api/v1/auth/wechat')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ code: 'x'.repeat(100_000) }))
      .expect(413);
    expect(oversized.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('when an officer or a leader calls an admin route, then it does not exist for them (404)', async () => {
    for (const name of ['刘洋', '王建华']) {
      for (const path of [
        '/api/v1/people',
        '/api/v1/units',
        '/api/v1/approval-routes',
        '/api/v1/delegations',
        '/api/v1/audit/digests',
      ]) {
        const answer = await request(server)
          .get(path)
          .set('Authorization', await bearer(name));
        expect([name, path, answer.status]).toEqual([name, path, 404]);
      }
    }
    await request(server)
      .get('/api/v1/units')
      .set('Authorization', await bearer('李静'))
      .expect(200);
  });

  test('when the OpenAPI document is asked for, then it lists the routes with their schemas', async () => {
    const document = await request(server).get('/api/v1/openapi.json').expect(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/drafts', '/drafts/{reference}/timeline', '/exports/drafts']),
    );
    expect(document.headers['x-content-type-options']).toBe('nosniff');
    // The list links to the routes that take one of its drafts, so API fuzzing reaches them with real ids.
    expect(document.body.paths['/drafts'].get.responses['200'].links).toMatchObject({
      getDraftsReferenceTimeline: {
        operationId: 'getDraftsReferenceTimeline',
        parameters: { reference: '$response.body#/items/0/id' },
      },
    });
    const operationIds = new Set(
      Object.values(document.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
        (operations) => Object.values(operations).map((operation) => operation.operationId),
      ),
    );
    const linked = Object.values(
      document.body.paths as Record<string, Record<string, { responses: Record<string, { links?: object }> }>>,
    ).flatMap((operations) =>
      Object.values(operations).flatMap((operation) =>
        Object.values(operation.responses).flatMap((response) =>
          Object.values((response.links ?? {}) as Record<string, { operationId: string }>),
        ),
      ),
    );
    expect(linked.length).toBeGreaterThan(10);
    for (const link of linked) expect(operationIds).toContain(link.operationId);
  });

  test('when each /auth route is refused for a bad credential, then it answers a status the OpenAPI document lists for it', async () => {
    const document = (await request(server).get('/api/v1/openapi.json').expect(200)).body as {
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
    };
    const unknownRefreshToken = 'r'.repeat(43);
    const calls: [string, object, number][] = [
      // WeChat says the login code is invalid (the fake answers errcode 40029 for it).
      ['/auth/wechat', { code: 'bad-code' }, 401],
      ['/auth/bind', { code: 'bad-code', bindCode: '123456' }, 401],
      ['/auth/refresh', { refreshToken: unknownRefreshToken }, 401],
      // Logging out with an unknown token changes nothing and says nothing about it.
      ['/auth/logout', { refreshToken: unknownRefreshToken }, 204],
    ];
    for (const [path, body, status] of calls) {
      const answer = await request(server).post(`/api/v1${path}`).send(body);
      expect([path, answer.status]).toEqual([path, status]);
      expect([path, Object.keys(document.paths[path].post.responses)]).toEqual([
        path,
        expect.arrayContaining([String(status)]),
      ]);
    }
    expect(Object.keys(document.paths['/auth/logout'].post.responses)).not.toContain('401');
  });
});

describe('drafts list and exports', () => {
  test('when 200 drafts are inserted while an admin pages through, then no draft is skipped or shown twice', async () => {
    const unit = new Types.ObjectId(await unitId('某县人民政府/县应急管理局'));
    const before: string[] = [];
    for (let index = 0; index < 45; index += 1) {
      clock.advance(1000);
      before.push(
        String((await createDraft({ unitId: unit, updatedAt: clock.now(), createdAt: clock.now() } as never))._id),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const answer = await request(server)
        .get(`/api/v1/drafts?limit=10&unitId=${String(unit)}${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', await bearer('李静'))
        .expect(200);
      const page = answer.body as DraftListPage;
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      for (let index = 0; index < 40 && inserted < 200; index += 1, inserted += 1) {
        clock.advance(1000);
        await createDraft({ unitId: unit, updatedAt: clock.now(), createdAt: clock.now() } as never);
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => before.includes(id)).sort()).toEqual([...before].sort());
  }, 120_000);

  test('when an admin exports drafts as CSV and XLSX, then the files read back with Chinese headers and an audit event', async () => {
    const range = 'from=2026-11-01&to=2026-12-31';
    const csv = await request(server)
      .get(`/api/v1/exports/drafts?${range}&format=csv`)
      .set('Authorization', await bearer('李静'))
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      })
      .expect(200);
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(draftExportColumns.join(','));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1].split(',')[1]).toBe('关于开展安全生产检查的通知');

    const xlsx = await request(server)
      .get(`/api/v1/exports/drafts?${range}&format=xlsx`)
      .set('Authorization', await bearer('李静'))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, ...draftExportColumns]);
    expect(sheet.getRow(2).getCell(2).value).toBe('关于开展安全生产检查的通知');
    expect(sheet.rowCount).toBe(lines.length);
    expect(await AuditEventModel.countDocuments({ action: 'export.created' })).toBe(2);
  }, 120_000);
});
