/** People, units, approval routes with delegations. */
import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { fire, queryAll, render, settle, tap, textOf, textsOf } from './support/render';
import type { Rendered } from './support/render';
import { serveFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
  serveFixtures(fake);
});

describe('people page', () => {
  test('when an admin opens it, then each person shows roles, units and bindings, with the admin actions', async () => {
    signIn(fake.storage);
    const page = await render('pages/people/people');
    // Herself (an admin of equal scope): no actions, and who can act instead.
    expect(textsOf(page, '.person')[0]).toBe(
      '李静 P001 · 网信办主任 角色 管理员 单位 清河县人民政府 绑定 小程序（2026-10-08） 发绑定码、解绑须由管理范围更大的管理员办理',
    );
    expect(textsOf(page, '.person')[1]).toBe(
      '刘洋 P002 · 信息员 角色 信息员 单位 县教育局 绑定 聊天（2026-10-09） 发绑定码 解除绑定',
    );
    expect(textsOf(page, '.person')[2]).toBe(
      '孙丽 P003 · 办公室主任 角色 审核领导 单位 县政府办公室、县教育局 绑定 未绑定 发绑定码',
    );
  });

  test('when 发绑定码 is confirmed, then a code is issued and shown with how to use it', async () => {
    signIn(fake.storage);
    const page = await render('pages/people/people');
    await tap(page, '.issue-code', 1);
    await settle();

    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/v1/people/${fixtures.personPage.items[2].id}/bind-codes`,
    });
    expect(fake.mocks.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({
        title: '绑定码 482913',
        content: '请孙丽在聊天中向机器人发送“绑定 482913”，24 小时内有效。（2026-11-28 10:00 前有效）',
      }),
    );
  });

  test('when 解除绑定 is confirmed, then the bindings are removed and the moved drafts are reported', async () => {
    signIn(fake.storage);
    const page = await render('pages/people/people');
    await tap(page, '.unbind', 0);
    await settle();

    expect(fake.requests.find((request) => request.method === 'DELETE')).toMatchObject({
      path: `/api/v1/people/${fixtures.personPage.items[1].id}/bindings`,
    });
    expect(fake.mocks.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '已解除刘洋的 1 个绑定', content: '待审稿件已转交：#K7Q2→李静' }),
    );
    expect(fake.requests.filter((request) => request.path === '/api/v1/people')).toHaveLength(2);
  });

  test('when 解除绑定 is cancelled, then nothing is sent', async () => {
    signIn(fake.storage);
    fake.answerModal(false);
    const page = await render('pages/people/people');
    await tap(page, '.unbind');
    expect(fake.requests.some((request) => request.method === 'DELETE')).toBe(false);
  });

  test('when an action is refused, then a toast gives the reason', async () => {
    signIn(fake.storage);
    fake.route('POST /api/v1/people/:id/bind-codes', failure(409, 'PERSON_INACTIVE', '此人员已停用，不能发绑定码'));
    const page = await render('pages/people/people');
    await tap(page, '.issue-code');
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '此人员已停用，不能发绑定码' }));
  });

  test('when searched and scrolled, then the query and the cursor are sent', async () => {
    signIn(fake.storage);
    const page = await render('pages/people/people');
    await fire(page, '.search-input', 'confirm', { value: '刘' });
    page.instance.onReachBottom();
    await settle();
    const peopleRequests = fake.requests.filter((request) => request.path === '/api/v1/people');
    expect(peopleRequests[1].query).toEqual({ q: '刘', limit: '20' });
    expect(peopleRequests[2].query).toEqual({ q: '刘', limit: '20', cursor: 'people-page-2' });
    expect(textOf(page)).toContain('没有更多了');
  });

  test('when nobody matches or loading fails, then the page says so', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/people', ok({ items: [], nextCursor: null }));
    const empty = await render('pages/people/people');
    expect(textOf(empty)).toBe('没有符合条件的人员');

    fake.route('GET /api/v1/people', failure(403, 'FORBIDDEN', '只有管理员可以查看人员'));
    const failed = await render('pages/people/people');
    expect(textOf(failed)).toBe('只有管理员可以查看人员 重试');
  });

  test('when a leader opens it, then there are no admin actions', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/people/people');
    expect(textsOf(page, '.issue-code')).toEqual([]);
    expect(textsOf(page, '.unbind')).toEqual([]);
  });
});

describe('units page', () => {
  test('when opened, then units show as a tree with kind and main leader', async () => {
    signIn(fake.storage);
    const page = await render('pages/units/units');
    expect(textsOf(page, '.unit')).toEqual([
      '清河县人民政府 政府 主要负责人 孙丽',
      '县政府办公室 办公室 主要负责人 周敏',
      '县教育局 部门 主要负责人 钱卫东',
      '县卫生健康局 部门 未设主要负责人',
      '城关镇人民政府 乡镇（街道） 主要负责人 周敏',
    ]);
    expect(page.querySelectorAll('.depth-1')).toHaveLength(4);
  });

  test('when there are none or loading fails, then the page says so', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/units', ok({ items: [] }));
    expect(textOf(await render('pages/units/units'))).toBe('您的管理范围内没有单位');
    fake.route('GET /api/v1/units', failure(500, 'INTERNAL', 'x'));
    const failed = await render('pages/units/units');
    expect(textOf(failed)).toBe('服务器暂时出错，请稍后重试 重试');
    fake.route('GET /api/v1/units', ok(fixtures.unitList));
    await tap(failed, '.retry');
    expect(textsOf(failed, '.unit')).toHaveLength(5);
  });
});

/** Fills the delegation form: indexes into the people list, then the two dates. */
async function fillDelegation(page: Rendered, person: number, delegate: number, from: string, until: string) {
  const pickers = queryAll(page, '.form-picker');
  pickers[0].dispatchEvent('change', { detail: { value: person } });
  pickers[1].dispatchEvent('change', { detail: { value: delegate } });
  pickers[2].dispatchEvent('change', { detail: { value: from } });
  pickers[3].dispatchEvent('change', { detail: { value: until } });
  await settle();
}

describe('routes page', () => {
  test('when opened, then each route lists its steps, backups and copies, and delegations their period', async () => {
    signIn(fake.storage);
    const page = await render('pages/routes/routes');
    expect(textsOf(page, '.route')[0]).toBe(
      '县教育局 本单位全部账号 第 1 步 · 或签 周敏 第 2 步 · 会签 孙丽、钱卫东 （备审：李静） 抄送 李静 删除路线',
    );
    expect(textsOf(page, '.delegation')[0]).toMatch(
      /^孙丽 请假期间由 钱卫东 代审 2026-12-01 00:00 至 2026-12-08 23:59 · (待生效|生效中|已到期)/,
    );
  });

  test('when an admin adds a delegation, then the picked people and dates are sent and the list reloads', async () => {
    signIn(fake.storage);
    const page = await render('pages/routes/routes');
    await tap(page, '.open-form');
    await fillDelegation(page, 2, 1, '2026-12-01', '2026-12-08');
    expect(textOf(page)).toContain(
      '请假人 孙丽（办公室主任） 代审人 刘洋（信息员） 开始日期 2026-12-01 结束日期 2026-12-08',
    );
    await tap(page, '.save-delegation');

    expect(fake.requests.find((request) => request.method === 'POST')).toMatchObject({
      path: '/api/v1/delegations',
      body: {
        personId: fixtures.personPage.items[2].id,
        delegateId: fixtures.personPage.items[1].id,
        from: '2026-12-01',
        until: '2026-12-08',
      },
    });
    expect(fake.requests.find((request) => request.path === '/api/v1/people')?.query).toEqual({
      limit: '100',
      active: 'true',
    });
    expect(textsOf(page, '.form')).toEqual([]);
  });

  test('when the form is incomplete or the same person is picked twice, then it says so and sends nothing', async () => {
    signIn(fake.storage);
    const page = await render('pages/routes/routes');
    await tap(page, '.open-form');
    await tap(page, '.save-delegation');
    expect(textOf(page)).toContain('请选择请假人、代审人和起止日期');

    await fillDelegation(page, 1, 1, '2026-12-01', '2026-12-08');
    await tap(page, '.save-delegation');
    expect(textOf(page)).toContain('代审人不能是请假人本人');

    await fillDelegation(page, 2, 1, '2026-12-08', '2026-12-01');
    await tap(page, '.save-delegation');
    expect(textOf(page)).toContain('结束日期不能早于开始日期');
    expect(fake.requests.some((request) => request.method === 'POST')).toBe(false);
  });

  test('when the API refuses the delegation, then its reason shows in the form', async () => {
    signIn(fake.storage);
    fake.route('POST /api/v1/delegations', failure(409, 'DELEGATION_OVERLAPS', '孙丽在这段时间已有代审安排'));
    const page = await render('pages/routes/routes');
    await tap(page, '.open-form');
    await fillDelegation(page, 2, 1, '2026-12-01', '2026-12-08');
    await tap(page, '.save-delegation');
    expect(textsOf(page, '.form-error')).toEqual(['孙丽在这段时间已有代审安排']);
  });

  test('when 删除路线 is confirmed, then the route is removed and the list reloads', async () => {
    signIn(fake.storage);
    const page = await render('pages/routes/routes');
    await tap(page, '.remove-route', 0);
    expect(fake.mocks.showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        content: '删除后县教育局的新稿件按上级单位的路线审核，审核中的稿件不受影响。确定删除？',
      }),
    );
    expect(fake.requests.find((request) => request.method === 'DELETE')).toMatchObject({
      path: `/api/v1/approval-routes/${fixtures.approvalRoutes.items[0].id}`,
    });
    expect(fake.requests.filter((request) => request.path === '/api/v1/approval-routes')).toHaveLength(2);
  });

  test('when 提前结束 is confirmed, then the delegation is ended', async () => {
    signIn(fake.storage);
    const page = await render('pages/routes/routes');
    await tap(page, '.end-delegation');
    expect(fake.requests.find((request) => request.method === 'DELETE')).toMatchObject({
      path: `/api/v1/delegations/${fixtures.delegations.items[0].id}`,
    });
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '代审已结束' }));
  });

  test('when a leader opens it, then routes are readable but there are no admin actions', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/routes/routes');
    expect(textsOf(page, '.route')).toHaveLength(2);
    expect(textsOf(page, '.open-form')).toEqual([]);
    expect(textsOf(page, '.end-delegation')).toEqual([]);
    expect(textsOf(page, '.remove-route')).toEqual([]);
  });

  test('when there are no routes or delegations, or loading fails, then the page says so', async () => {
    signIn(fake.storage);
    fake.route('GET /api/v1/approval-routes', ok({ items: [] }));
    fake.route('GET /api/v1/delegations', ok({ items: [] }));
    const empty = await render('pages/routes/routes');
    expect(textOf(empty)).toContain('还没有审核路线');
    expect(textOf(empty)).toContain('没有代审安排');

    fake.route('GET /api/v1/delegations', failure(500, 'INTERNAL', 'x'));
    const failed = await render('pages/routes/routes');
    expect(textOf(failed)).toBe('服务器暂时出错，请稍后重试 重试');
  });
});
