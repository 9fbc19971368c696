/** The request wrapper: bearer token, one refresh-and-retry on 401, Chinese errors. */
import { apiBase, failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { api } from '../../miniprogram/app/lib/api';
import { ApiError } from '../../miniprogram/app/lib/api-error';
import { queryString } from '../../miniprogram/app/lib/api-client';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
});

const rotated = { ...fixtures.login, accessToken: 'access-token-2', refreshToken: 'refresh-token-000000000002' };

describe('request wrapper', () => {
  test('when signed in, then requests go to the develop base URL with the bearer token', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', ok(fixtures.dashboard));

    await expect(api.dashboard()).resolves.toEqual(fixtures.dashboard);
    expect(fake.requests[0]).toMatchObject({ path: '/api/v1/dashboard', authorization: 'Bearer access-token-1' });
    expect(apiBase).toBe('http://127.0.0.1:3000');
  });

  test('when the access token has expired, then it refreshes once, stores the rotated pair and retries', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', (request) =>
      request.authorization === 'Bearer access-token-2'
        ? ok(fixtures.dashboard)
        : failure(401, 'TOKEN_EXPIRED', '登录已过期'),
    );
    fake.route('POST /api/v1/auth/refresh', ok(rotated));

    await expect(api.dashboard()).resolves.toEqual(fixtures.dashboard);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v1/dashboard',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/dashboard',
    ]);
    expect(fake.requests[1]).toMatchObject({
      body: { refreshToken: fixtures.login.refreshToken },
      authorization: undefined,
    });
    expect(fake.storage.get('shenfa.session')).toMatchObject({
      accessToken: 'access-token-2',
      refreshToken: 'refresh-token-000000000002',
      profile: fixtures.admin,
    });
  });

  test('when the refresh answer names new roles, then the stored profile follows', async () => {
    signIn(fake.storage, fixtures.leader);
    fake.route('GET /api/v1/dashboard', (request) =>
      request.authorization === 'Bearer access-token-2'
        ? ok(fixtures.dashboard)
        : failure(401, 'TOKEN_EXPIRED', '登录已过期'),
    );
    fake.route(
      'POST /api/v1/auth/refresh',
      ok({ ...rotated, person: { ...fixtures.leader, roles: ['leader', 'admin'] } }),
    );
    await api.dashboard();
    expect(fake.storage.get('shenfa.session')).toMatchObject({ profile: { roles: ['leader', 'admin'] } });
  });

  test('when several requests meet the expired token together, then they share one refresh', async () => {
    signIn(fake.storage);
    const answer = (request: { authorization: string | undefined }) =>
      request.authorization === 'Bearer access-token-2'
        ? ok({ items: [] })
        : failure(401, 'TOKEN_EXPIRED', '登录已过期');
    fake.route('GET /api/v1/units', answer);
    fake.route('GET /api/v1/approval-routes', answer);
    fake.route('GET /api/v1/delegations', answer);
    fake.route('POST /api/v1/auth/refresh', ok(rotated));

    await Promise.all([api.units(), api.approvalRoutes(), api.delegations()]);
    // A second refresh would reuse the rotated-away token, which the server treats as theft.
    expect(fake.requests.filter((request) => request.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  test('when the refresh is refused, then the session is cleared and the login page opens', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', failure(401, 'TOKEN_EXPIRED', '登录已过期'));
    fake.route('POST /api/v1/auth/refresh', failure(401, 'REFRESH_TOKEN_REUSED', '登录已失效，请重新登录'));

    const error = await api.dashboard().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'SESSION_EXPIRED', message: '登录已过期，请重新登录' });
    expect(fake.storage.has('shenfa.session')).toBe(false);
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' });
  });

  test('when the retried request is refused again, then it signs out instead of looping', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/dashboard', failure(401, 'TOKEN_REVOKED', '登录已失效'));
    fake.route('POST /api/v1/auth/refresh', ok(rotated));

    await expect(api.dashboard()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(fake.requests).toHaveLength(3);
    expect(fake.storage.has('shenfa.session')).toBe(false);
  });

  test('when nobody is signed in, then nothing is sent and the login page opens', async () => {
    await expect(api.dashboard()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(fake.requests).toHaveLength(0);
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' });
  });

  test('when the API answers an error, then its Chinese message is kept, and 5xx gets a plain one', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts/:reference', failure(404, 'DRAFT_NOT_FOUND', '没有找到稿件 #ZZZZ'));
    fake.route('GET /api/v1/dashboard', failure(500, 'INTERNAL', 'Internal Server Error'));
    fake.route('GET /api/v1/units', { status: 429, body: 'Too Many Requests' });

    await expect(api.draft('ZZZZ')).rejects.toMatchObject({
      status: 404,
      code: 'DRAFT_NOT_FOUND',
      message: '没有找到稿件 #ZZZZ',
    });
    await expect(api.dashboard()).rejects.toMatchObject({ status: 500, message: '服务器暂时出错，请稍后重试' });
    await expect(api.units()).rejects.toMatchObject({
      status: 429,
      code: 'HTTP_429',
      message: '操作太频繁，请稍后再试',
    });
  });

  test('when the network fails, then the error says so in Chinese', async () => {
    signIn(fake.storage);
    fake.failNetwork('request:fail net::ERR_CONNECTION_REFUSED');
    await expect(api.dashboard()).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: '网络连接失败，请检查网络后重试',
    });
  });

  test('when filters are empty, then they are left out of the query, and values are encoded', async () => {
    expect(queryString({ status: 'in_review', q: '消防 安全', unitId: undefined, cursor: '', limit: 20 })).toBe(
      '?status=in_review&q=%E6%B6%88%E9%98%B2%20%E5%AE%89%E5%85%A8&limit=20',
    );
    expect(queryString({})).toBe('');
  });

  test('when a draft code is in the path, then it is encoded', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/drafts/:reference/timeline', ok(fixtures.draftTimeline));
    await api.draftTimeline('K7/Q2');
    expect(fake.requests[0].path).toBe('/api/v1/drafts/K7%2FQ2/timeline');
  });
});
