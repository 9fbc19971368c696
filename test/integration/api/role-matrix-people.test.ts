/**
 * The role × route matrix along its person-target axis (issue 21, finding 1): an admin acts on a person
 * (bind code, unbinding, delegations) only when the admin's scope covers every unit of the person and,
 * for an admin, reaches strictly above the person's own scope. A target of wider or equal scope (the
 * top admin, another admin of the same unit, the caller themselves) and a person with a unit outside
 * answer 404 as an unknown person does, change nothing and record no audit event; a narrower admin and
 * an officer inside are acted on. A delegate need only belong to the caller's units.
 */
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
import { DelegationModel } from '../../../src/people/delegation-model';
import { connectTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId, unitId } from '../../support/people-factories';
import { cliToken, startApi, stopApi } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('role-matrix-people-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;

/**
 * The people of the sample organisation this file uses, by a name that says where they stand. The
 * sample has two people named 张伟: the town office's officer is QSZ002.
 */
const people = {
  topAdmin: ['李静'],
  officeAdmin: ['蒋明'],
  officeLeader: ['周立新'],
  townAdmin: ['林小燕'],
  otherTownAdmin: ['黄德明'],
  townOfficeAdmin: ['马骏'],
  townOfficer: ['张伟', 'QSZ002'],
  outsideOfficer: ['刘洋'],
  partlyOutside: ['两地兼职'],
} as const;
type Who = keyof typeof people;
const idOf = (who: Who) => personId(...(people[who] as unknown as [string, string?]));
const nameOf = (who: Who) => people[who][0];

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  const makeAdminOf = async (who: Who, unitPath: string) => makeAdmin(await idOf(who), unitPath);
  // Branch admins: of the county office (where the top admin sits), of the town (twice), of the town's office.
  await makeAdminOf('officeAdmin', '某县人民政府/县政府办公室');
  await makeAdminOf('townAdmin', '某县人民政府/青山镇人民政府');
  await makeAdminOf('otherTownAdmin', '某县人民政府/青山镇人民政府');
  await makeAdminOf('townOfficeAdmin', '某县人民政府/青山镇人民政府/党政办公室');
  // Someone who works in the town's office and at the emergency bureau.
  await PersonModel.create({
    name: '两地兼职',
    roles: ['officer'],
    unitIds: [
      new Types.ObjectId(await unitId('某县人民政府/青山镇人民政府/党政办公室')),
      new Types.ObjectId(await unitId('某县人民政府/县应急管理局')),
    ],
  });
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(() => stopApi(server, services));

async function call(caller: Who, method: 'post' | 'delete', path: string, body?: object) {
  const { token } = await cliToken(tokens, clock, await idOf(caller));
  const pending = request(server)[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
  const answer = await (body ? pending.send(body) : pending);
  return {
    status: answer.status,
    code: (answer.body as { error?: { code: string } }).error?.code,
    text: JSON.stringify(answer.body),
  };
}

describe('a branch admin and the top admin', () => {
  test("when the county office's admin asks for the top admin's bind code, then 404 as for an unknown person and no bind code is stored", async () => {
    const topAdmin = await idOf('topAdmin');
    const events = await AuditEventModel.countDocuments();

    const answer = await call('officeAdmin', 'post', `/people/${topAdmin}/bind-codes`, {});
    const unknown = await call('officeAdmin', 'post', `/people/${new Types.ObjectId().toString()}/bind-codes`, {});

    expect([answer.status, answer.code]).toEqual([404, 'PERSON_NOT_FOUND']);
    expect(answer.text).toBe(unknown.text);
    expect(answer.text).not.toContain('李静');
    expect(await BindCodeModel.countDocuments({ personId: topAdmin })).toBe(0);
    expect(await AuditEventModel.countDocuments()).toBe(events);

    // The office's own leader is still theirs to look after.
    const leader = await call('officeAdmin', 'post', `/people/${await idOf('officeLeader')}/bind-codes`, {});
    expect([leader.status, leader.text]).toEqual([201, expect.stringContaining('周立新')]);
  });
});

describe('the people list says whom the admin may act on', () => {
  test("when the town admin lists the town's people, then only those of narrower scope and wholly inside are manageable", async () => {
    const { token } = await cliToken(tokens, clock, await idOf('townAdmin'));
    const answer = await request(server).get('/api/v1/people?limit=100').set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(200);
    const listed = new Map(
      (answer.body as { items: { id: string; manageable: boolean }[] }).items.map((item) => [item.id, item.manageable]),
    );
    const expected: [Who, boolean][] = [
      ['otherTownAdmin', false],
      ['townAdmin', false],
      ['partlyOutside', false],
      ['townOfficeAdmin', true],
      ['townOfficer', true],
    ];
    for (const [who, manageable] of expected) expect([who, listed.get(await idOf(who))]).toEqual([who, manageable]);
  });
});

/** Who acts on whom, and what the rule says: may the caller act on the target, and are all the target's units theirs. */
interface Pairing {
  caller: Who;
  target: Who;
  stands: string;
  mayAct: boolean;
  unitsInScope: boolean;
}

const pairings: Pairing[] = [
  { caller: 'townAdmin', target: 'topAdmin', stands: 'of wider scope', mayAct: false, unitsInScope: false },
  { caller: 'townAdmin', target: 'otherTownAdmin', stands: 'of equal scope', mayAct: false, unitsInScope: true },
  { caller: 'townAdmin', target: 'townAdmin', stands: 'themselves', mayAct: false, unitsInScope: true },
  { caller: 'townAdmin', target: 'townOfficeAdmin', stands: 'of narrower scope', mayAct: true, unitsInScope: true },
  { caller: 'townAdmin', target: 'townOfficer', stands: 'an officer inside', mayAct: true, unitsInScope: true },
  { caller: 'townAdmin', target: 'outsideOfficer', stands: 'an officer outside', mayAct: false, unitsInScope: false },
  {
    caller: 'townAdmin',
    target: 'partlyOutside',
    stands: 'an officer with a unit outside',
    mayAct: false,
    unitsInScope: false,
  },
  {
    caller: 'officeAdmin',
    target: 'topAdmin',
    stands: 'of wider scope in their unit',
    mayAct: false,
    unitsInScope: true,
  },
  { caller: 'topAdmin', target: 'topAdmin', stands: 'themselves', mayAct: false, unitsInScope: true },
  // Last: it unbinds the town admin, who calls in the rows above.
  { caller: 'topAdmin', target: 'townAdmin', stands: 'of narrower scope', mayAct: true, unitsInScope: true },
];

/** A second person in the caller's units, to pair with the target in a delegation. */
async function partnerOf(pairing: Pairing): Promise<string> {
  const partners: Record<Who, Who[]> = {
    townAdmin: ['townOfficer', 'townOfficeAdmin'],
    officeAdmin: ['officeLeader', 'officeLeader'],
    topAdmin: ['outsideOfficer', 'outsideOfficer'],
  } as Record<Who, Who[]>;
  const [first, second] = partners[pairing.caller];
  return idOf(first === pairing.target ? second : first);
}

const period = { from: '2026-11-27', until: '2026-11-30' };
/** Per target, a delegation set before the matrix runs, for the cancellation to act on. */
const standingDelegations = new Map<Who, string>();

interface PersonRoute {
  name: string;
  method: 'post' | 'delete';
  path(pairing: Pairing): Promise<string>;
  body?(pairing: Pairing): Promise<object>;
  state(pairing: Pairing): Promise<unknown>;
  allowed(pairing: Pairing): boolean;
  success: number;
  refusal: string;
}

const routes: PersonRoute[] = [
  {
    name: 'a bind code for',
    method: 'post',
    path: async ({ target }) => `/people/${await idOf(target)}/bind-codes`,
    body: async () => ({}),
    state: async ({ target }) => BindCodeModel.countDocuments({ personId: await idOf(target) }),
    allowed: ({ mayAct }) => mayAct,
    success: 201,
    refusal: 'PERSON_NOT_FOUND',
  },
  {
    name: 'the unbinding of',
    method: 'delete',
    path: async ({ target }) => `/people/${await idOf(target)}/bindings`,
    state: async ({ target }) => IdentityBindingModel.countDocuments({ personId: await idOf(target) }),
    allowed: ({ mayAct }) => mayAct,
    success: 200,
    refusal: 'PERSON_NOT_FOUND',
  },
  {
    name: 'a delegation given by',
    method: 'post',
    path: async () => '/delegations',
    body: async (pairing) => ({
      personId: await idOf(pairing.target),
      delegateId: await partnerOf(pairing),
      ...period,
    }),
    state: async ({ target }) => DelegationModel.countDocuments({ personId: await idOf(target) }),
    allowed: ({ mayAct }) => mayAct,
    success: 201,
    refusal: 'PERSON_NOT_FOUND',
  },
  {
    name: 'a delegation held by',
    method: 'post',
    path: async () => '/delegations',
    body: async (pairing) => ({
      personId: await partnerOf(pairing),
      delegateId: await idOf(pairing.target),
      ...period,
    }),
    state: async ({ target }) => DelegationModel.countDocuments({ delegateId: await idOf(target) }),
    allowed: ({ unitsInScope }) => unitsInScope,
    success: 201,
    refusal: 'PERSON_NOT_FOUND',
  },
  {
    name: 'the cancellation of a delegation given by',
    method: 'delete',
    path: async ({ target }) => `/delegations/${standingDelegations.get(target)}`,
    state: async ({ target }) => DelegationModel.findById(standingDelegations.get(target), { until: 1 }).lean(),
    allowed: ({ mayAct }) => mayAct,
    success: 200,
    refusal: 'DELEGATION_NOT_FOUND',
  },
];

describe('people routes × the target person', () => {
  beforeAll(async () => {
    const targets = [...new Set(pairings.map((pairing) => pairing.target))];
    for (const target of targets) {
      const { code } = await services.people.createBindCode(await idOf(target), { byId: null });
      await services.people.bindChatIdentity({ code, provider: 'wechaty', externalId: `contact-${target}` });
      await services.people.setDelegation({
        personId: await idOf(target),
        delegateId: await personId('陈志远'),
        from: clock.now(),
        until: new Date(clock.now().getTime() + 3 * 86_400_000),
        byId: null,
      });
      const delegation = await DelegationModel.findOne({ personId: await idOf(target) }).lean();
      standingDelegations.set(target, String(delegation?._id));
    }
  });

  const cases = pairings.flatMap((pairing) =>
    routes.map(
      (route) => [nameOf(pairing.caller), route.name, nameOf(pairing.target), pairing.stands, route, pairing] as const,
    ),
  );

  test.each(cases)(
    'when %s asks for %s of %s (%s), then only what the rule allows is done',
    async (_caller, _route, targetName, _stands, route, pairing) => {
      const before = await route.state(pairing);
      const events = await AuditEventModel.countDocuments();

      const answer = await call(pairing.caller, route.method, await route.path(pairing), await route.body?.(pairing));

      if (route.allowed(pairing)) {
        expect([answer.status, answer.code]).toEqual([route.success, undefined]);
        expect(await route.state(pairing)).not.toEqual(before);
        expect(await AuditEventModel.countDocuments()).toBeGreaterThan(events);
      } else {
        expect([answer.status, answer.code]).toEqual([404, route.refusal]);
        expect(answer.text).not.toContain(targetName);
        expect([await route.state(pairing), await AuditEventModel.countDocuments()]).toEqual([before, events]);
      }
    },
  );
});
