/**
 * Each role against the draft diff and timeline, the dashboard, the audit routes and the people /
 * organisation write routes: an admin whose units hold the draft or person, an admin of another branch,
 * a leader and an officer of the draft, and no token. Out of scope answers 404 (the route or the thing
 * seems not to exist); a refused write leaves the database as it was and records no audit event.
 */
import fs from 'node:fs';
import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { PersonModel } from '../../../src/people/person-model';
import { BindCodeModel } from '../../../src/people/bind-code-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { DelegationModel } from '../../../src/people/delegation-model';
import type { Dashboard } from '../../../src/shared/contracts';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, sampleOrganizationFile, unitId } from '../../support/people-factories';
import { createDraft } from '../../support/factories';
import { startApi, cliToken } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('role-matrix-test-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;
let draftId: string;

/** Who calls: a name from the sample organization, or null for no token. */
const callers = {
  'admin in scope': '李静',
  'admin out of scope': '张伟',
  leader: '孙丽',
  officer: '刘洋',
  unauthenticated: null,
} as const;
type Caller = keyof typeof callers;
const refusedCallers: Caller[] = ['admin out of scope', 'leader', 'officer', 'unauthenticated'];
/** The sample has two people named 张伟: the education bureau's officer is JYJ004. */
const idOf = (name: string) => (name === '张伟' ? personId(name, 'JYJ004') : personId(name));

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  // 张伟 becomes the admin of the education bureau only: the emergency bureau's draft is outside his units.
  await PersonModel.updateOne(
    { _id: await idOf('张伟') },
    { $set: { roles: ['officer', 'admin'], adminOfUnitId: new Types.ObjectId(await unitId('某县人民政府/县教育局')) } },
  );
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;

  const submitterId = new Types.ObjectId(await personId('刘洋'));
  const approverId = new Types.ObjectId(await personId('孙丽'));
  const version = (number: number, body: string) => ({
    number,
    title: '关于开展防汛演练的通知',
    body,
    contentHash: String(number).repeat(64),
    createdById: submitterId,
    createdAt: clock.now(),
  });
  const draft = await createDraft({
    shortCode: 'M7XK',
    unitId: new Types.ObjectId(await unitId('某县人民政府/县应急管理局')),
    submitterId,
    versions: [version(1, '定于周五开展演练。'), version(2, '定于周六上午开展演练。')],
    currentVersion: 2,
    steps: [{ mode: 'any', approverIds: [approverId], status: 'pending' }],
    pendingApproverIds: [approverId],
    createdAt: clock.now(),
    updatedAt: clock.now(),
  } as never);
  draftId = String(draft._id);
  await services.audit.append({
    actor: { personId: String(submitterId), via: 'wechaty:liuyang' },
    action: 'draft.submitted',
    subject: { type: 'draft', id: draftId },
    subjectVersion: 1,
    contentHash: '1'.repeat(64),
  });
}, 60_000);

afterAll(async () => {
  server.close();
  await disconnectTestDatabase();
});

async function call(caller: Caller, method: 'get' | 'post' | 'delete', path: string, body?: object) {
  const name = callers[caller];
  let pending = request(server)[method](`/api/v1${path}`);
  if (name) pending = pending.set('Authorization', `Bearer ${(await cliToken(tokens, clock, await idOf(name))).token}`);
  const answer = await (body ? pending.send(body) : pending);
  return { status: answer.status, code: (answer.body as { error?: { code: string } }).error?.code, body: answer.body };
}

/** Status and error code each caller should get; in-scope answers are checked for their body too. */
type Expected = Record<Caller, [number, string?]>;

const draftReadExpectations: Expected = {
  'admin in scope': [200],
  'admin out of scope': [404, 'DRAFT_NOT_FOUND'],
  leader: [200],
  officer: [200],
  unauthenticated: [401, 'AUTH_REQUIRED'],
};

describe('draft diff and timeline by role', () => {
  test.each(Object.keys(callers) as Caller[])('when %s asks for the diff of versions 1 and 2', async (caller) => {
    const answer = await call(caller, 'get', `/drafts/${draftId}/diff?from=1&to=2`);
    expect([answer.status, answer.code]).toEqual(withCode(draftReadExpectations[caller]));
    if (answer.status === 200) {
      expect(answer.body).toMatchObject({ from: { number: 1 }, to: { number: 2 } });
      expect(JSON.stringify(answer.body.body)).toContain('周六');
    } else {
      expect(JSON.stringify(answer.body)).not.toContain('M7XK');
    }
  });

  test.each(Object.keys(callers) as Caller[])('when %s asks for the timeline', async (caller) => {
    const answer = await call(caller, 'get', `/drafts/M7XK/timeline`);
    expect([answer.status, answer.code]).toEqual(withCode(draftReadExpectations[caller]));
    if (answer.status === 200) {
      expect(answer.body).toMatchObject({
        draftId,
        code: 'M7XK',
        events: [{ action: 'draft.submitted', actor: { name: '刘洋' }, versionNumber: 1 }],
      });
    }
  });
});

describe('dashboard by role', () => {
  test.each(Object.keys(callers) as Caller[])('when %s opens the dashboard', async (caller) => {
    const answer = await call(caller, 'get', '/dashboard');
    if (caller === 'unauthenticated') {
      expect([answer.status, answer.code]).toEqual([401, 'AUTH_REQUIRED']);
      return;
    }
    expect(answer.status).toBe(200);
    const dashboard = answer.body as Dashboard;
    const seesDraft = caller !== 'admin out of scope';
    expect(dashboard.countsByStatus.in_review).toBe(seesDraft ? 1 : 0);
    expect(dashboard.waitingLongest.map((draft) => draft.code)).toEqual(seesDraft ? ['M7XK'] : []);
  });
});

const adminOnly = (adminOutOfScope: [number, string?]): Expected => ({
  'admin in scope': [200],
  'admin out of scope': adminOutOfScope,
  leader: [404, 'ROUTE_NOT_FOUND'],
  officer: [404, 'ROUTE_NOT_FOUND'],
  unauthenticated: [401, 'AUTH_REQUIRED'],
});

describe('audit routes by role', () => {
  const routes: { name: string; method: 'get' | 'post'; path: () => string; expected: Expected }[] = [
    {
      name: 'the events of a draft',
      method: 'get',
      path: () => `/audit/events?subjectType=draft&subjectId=${draftId}`,
      expected: adminOnly([404, 'AUDIT_SUBJECT_NOT_FOUND']),
    },
    // Verifying the whole chain and reading its digests concern the organisation, not one branch.
    { name: 'the chain verification', method: 'post', path: () => '/audit/verify', expected: adminOnly([200]) },
    { name: 'the latest digests', method: 'get', path: () => '/audit/digests', expected: adminOnly([200]) },
  ];
  const cases = routes.flatMap((route) =>
    (Object.keys(callers) as Caller[]).map((caller) => [caller, route.name, route] as const),
  );

  test.each(cases)('when %s asks for %s', async (caller, _name, route) => {
    const answer = await call(caller, route.method, route.path(), route.method === 'post' ? {} : undefined);
    expect([route.name, caller, answer.status, answer.code]).toEqual([
      route.name,
      caller,
      ...withCode(route.expected[caller]),
    ]);
    if (answer.status === 200 && route.path().startsWith('/audit/events')) {
      expect(answer.body.items).toMatchObject([{ action: 'draft.submitted', subject: { id: draftId } }]);
    }
    if (answer.status === 200 && route.name === 'the chain verification') {
      expect(answer.body).toMatchObject({ ok: true, brokenAtSequence: null });
    }
  });
});

interface WriteRoute {
  name: string;
  method: 'post' | 'delete';
  path(): Promise<string>;
  body?(): Promise<object>;
  /** What the route changes, read back from the database. */
  state(): Promise<unknown>;
  adminOutOfScope: [number, string];
  success: number;
}

describe('people and organisation writes by role', () => {
  const id = async (name: string) => personId(name);
  const emergencyRoute = async () =>
    String((await ApprovalRouteModel.findOne({ unitId: await unitId('某县人民政府/县应急管理局') }).lean())?._id);
  const activeDelegation = async () =>
    (await DelegationModel.findOne({ personId: await id('孙丽'), cancelledAt: null }).lean()) ?? null;

  const routes: WriteRoute[] = [
    {
      name: 'a bind code for a person',
      method: 'post',
      path: async () => `/people/${await id('刘洋')}/bind-codes`,
      body: async () => ({}),
      state: async () => BindCodeModel.countDocuments({ personId: await id('刘洋') }),
      adminOutOfScope: [404, 'PERSON_NOT_FOUND'],
      success: 201,
    },
    {
      name: "a person's bindings removed",
      method: 'delete',
      path: async () => `/people/${await id('赵海涛')}/bindings`,
      state: async () => IdentityBindingModel.countDocuments({ personId: await id('赵海涛') }),
      adminOutOfScope: [404, 'PERSON_NOT_FOUND'],
      success: 200,
    },
    {
      name: 'an approval route deleted',
      method: 'delete',
      path: async () => `/approval-routes/${await emergencyRoute()}`,
      state: () => ApprovalRouteModel.countDocuments({}),
      adminOutOfScope: [404, 'APPROVAL_ROUTE_NOT_FOUND'],
      success: 200,
    },
    {
      name: 'a delegation set',
      method: 'post',
      path: async () => '/delegations',
      body: async () => ({
        personId: await id('赵海涛'),
        delegateId: await id('钱卫东'),
        from: '2026-11-27',
        until: '2026-11-30',
      }),
      state: async () => DelegationModel.countDocuments({ personId: await id('赵海涛') }),
      adminOutOfScope: [404, 'PERSON_NOT_FOUND'],
      success: 201,
    },
    {
      name: 'a delegation cancelled',
      method: 'delete',
      path: async () => `/delegations/${String((await activeDelegation())?._id)}`,
      state: async () => (await activeDelegation())?.until.toISOString() ?? null,
      adminOutOfScope: [404, 'DELEGATION_NOT_FOUND'],
      success: 200,
    },
    {
      // Last: it imports the sample again, which makes 张伟 an officer only.
      name: 'the organisation imported',
      method: 'post',
      path: async () => '/organization/import',
      body: async () => ({ format: 'json', content: fs.readFileSync(sampleOrganizationFile, 'utf8') }),
      state: () => AuditEventModel.countDocuments({ action: 'organization.imported' }),
      adminOutOfScope: [403, 'ORGANIZATION_IMPORT_TOP_ADMIN_ONLY'],
      success: 200,
    },
  ];

  beforeAll(async () => {
    // Something for the unbind and the cancellation to act on.
    const { code } = await services.people.createBindCode(await id('赵海涛'), { byId: null });
    await services.people.bindChatIdentity({ code, provider: 'wechaty', externalId: 'zhaohaitao' });
    await services.people.setDelegation({
      personId: await id('孙丽'),
      delegateId: await id('钱卫东'),
      from: clock.now(),
      until: new Date(clock.now().getTime() + 3 * 86_400_000),
      byId: null,
    });
  });

  test.each(routes.map((route) => [route.name, route] as const))(
    'when %s is asked for by each role, then only the admin in scope changes anything',
    async (_name, route) => {
      const expected: Expected = {
        'admin in scope': [route.success],
        'admin out of scope': route.adminOutOfScope,
        leader: [404, 'ROUTE_NOT_FOUND'],
        officer: [404, 'ROUTE_NOT_FOUND'],
        unauthenticated: [401, 'AUTH_REQUIRED'],
      };
      const before = await route.state();
      const events = await AuditEventModel.countDocuments();
      for (const caller of refusedCallers) {
        const answer = await call(caller, route.method, await route.path(), await route.body?.());
        expect([caller, answer.status, answer.code]).toEqual([caller, ...expected[caller]]);
        expect([caller, await route.state(), await AuditEventModel.countDocuments()]).toEqual([caller, before, events]);
      }
      const done = await call('admin in scope', route.method, await route.path(), await route.body?.());
      expect([done.status, done.code]).toEqual([route.success, undefined]);
      expect(await route.state()).not.toEqual(before);
      expect(await AuditEventModel.countDocuments()).toBeGreaterThan(events);
    },
  );
});

function withCode([status, code]: [number, string?]): [number, string | undefined] {
  return [status, code];
}
