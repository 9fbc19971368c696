/**
 * How soon a change to a person reaches the API's access checks: two API instances on one database (as
 * a second process would run), an admin stripped of the role by an organisation import on the first.
 */
import fs from 'node:fs';
import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AccessTokens } from '../../../src/api/access-tokens';
import { viewerCacheTtlMs } from '../../../src/people/people-service';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId, sampleOrganizationFile } from '../../support/people-factories';
import { startApi } from '../../support/api-harness';

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

test('when an import takes the admin role from someone, then that API refuses them the people list at once and another API within seconds', async () => {
  const importing = startInstance();
  const other = startInstance();
  await importSampleOrganization(importing.services.people);
  const { token } = tokens.issue(await personId('李静'));
  const listPeople = (server: http.Server) =>
    request(server).get('/api/v1/people').set('authorization', `Bearer ${token}`);
  expect((await listPeople(importing.server)).status).toBe(200);
  expect((await listPeople(other.server)).status).toBe(200);

  const file = JSON.parse(fs.readFileSync(sampleOrganizationFile, 'utf8')) as { people: { name: string }[] };
  file.people = file.people.map((person) =>
    person.name === '李静' ? { ...person, roles: ['信息员'], adminOf: undefined } : person,
  );
  await importing.services.people.importOrganization(JSON.stringify(file), 'json', { byId: null });

  const refusedHere = await listPeople(importing.server);
  // An admin route answers a non-admin as if it did not exist (see api-route.ts).
  expect(refusedHere.status).toBe(404);
  expect(refusedHere.body.error).toEqual({ code: 'ROUTE_NOT_FOUND', message: '请求的接口不存在' });
  clock.advance(viewerCacheTtlMs);
  expect(viewerCacheTtlMs).toBeLessThanOrEqual(5_000);
  const refusedThere = await listPeople(other.server);
  expect(refusedThere.status).toBe(404);
  expect(refusedThere.body.error.code).toBe('ROUTE_NOT_FOUND');
});
