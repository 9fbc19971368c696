import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { fire, render, tap, textOf } from './support/render';
import { serveFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
  serveFixtures(fake);
  signIn(fake.storage, fixtures.admin);
});

describe('exports page', () => {
  test('when opened, then the range is this month so far', async () => {
    const page = await render('pages/exports/exports');
    const { from, until } = page.instance.data;
    expect(from).toMatch(/^\d{4}-\d{2}-01$/);
    expect(until.slice(0, 8)).toBe(from.slice(0, 8));
  });

  test('when 导出稿件 is tapped, then the range is downloaded as XLSX with the token and opened for forwarding', async () => {
    const page = await render('pages/exports/exports');
    await fire(page, '.range-picker', 'change', { value: '2026-11-01' });
    page.setData({ until: '2026-11-26' });
    await tap(page, '.export', 0);

    expect(fake.requests[0]).toMatchObject({
      path: '/api/v1/exports/drafts',
      query: { from: '2026-11-01', to: '2026-11-26', format: 'xlsx' },
      authorization: 'Bearer access-token-1',
    });
    expect(fake.mocks.openDocument).toHaveBeenCalledWith(
      expect.objectContaining({ filePath: 'wxfile://tmp/download-1', fileType: 'xlsx', showMenu: true }),
    );
  });

  test('when 导出审计记录 is refused, then the API reason shows and nothing opens', async () => {
    fake.route('GET /api/v1/exports/:kind', failure(400, 'VALIDATION_FAILED', '导出范围最多一年'));
    const page = await render('pages/exports/exports');
    await tap(page, '.export', 1);
    expect(fake.requests[0].path).toBe('/api/v1/exports/audit');
    expect(textOf(page)).toContain('导出范围最多一年');
    expect(fake.mocks.openDocument).not.toHaveBeenCalled();
  });

  test('when 导出留言台账 is tapped, then the chosen month is downloaded as XLSX and opened', async () => {
    const page = await render('pages/exports/exports');
    await fire(page, '.month-picker', 'change', { value: '2026-10' });
    expect(textOf(page)).toContain('受理月份 2026年10月');
    await tap(page, '.export', 2);

    expect(fake.requests[0]).toMatchObject({
      path: '/api/v1/exports/inquiries',
      query: { month: '2026-10', format: 'xlsx' },
      authorization: 'Bearer access-token-1',
    });
    expect(fake.mocks.openDocument).toHaveBeenCalledWith(
      expect.objectContaining({ filePath: 'wxfile://tmp/download-1', fileType: 'xlsx' }),
    );
  });

  test('when the 留言台账 is refused, then the reason shows in its own card', async () => {
    fake.route('GET /api/v1/exports/:kind', failure(404, 'NOT_FOUND', '仅管理员可以导出留言台账'));
    const page = await render('pages/exports/exports');
    await tap(page, '.export', 2);
    expect(textOf(page)).toContain('仅管理员可以导出留言台账 导出留言台账');
    expect(fake.mocks.openDocument).not.toHaveBeenCalled();
  });

  test('when the end is before the start, then nothing is downloaded', async () => {
    const page = await render('pages/exports/exports');
    page.setData({ from: '2026-11-20', until: '2026-11-01' });
    await tap(page, '.export', 0);
    expect(textOf(page)).toContain('结束日期不能早于开始日期');
    expect(fake.requests).toHaveLength(0);
  });

  test('when the token expired, then the download refreshes it once and retries', async () => {
    fake.route('GET /api/v1/exports/:kind', (request) =>
      request.authorization === 'Bearer access-token-2' ? ok('xlsx') : failure(401, 'TOKEN_EXPIRED', '登录已过期'),
    );
    fake.route('POST /api/v1/auth/refresh', ok({ ...fixtures.login, accessToken: 'access-token-2' }));
    const page = await render('pages/exports/exports');
    await tap(page, '.export', 0);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/api/v1/exports/drafts',
      '/api/v1/auth/refresh',
      '/api/v1/exports/drafts',
    ]);
    expect(fake.mocks.openDocument).toHaveBeenCalledWith(
      expect.objectContaining({ filePath: 'wxfile://tmp/download-2' }),
    );
  });
});
