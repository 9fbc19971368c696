/**
 * How soon a change to a person reaches the API's access checks: two API instances on one database (as
 * a second process would run). An organisation import that strips an admin of the role ends their
 * sessions, refused at once everywhere; a change that ends none still reaches every viewer within seconds.
 */
import fs from 'node:fs';
import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { viewerCacheTtlMs } from '../../../src/people/people-service';
import { PersonModel } from '../../../src/people/person-model';
import { LoginSessionModel } from '../../../src/auth/session-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, sampleOrganizationFile } from '../../support/people-factories';
import { startApi, cliToken } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('viewer-freshness-test-secret-0123456789', 3600, clock);
const servers: http.Server[] = [];

beforeAll(connectTestDatabase);
afterAll(async () => {
  for (const server of servers) server.close();
  await disconnectTestDatabase();
});

function startInstance() {
  const services = createServices({ clock, logger: createLogger('silent') });
  const { server } = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens });
  servers.push(server);
  return { services, server };
}

/** Both instances' answers to the person's token on an admin route: [status, error code]. */
async function listPeopleOn(instances: { server: http.Server }[], token: string) {
  return Promise.all(
    instances.map(async ({ server }) => {
      const answer = await request(server).get('/api/v1/people').set('authorization', `Bearer ${token}`);
      return [answer.status, (answer.body as { error?: { code: string } }).error?.code];
    }),
  );
}

test('when an import takes the admin role from someone, then every API refuses their token at once: their sessions ended', async () => {
  const importing = startInstance();
  const other = startInstance();
  await importSampleOrganization(importing.services.people);
  const li = await personId('李静');
  const { token } = await cliToken(tokens, clock, li);
  expect(await listPeopleOn([importing, other], token)).toEqual([
    [200, undefined],
    [200, undefined],
  ]);

  const file = JSON.parse(fs.readFileSync(sampleOrganizationFile, 'utf8')) as { people: { name: string }[] };
  file.people = file.people.map((person) =>
    person.name === '李静' ? { ...person, roles: ['信息员'], adminOf: undefined } : person,
  );
  await importing.services.organization.importOrganization(JSON.stringify(file), 'json', { byId: null });

  expect(await listPeopleOn([importing, other], token)).toEqual([
    [401, 'AUTH_SESSION_ENDED'],
    [401, 'AUTH_SESSION_ENDED'],
  ]);
  const sessions = await LoginSessionModel.find({ personId: li }).lean();
  expect(sessions.map((session) => session.revokedReason)).toEqual(['admin-removed']);
  const ended = await AuditEventModel.findOne({ action: 'session.ended', 'subject.id': li }).lean();
  expect(ended).toMatchObject({
    actor: { via: 'cli-token' },
    details: { sessionId: sessions[0]._id, reason: 'admin-removed' },
  });
});

test('when a person’s record loses the admin role while their session stays open, then that API refuses them admin routes within seconds, as does another', async () => {
  const changing = startInstance();
  const other = startInstance();
  await importSampleOrganization(changing.services.people);
  const li = await personId('李静');
  const { token, sessionId } = await cliToken(tokens, clock, li);
  expect(await listPeopleOn([changing, other], token)).toEqual([
    [200, undefined],
    [200, undefined],
  ]);

  // Written past the people service (a repair in the database): no session ends, the viewer alone decides.
  await PersonModel.updateOne({ _id: li }, { $set: { roles: ['officer'], adminOfUnitId: null } });
  clock.advance(viewerCacheTtlMs);
  expect(viewerCacheTtlMs).toBeLessThanOrEqual(5_000);

  // An admin route answers a non-admin as if it did not exist (see api-route.ts).
  expect(await listPeopleOn([changing, other], token)).toEqual([
    [404, 'ROUTE_NOT_FOUND'],
    [404, 'ROUTE_NOT_FOUND'],
  ]);
  expect(await LoginSessionModel.findById(sessionId).lean()).toMatchObject({ revokedAt: null });
});
