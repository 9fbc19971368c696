import http from 'node:http';
import request from 'supertest';
import mongoose from 'mongoose';
import { createApp } from '../../../src/api/app';
import { AccessTokens } from '../../../src/api/access-tokens';
import { createServices } from '../../../src/services';
import { createApiRoutes } from '../../../src/api/api-routes';
import { loadConfig } from '../../../src/shared/config';
import { testHttpConfig } from '../../support/api-harness';
import { systemClock } from '../../../src/shared/clock';
import { checkDatabase } from '../../../src/shared/database';
import { createLogger } from '../../../src/shared/logger';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';

const server = http.createServer(
  createApp({
    http: { ...testHttpConfig, bodyLimit: '1kb' },
    logger: createLogger('silent'),
    checkDatabase: () => checkDatabase(),
    ...createApiRoutes(
      { ...loadConfig(), dataDir: '/tmp/shenfa-health-test' },
      createServices({ clock: systemClock, logger: createLogger('silent') }),
      new AccessTokens('health-test-secret-health-test-secret', 3600, systemClock),
    ),
  }).callback(),
);

beforeAll(connectTestDatabase);
afterAll(async () => {
  server.close();
  await disconnectTestDatabase();
});

describe('health and readiness over HTTP', () => {
  test('when the process runs, then /healthz answers 200 with a request id', async () => {
    const response = await request(server).get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  test('when the database answers, then /readyz answers 200', async () => {
    const response = await request(server).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ready', database: { ok: true } });
  });

  test('when a route does not exist, then the error body carries a code and a Chinese message', async () => {
    const response = await request(server).get('/nothing-here').expect(404);
    expect(response.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: '请求的接口不存在' } });
  });

  test('when a body exceeds the limit, then the answer is 413 in the error format', async () => {
    const response = await request(server)
      .post('/api/v1/auth/refresh')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(5000) }))
      .expect(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('when the database connection is gone, then /readyz answers 503 with the reason', async () => {
    await mongoose.disconnect();
    const response = await request(server).get('/readyz').expect(503);
    expect(response.body).toMatchObject({ status: 'unavailable', database: { ok: false } });
    expect(response.body.database.reason).toMatch(/disconnected/);
    await connectTestDatabase();
  });
});
