import { Writable } from 'node:stream';
import request from 'supertest';
import { createServices } from '../../../src/services';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { startApi, startFakeWechat, stopApi } from '../../support/api-harness';
import { connectTestDatabase } from '../../support/database';

const clock = new ManualClock('2026-12-07T02:00:00Z');
const services = createServices({ clock, logger: createLogger('silent') });
const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let api: ReturnType<typeof startApi>;
let fakeWechat: Awaited<ReturnType<typeof startFakeWechat>>;

beforeAll(async () => {
  await connectTestDatabase();
  fakeWechat = await startFakeWechat();
  api = startApi(services, { wechatBaseUrl: fakeWechat.baseUrl, logger: createLogger('info', capture) });
});
afterAll(async () => {
  await fakeWechat.close();
  await stopApi(api.server, services);
});

function requestLine(path: string): Record<string, unknown> | undefined {
  return lines.find((line) => line.msg === 'request' && line.path === path);
}

describe('the request log', () => {
  test('when a request fails, then its log line carries the status the caller got, not 404', async () => {
    await request(api.server).get('/api/v1/drafts').expect(401);
    expect(requestLine('/api/v1/drafts')).toMatchObject({ method: 'GET', status: 401 });

    await request(api.server).get('/no-such-page').expect(404);
    expect(requestLine('/no-such-page')).toMatchObject({ status: 404 });
  });

  test('when a request succeeds, then its log line says 200', async () => {
    await request(api.server).get('/healthz').expect(200);
    expect(requestLine('/healthz')).toMatchObject({ status: 200 });
  });
});
