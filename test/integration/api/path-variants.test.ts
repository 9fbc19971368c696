/**
 * Every route of the OpenAPI document asked for under another spelling of its path — other letter
 * case, a trailing slash, a doubled slash, a percent-encoded letter — with no token: the token check
 * answers before any handler runs, the same whether the thing named exists or not, and the auth
 * routes' rate limit counts every spelling of /auth.
 */
import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { AnnualReviewModel } from '../../../src/annual-review/annual-review-model';
import { DelegationModel } from '../../../src/people/delegation-model';
import { AuthAttemptModel } from '../../../src/auth/auth-attempt-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { openAccount } from '../../support/registry-factories';
import { cliToken, startApi, startFakeWechat } from '../../support/api-harness';
import type { ApiHarness } from '../../support/api-harness';

const clock = new ManualClock('2026-11-02T01:00:00Z');
let services: Services;
let api: ApiHarness;
let server: http.Server;
let limited: http.Server;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;
/** Path parameter values naming things that exist, by the route's first segment. */
const existing: Record<string, string> = {};
const missing: Record<string, string> = {
  drafts: 'ZZZZ',
  accounts: String(new Types.ObjectId()),
  'annual-reviews': String(new Types.ObjectId()),
  'approval-routes': String(new Types.ObjectId()),
  delegations: String(new Types.ObjectId()),
  people: String(new Types.ObjectId()),
  units: String(new Types.ObjectId()),
  calendar: '2031-01-01',
};

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  const account = await openAccount(services, {
    unit: '县应急管理局',
    name: '应急发布',
    leader: '王建华',
    admin: '刘洋',
  });
  await services.annualReviews.runDailyDuties('2026-11-01');
  const draft = await services.drafts.submitDraft(
    { personId: await personId('刘洋'), via: 'test' },
    { title: '关于开展防汛演练的通知', body: '定于周五上午开展防汛演练。' },
  );
  await services.people.setDelegation({
    personId: await personId('孙丽'),
    delegateId: await personId('钱卫东'),
    from: new Date('2026-11-03T00:00:00Z'),
    until: new Date('2026-11-10T00:00:00Z'),
    byId: null,
  });
  Object.assign(existing, {
    drafts: draft.code,
    accounts: String(account._id),
    'annual-reviews': String((await AnnualReviewModel.findOne({}).lean())?._id),
    'approval-routes': String((await ApprovalRouteModel.findOne({}).lean())?._id),
    delegations: String((await DelegationModel.findOne({}).lean())?._id),
    people: await personId('李静'),
    units: await unitId('某县人民政府/县应急管理局'),
    calendar: '2026-10-01',
  });
  wechat = await startFakeWechat();
  api = startApi(services, { wechatBaseUrl: wechat.baseUrl });
  server = api.server;
  limited = startApi(services, { wechatBaseUrl: wechat.baseUrl, http: { authRateLimitPerMinute: 4 } }).server;
}, 60_000);

afterAll(async () => {
  server.close();
  limited.close();
  await wechat.close();
  await services.audit.settle();
  await disconnectTestDatabase();
});

/** Other spellings of an /api/v1 path. */
const variants: [string, (path: string) => string][] = [
  ['the prefix in capitals', (path) => path.replace('/api/v1', '/API/v1')],
  ['the version in capitals', (path) => path.replace('/api/v1', '/api/V1')],
  [
    'the route in capitals',
    (path) => path.replace(/^\/api\/v1\/(\w)/, (_match, letter: string) => `/api/v1/${letter.toUpperCase()}`),
  ],
  ['everything in capitals', (path) => path.toUpperCase()],
  ['a trailing slash', (path) => `${path}/`],
  ['a leading double slash', (path) => `/${path}`],
  ['a double slash after the prefix', (path) => path.replace('/api/v1/', '/api/v1//')],
  ['a double slash inside the prefix', (path) => path.replace('/api/v1', '/api//v1')],
  [
    'a percent-encoded letter in the route',
    (path) =>
      path.replace(/^\/api\/v1\/(\w)/, (_match, letter: string) => `/api/v1/%${letter.charCodeAt(0).toString(16)}`),
  ],
  ['a percent-encoded letter in the prefix', (path) => path.replace('/api/v1', '/%61pi/v1')],
];

interface DocumentedRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  public: boolean;
}

async function documentedRoutes(): Promise<DocumentedRoute[]> {
  const document = (await request(server).get('/api/v1/openapi.json').expect(200)).body as {
    paths: Record<string, Record<string, { security: unknown[] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method as DocumentedRoute['method'],
      path,
      public: operation.security.length === 0,
    })),
  );
}

/** The route's path with each {parameter} filled in from `values` (by the route's first segment). */
function fill(path: string, values: Record<string, string>): string {
  const resource = path.split('/')[1];
  return `/api/v1${path.replace(/\{\w+\}/g, () => encodeURIComponent(values[resource] ?? 'x'))}`;
}

describe('paths spelled differently, without a token', () => {
  test('when every documented route is called under each other spelling, then the token is asked for and existing and missing things look alike', async () => {
    const routes = await documentedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const unexpected: string[] = [];
    let calls = 0;
    for (const route of routes) {
      for (const [variantName, spell] of variants) {
        const answers: string[] = [];
        for (const values of [existing, missing]) {
          const pending = request(server)[route.method](spell(fill(route.path, values)));
          const answer = await (route.method === 'get' ? pending : pending.send({}));
          answers.push(`${answer.status} ${(answer.body as { error?: { code?: string } }).error?.code}`);
          calls += 1;
        }
        // Never a handler without the token check: the answer is the token check's, for the thing that
        // exists exactly as for the one that does not.
        if (answers.some((answer) => answer !== '401 AUTH_REQUIRED')) {
          unexpected.push(`${route.method} ${route.path} with ${variantName}: ${answers.join(' / ')}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(calls).toBe(routes.length * variants.length * 2);
  });

  test('when a route is called under its own spelling without a token, then only the public ones answer', async () => {
    for (const route of await documentedRoutes()) {
      if (route.public) continue;
      const answer = await request(server)[route.method](fill(route.path, existing));
      expect([route.method, route.path, answer.status, answer.body.error?.code]).toEqual([
        route.method,
        route.path,
        401,
        'AUTH_REQUIRED',
      ]);
    }
  });

  test('when an admin with a token calls a route under another spelling, then no route answers to it', async () => {
    const bearer = `Bearer ${(await cliToken(api.tokens, clock, await personId('李静'))).token}`;
    const path = `/api/v1/drafts/${existing.drafts}`;
    expect((await request(server).get(path).set('Authorization', bearer)).status).toBe(200);
    for (const [, spell] of variants) {
      const answer = await request(server).get(spell(path)).set('Authorization', bearer);
      expect([spell(path), answer.status, answer.body.error?.code]).toEqual([spell(path), 404, 'ROUTE_NOT_FOUND']);
    }
  });

  test('when /auth is called under other spellings, then each call counts toward the per-minute limit', async () => {
    await AuthAttemptModel.deleteMany({});
    const login = (path: string) => request(limited).post(path).send({ code: 'code-openid-stranger' });
    const spellings = ['/API/v1/auth/wechat', '/api/v1/AUTH/wechat', '/api/v1/auth/%77echat', '//api/v1/auth/wechat/'];
    for (const path of spellings) expect((await login(path)).status).toBe(401);
    const refused = await login('/api/v1/auth/wechat');
    expect([refused.status, refused.body.error.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(wechat.calls).toBe(0);
    expect(await AuthAttemptModel.countDocuments({ key: /^auth-ip:/ })).toBe(4);
  });
});
