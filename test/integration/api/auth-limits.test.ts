import type http from 'node:http';
import request from 'supertest';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { AuthAttemptModel } from '../../../src/auth/auth-attempt-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { startApi, startFakeWechat } from '../../support/api-harness';

// Two API processes over one database: each has its own services, clock reading and memory.
const clock = new ManualClock('2026-11-26T01:00:10Z');
let first: http.Server;
let second: http.Server;
let firstServices: ReturnType<typeof createServices>;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;

beforeAll(async () => {
  await connectTestDatabase();
  firstServices = createServices({ clock, logger: createLogger('silent') });
  const secondServices = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(firstServices.people);
  wechat = await startFakeWechat();
  const limits = { wechatBaseUrl: wechat.baseUrl, http: { authRateLimitPerMinute: 3 } };
  first = startApi(firstServices, limits).server;
  second = startApi(secondServices, limits).server;
}, 60_000);

afterAll(async () => {
  first.close();
  second.close();
  await wechat.close();
  await disconnectTestDatabase();
});

const login = (server: http.Server, address: string) =>
  request(server).post('/api/v1/auth/wechat').set('X-Forwarded-For', address).send({ code: 'code-openid-stranger' });

describe('auth limits shared by several API processes', () => {
  test('when one address calls /auth on two API instances, then the per-minute limit counts both', async () => {
    const address = '203.0.113.7';
    expect((await login(first, address)).status).toBe(403);
    expect((await login(second, address)).status).toBe(403);
    expect((await login(first, address)).status).toBe(403);

    const refused = await login(second, address);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBe(50);
    expect((await login(first, address)).status).toBe(429);
    // Another address is not affected, and the refused calls were not stored.
    expect((await login(first, '203.0.113.8')).status).toBe(403);
    expect(await AuthAttemptModel.countDocuments({ key: `auth-ip:${address}` })).toBe(3);

    clock.advance(50_000);
    expect((await login(second, address)).status).toBe(403);
  });

  test('when wrong bind codes are tried on two API instances, then the sixth try is refused on either', async () => {
    const person = await personId('蒋明');
    const { code } = await firstServices.people.createMiniProgramBindCode(person);
    const wrong = code === '000000' ? '000001' : '000000';
    const bind = (server: http.Server, attempt: number, bindCode: string) =>
      request(server)
        .post('/api/v1/auth/bind')
        .set('X-Forwarded-For', `198.51.100.${attempt}`)
        .send({ code: 'code-openid-guesser', bindCode });

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const answer = await bind(attempt % 2 ? first : second, attempt, wrong);
      expect(answer.body.error.code).toMatch(/^BIND_CODE_/);
    }
    for (const server of [first, second]) {
      const refused = await bind(server, 9, code);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('BIND_ATTEMPTS_EXCEEDED');
    }
    expect(await IdentityBindingModel.countDocuments({ personId: person, kind: 'mini-program' })).toBe(0);

    // The next hour: a fresh code (the first expired after 10 minutes) binds.
    clock.advance(3_600_000);
    const fresh = await firstServices.people.createMiniProgramBindCode(person);
    expect((await bind(second, 10, fresh.code)).status).toBe(200);
    expect(await AuthAttemptModel.countDocuments({ key: 'bind-failed:openid-guesser' })).toBe(0);
  });
});
