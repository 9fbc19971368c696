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

// Two API processes over one database: each has its own services, clock reading and memory. Both stand
// behind a proxy at the test client's address, so X-Forwarded-For names the caller.
const clock = new ManualClock('2026-11-26T01:00:10Z');
let first: http.Server;
let second: http.Server;
/** A third process that trusts no proxy, with the default limit. */
let exposed: http.Server;
let firstServices: ReturnType<typeof createServices>;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;

beforeAll(async () => {
  await connectTestDatabase();
  firstServices = createServices({ clock, logger: createLogger('silent') });
  const secondServices = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(firstServices.people);
  wechat = await startFakeWechat();
  const limits = { wechatBaseUrl: wechat.baseUrl, http: { authRateLimitPerMinute: 3, trustedProxies: '127.0.0.1' } };
  first = startApi(firstServices, limits).server;
  second = startApi(secondServices, limits).server;
  exposed = startApi(firstServices, { wechatBaseUrl: wechat.baseUrl, http: { authRateLimitPerMinute: 30 } }).server;
}, 60_000);

afterAll(async () => {
  first.close();
  second.close();
  exposed.close();
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

describe('the client address the auth limit counts', () => {
  test('when no proxy is trusted and each try forges another X-Forwarded-For, then all tries count for the one caller and the 31st is refused', async () => {
    clock.advance(3_600_000);
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 35; attempt += 1) {
      statuses.push((await login(exposed, `192.0.2.${attempt}, 192.0.2.${attempt + 100}`)).status);
    }
    expect(statuses).toEqual([...Array<number>(30).fill(403), ...Array<number>(5).fill(429)]);
    expect(await AuthAttemptModel.countDocuments({ key: /^auth-ip:192\.0\.2\./ })).toBe(0);
    expect(await AuthAttemptModel.countDocuments({ key: 'auth-ip:127.0.0.1' })).toBe(30);
  });

  test('when the caller is a trusted proxy, then each forwarded client is counted apart, whatever they wrote left of their address', async () => {
    clock.advance(3_600_000);
    for (const forged of ['1.1.1.1', '2.2.2.2', 'nonsense']) {
      expect((await login(first, `${forged}, 203.0.113.20`)).status).toBe(403);
    }
    expect((await login(second, '4.4.4.4, 203.0.113.20')).status).toBe(429);
    expect((await login(second, '203.0.113.21')).status).toBe(403);
    expect(await AuthAttemptModel.countDocuments({ key: 'auth-ip:203.0.113.20' })).toBe(3);
    expect(await AuthAttemptModel.countDocuments({ key: /^auth-ip:(1\.1|2\.2|4\.4|nonsense)/ })).toBe(0);
  });
});
