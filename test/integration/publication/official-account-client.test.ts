import http from 'node:http';
import { OfficialAccountApiError, OfficialAccountClient } from '../../../src/publication/official-account-client';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';

const account = { appId: 'wx1234567890abcdef', appSecret: 'app-secret-must-never-show-9f2c' };

let fake: FakeOfficialAccountServer;
let apiBaseUrl: string;
let clock: ManualClock;
let logLines: string[];

function clientFor(options: Partial<{ appId: string; appSecret: string; apiBaseUrl: string; timeoutMs: number }> = {}) {
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  return new OfficialAccountClient({ apiBaseUrl, ...account, clock, logger, ...options });
}

async function failureOf(call: Promise<unknown>): Promise<OfficialAccountApiError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(OfficialAccountApiError);
    return error as OfficialAccountApiError;
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  clock = new ManualClock('2026-03-02T02:00:00Z');
  fake = new FakeOfficialAccountServer({ clock });
  fake.addAccount(account);
  apiBaseUrl = await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  logLines = [];
});

afterEach(() => {
  // Whatever a test did, the AppSecret reached no log line.
  expect(logLines.join('\n')).not.toContain(account.appSecret);
});

describe('the stable_token', () => {
  test('when the token is asked for twice, then it is fetched once and served from the cache', async () => {
    const client = clientFor();
    const before = fake.tokenRequests;
    const [first, second] = await Promise.all([client.stableToken(), client.stableToken()]);
    expect(first).toMatch(/^[0-9a-f]{48}$/);
    expect(second).toBe(first);
    expect(await client.stableToken()).toBe(first);
    expect(fake.tokenRequests - before).toBe(1);
  });

  test('when the token nears its 7,200 s expiry, then it is fetched again, and renewed once the platform renews it', async () => {
    const client = clientFor();
    const first = await client.stableToken(true);
    clock.advance(7200_000 - 4 * 60_000);
    // The platform answers its current token while it lasts, with what is left of its life.
    expect(await client.stableToken()).toBe(first);
    expect(client.tokenFetches).toBe(2);
    clock.advance(5 * 60_000);
    const renewed = await client.stableToken();
    expect(client.tokenFetches).toBe(3);
    expect(renewed).not.toBe(first);
  });

  test('when a refresh is forced, then the platform issues a new token', async () => {
    const client = clientFor();
    const first = await client.stableToken();
    const before = fake.forcedTokenRequests;
    const second = await client.stableToken(true);
    expect(second).not.toBe(first);
    expect(fake.forcedTokenRequests - before).toBe(1);
  });

  test('when the AppSecret is wrong, then the error says so in Chinese and shows no secret', async () => {
    const error = await failureOf(clientFor({ appSecret: 'wrong-secret-also-private' }).stableToken());
    expect(error).toMatchObject({ errcode: 40125, code: 'OFFICIAL_ACCOUNT_API_ERROR', status: 502, expose: true });
    expect(error.message).toContain('AppSecret 不正确');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('wrong-secret');
    expect(logLines.join('\n')).not.toContain('wrong-secret');
    expect(logLines.join('\n')).toContain('"errcode":40125');
  });

  test('when the AppID is wrong, then the error names the AppID setting', async () => {
    const error = await failureOf(clientFor({ appId: 'wx0000000000000000' }).stableToken());
    expect(error.errcode).toBe(40013);
    expect(error.message).toContain('AppID 不正确');
  });

  test('when the server IP is not whitelisted, then the error names the IP and the whitelist setting', async () => {
    fake.failNext('stable_token', 40164);
    const error = await failureOf(clientFor().stableToken());
    expect(error.errcode).toBe(40164);
    expect(error.message).toContain('203.0.113.7');
    expect(error.message).toContain('IP白名单');
  });

  test('when the daily limit is reached, then the error says so', async () => {
    fake.failNext('stable_token', 45009);
    const error = await failureOf(clientFor().stableToken());
    expect(error.errcode).toBe(45009);
    expect(error.message).toContain('调用次数已达上限');
  });

  test('when nothing listens at the API address, then the error says it cannot connect', async () => {
    const error = await failureOf(clientFor({ apiBaseUrl: 'http://127.0.0.1:9' }).stableToken());
    expect(error).toMatchObject({ errcode: null, code: 'OFFICIAL_ACCOUNT_UNREACHABLE' });
    expect(error.message).toContain('无法连接公众号接口 127.0.0.1:9');
  });

  test('when the API does not answer in time, then the error says it timed out', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await failureOf(
        clientFor({ apiBaseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }).stableToken(),
      );
      expect(error.code).toBe('OFFICIAL_ACCOUNT_UNREACHABLE');
      expect(error.message).toContain('200 毫秒内没有响应');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
