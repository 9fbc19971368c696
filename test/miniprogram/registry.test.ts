/** The account registry and the account detail with its admin actions (the annual review board: annual-reviews.test.ts). */
import type { AccountView } from '../../src/shared/contracts';
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { fire, queryAll, render, settle, tap, textOf, textsOf } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});
afterEach(() => jest.restoreAllMocks());

const [education, town, health, applying, closing] = fixtures.accountList.accounts;
const names = (page: Awaited<ReturnType<typeof render>>) => textsOf(page, '.account-name');
const sent = (method: string, path: string) =>
  fake.requests.filter((request) => request.method === method && request.path === path);

describe('account registry page', () => {
  test('when an admin opens it, then each account shows its people, warnings, cadence and annual review', async () => {
    const page = await render('pages/accounts/accounts');

    expect(textsOf(page, '.account')[0]).toBe(
      '清河教育 运行中 微信公众号 县教育局 分管 孙丽 · 管理员 刘洋 距上次更新 12 天 · 距上次原创 12 天 即将满 14 天未更新 ' +
        '互动功能已开启 认证 2026-12-17 到期，还有 20 天 2026 年审：未提交报告',
    );
    expect(textsOf(page, '.account')[1]).toContain(
      '互动功能已关闭（全国检查单项否决） 认证 2027-06-30 到期 2026 年审：已提交，待审核',
    );
    expect(textsOf(page, '.account')[3]).toBe(
      '清河政务头条 开办申请待审批 头条号 县政府办公室 分管 孙丽 · 管理员 刘洋',
    );
    expect(textOf(page)).toContain('共 5 个账号');
    expect(sent('GET', '/api/v1/accounts')[0].query).toEqual({ limit: '100' });
    expect(sent('GET', '/api/v1/cadence')).toHaveLength(1);
    expect(sent('GET', '/api/v1/annual-reviews')[0].query).toEqual({ limit: '100' });
  });

  test('when an account passed 14 days without an update or its certification is days from expiry, then both are red', async () => {
    const page = await render('pages/accounts/accounts');
    expect(textsOf(page, '.tag-critical')).toEqual([
      '互动功能已关闭（全国检查单项否决）',
      '已满 14 天未更新（单项否决）',
      '认证 2026-12-02 到期，仅剩 5 天',
      '2026 年审：未通过',
    ]);
    expect(textsOf(page, '.figures-critical')).toEqual(['距上次更新 15 天 · 距上次原创 25 天']);
    expect(textsOf(page, '.tag-warn')).toEqual([
      '即将满 14 天未更新',
      '认证 2026-12-17 到期，还有 20 天',
      '2026 年审：未提交报告',
      '开办申请待审批',
      '关停办理中',
    ]);
  });

  test('when filtered by status, platform and unit, then only the matching accounts show, on the phone', async () => {
    const page = await render('pages/accounts/accounts');
    const requestsBefore = fake.requests.length;

    await tap(page, '.chip', 2);
    expect(names(page)).toEqual(['清河政务头条']);

    await tap(page, '.chip', 0);
    await fire(page, '.picker', 'change', { value: 2 });
    expect(textOf(page)).toContain('微博 ▾');
    expect(names(page)).toEqual(['城关镇发布']);

    await fire(page, '.picker', 'change', { value: 0 });
    const units = queryAll(page, '.picker')[1];
    units.dispatchEvent('change', { detail: { value: 2 } });
    await tap(page, '.chip', 0);
    expect(textOf(page)).toContain('城关镇人民政府 ▾');
    expect(names(page)).toEqual(['城关镇发布', '城关镇视频号']);

    await tap(page, '.chip', 1);
    expect(names(page)).toEqual(['城关镇发布']);
    await tap(page, '.chip', 4);
    expect(textOf(page)).toContain('没有符合条件的账号');
    expect(fake.requests).toHaveLength(requestsBefore);
  });

  test('when an account is tapped, then its detail opens; 年审看板 opens the board', async () => {
    const page = await render('pages/accounts/accounts');
    await tap(page, '.account', 2);
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({
      url: `/pages/account-detail/account-detail?id=${health.id}`,
    });
    await tap(page, '.board-link');
    expect(fake.mocks.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/annual-reviews/annual-reviews' });
  });

  test('when the registry spans pages, then every page is read with the cursor', async () => {
    fake.route('GET /api/v1/accounts', (request) =>
      ok(
        request.query.cursor === 'page-2'
          ? { accounts: [town], nextCursor: null }
          : { accounts: [education], nextCursor: 'page-2' },
      ),
    );
    const page = await render('pages/accounts/accounts');
    expect(names(page)).toEqual(['清河教育', '城关镇发布']);
    expect(sent('GET', '/api/v1/accounts').map((request) => request.query.cursor)).toEqual([undefined, 'page-2']);
  });

  test('when a leader opens it, then it says it is for admins and asks the API nothing', async () => {
    signIn(fake.storage, fixtures.leader);
    const page = await render('pages/accounts/accounts');
    expect(textOf(page)).toBe('仅管理员可见：账号台账与年审由归口管理部门的管理员办理。');
    expect(fake.requests).toHaveLength(0);
  });

  test('when the registry cannot be read, then the reason is shown and 重试 reads it again', async () => {
    fake.route('GET /api/v1/accounts', failure(503, 'DATABASE_UNAVAILABLE', 'x'));
    const page = await render('pages/accounts/accounts');
    expect(textOf(page)).toContain('服务器暂时出错，请稍后重试');
    fake.route('GET /api/v1/accounts', ok(fixtures.accountList));
    await tap(page, '.retry');
    expect(names(page)).toHaveLength(5);
  });

  test('when the cadence figures cannot be read, then the accounts still show and a notice says what is missing', async () => {
    fake.route('GET /api/v1/cadence', failure(500, 'INTERNAL', 'x'));
    const page = await render('pages/accounts/accounts');
    expect(names(page)).toHaveLength(5);
    expect(textOf(page)).toContain('更新情况暂时读取不到，下拉可重试');
    expect(textOf(page)).not.toContain('距上次更新');
  });

  test('when no account is registered, then it says so', async () => {
    fake.route('GET /api/v1/accounts', ok({ accounts: [], nextCursor: null }));
    const page = await render('pages/accounts/accounts');
    expect(textOf(page)).toBe('还没有登记的账号');
  });
});

describe('account detail page', () => {
  const open = (account: AccountView) => render('pages/account-detail/account-detail', { query: { id: account.id } });

  test('when opened, then the application, filings with each change, and the reviews of every year are shown', async () => {
    const page = await open(education);
    expect(textsOf(page, '.field')).toEqual([
      '开设目的和定位 发布全县教育政策、招生考试和校园安全信息',
      '发布范围 县内教育政务信息',
      '主办单位 县教育局',
      '分管领导 孙丽',
      '后台管理员 刘洋（0311-5551234）',
      '开设日期 2025-03-02',
      '申请时间 2025-02-27 10:00',
      '开办审批 已批准 · 李静 · 2025-03-02 10:00',
      '批准文号：清网信〔2025〕3号',
      '备案 已于 2025-03-03 10:00 备案',
      '互动功能 互动功能已开启',
      '平台认证 认证 2026-12-17 到期，还有 20 天',
    ]);
    expect(textsOf(page, '.filing')).toEqual([
      '开办备案 2025-03-03 10:00 · 经办 李静',
      '分管领导变更备案 2026-06-10 10:00 · 经办 李静 变更 钱卫东 → 孙丽 说明 分管领导调整',
    ]);
    expect(textsOf(page, '.review')).toEqual([
      '2026 年审：未提交报告 尚未提交报告',
      '2025 年审：已通过 报告 1 份，最近 2025-12-03 11:00（刘洋），含逾期补交 通过 · 李静 · 2025-12-04 10:00：补交后通过',
    ]);
    expect(sent('GET', '/api/v1/annual-reviews')[0].query).toEqual({ accountId: education.id, limit: '100' });
    expect(textOf(page)).not.toContain('关停流程');
  });

  test('when an opening is approved with a document number, then the decision is sent and the account shown anew', async () => {
    fake.route('GET /api/v1/accounts/:id', ok(applying));
    fake.route(
      'POST /api/v1/accounts/:id/opening-decision',
      ok({ ...applying, status: 'active', statusText: '运行中', openingApproval: { ...education.openingApproval } }),
    );
    const page = await open(applying);
    expect(textsOf(page, '.action')).toEqual(['批准开办', '不批准']);
    fake.answerModal(true, ' 清网信〔2026〕8号 ');
    await tap(page, '.approve-opening');

    expect(sent('POST', `/api/v1/accounts/${applying.id}/opening-decision`)[0].body).toEqual({
      decision: 'approve',
      documentNumber: '清网信〔2026〕8号',
    });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已批准开办' }));
    expect(textsOf(page, '.account-head')).toEqual(['清河政务头条 运行中']);
  });

  test('when an opening is rejected, then a reason is required, and the API refusal is shown in Chinese', async () => {
    fake.route('GET /api/v1/accounts/:id', ok(applying));
    fake.route(
      'POST /api/v1/accounts/:id/opening-decision',
      failure(409, 'ACCOUNT_NOT_APPLYING', '该账号的开办申请已审批，不能重复审批'),
    );
    const page = await open(applying);
    fake.answerModal(true, '  ');
    await tap(page, '.reject-opening');
    expect(sent('POST', `/api/v1/accounts/${applying.id}/opening-decision`)).toHaveLength(0);
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请填写不批准的理由' }));

    fake.answerModal(true, '同一平台已有账号');
    await tap(page, '.reject-opening');
    expect(sent('POST', `/api/v1/accounts/${applying.id}/opening-decision`)[0].body).toEqual({
      decision: 'reject',
      reason: '同一平台已有账号',
    });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '该账号的开办申请已审批，不能重复审批' }),
    );
    expect(textsOf(page, '.account-head')).toEqual(['清河政务头条 开办申请待审批']);
  });

  test('when a closing account is opened, then the steps show their dates and the next step asks for the notice link', async () => {
    fake.route('GET /api/v1/accounts/:id', ok(closing));
    fake.route('POST /api/v1/accounts/:id/closure', ok({ ...closing, nextClosureStep: 'platform-cancelled' }));
    const page = await open(closing);
    expect(textsOf(page, '.closure-step-row')).toEqual([
      '✓ 申请关停 2026-11-10 10:00 · 钱卫东 与“城关镇发布”合并运营',
      '✓ 批准关停 2026-11-12 10:00 · 李静',
      '→ 发布停更公告（下一步）',
      '○ 平台注销',
      '○ 关停备案',
    ]);
    expect(textsOf(page, '.closure-step')).toEqual(['办理：发布停更公告']);
    expect(queryAll(page, '.withdraw-closure')).toHaveLength(0);

    fake.answerModal(false);
    await tap(page, '.closure-step');
    expect(sent('POST', `/api/v1/accounts/${closing.id}/closure`)).toHaveLength(0);

    fake.answerModal(true, 'https://mp.weixin.qq.com/s/stop');
    await tap(page, '.closure-step');
    expect(sent('POST', `/api/v1/accounts/${closing.id}/closure`)[0].body).toEqual({
      step: 'stop-notice-published',
      url: 'https://mp.weixin.qq.com/s/stop',
    });
    expect(textsOf(page, '.closure-step')).toEqual(['办理：平台注销']);
  });

  test('when 申请关停 is given a reason, then the first closure step is recorded with it', async () => {
    const page = await open(education);
    fake.answerModal(true, '与县教育局公众号合并');
    await tap(page, '.request-closure');
    expect(sent('POST', `/api/v1/accounts/${education.id}/closure`)[0].body).toEqual({
      step: 'requested',
      note: '与县教育局公众号合并',
    });
  });

  test('when an approved account is not filed yet, then 登记备案 records the filing after confirmation', async () => {
    const unfiled = { ...education, filedAt: null, filingOverdue: true, filings: [] };
    fake.route('GET /api/v1/accounts/:id', ok(unfiled));
    fake.route('POST /api/v1/accounts/:id/filing', ok(education));
    const page = await open(unfiled);
    expect(textOf(page)).toContain('已逾期，须于 2025-03-05 00:00 前备案');
    expect(textsOf(page, '.flag')[0]).toBe('逾期未备案');
    await tap(page, '.file');
    expect(sent('POST', `/api/v1/accounts/${education.id}/filing`)[0].body).toEqual({});
    expect(textOf(page)).toContain('已于 2025-03-03 10:00 备案');
  });

  test('when a closure request is not yet approved, then 撤回关停申请 withdraws it with the note; cancel sends nothing', async () => {
    const requested: AccountView = { ...closing, closure: [closing.closure[0]], nextClosureStep: 'approved' };
    fake.route('GET /api/v1/accounts/:id', ok(requested));
    fake.route('POST /api/v1/accounts/:id/closure/withdrawal', ok({ ...education, id: closing.id }));
    const page = await open(requested);
    expect(textsOf(page, '.withdraw-closure')).toEqual(['撤回关停申请']);

    fake.answerModal(false);
    await tap(page, '.withdraw-closure');
    expect(sent('POST', `/api/v1/accounts/${closing.id}/closure/withdrawal`)).toHaveLength(0);

    fake.answerModal(true, ' 合并方案取消 ');
    await tap(page, '.withdraw-closure');
    expect(sent('POST', `/api/v1/accounts/${closing.id}/closure/withdrawal`)[0].body).toEqual({ note: '合并方案取消' });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已撤回关停申请' }));
    expect(textsOf(page, '.account-head')).toEqual(['清河教育 运行中']);
    expect(queryAll(page, '.withdraw-closure')).toHaveLength(0);
  });

  test('when the withdrawal is refused, then the API reason is shown and the account stays as it was', async () => {
    const requested: AccountView = { ...closing, closure: [closing.closure[0]], nextClosureStep: 'approved' };
    fake.route('GET /api/v1/accounts/:id', ok(requested));
    fake.route(
      'POST /api/v1/accounts/:id/closure/withdrawal',
      failure(409, 'CLOSURE_NOT_WITHDRAWABLE', '关停已获归口管理部门批准，不能再撤回申请'),
    );
    const page = await open(requested);
    fake.answerModal(true, '');
    await tap(page, '.withdraw-closure');
    expect(sent('POST', `/api/v1/accounts/${closing.id}/closure/withdrawal`)[0].body).toEqual({ note: '' });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '关停已获归口管理部门批准，不能再撤回申请' }),
    );
    expect(textsOf(page, '.withdraw-closure')).toEqual(['撤回关停申请']);
  });

  test('when 关闭互动功能 is tapped, then it warns of the inspection veto first and sends enabled false', async () => {
    fake.route('PUT /api/v1/accounts/:id/interaction', ok({ ...education, interactionEnabled: false }));
    const page = await open(education);
    expect(queryAll(page, '.interaction-on')).toHaveLength(0);

    fake.answerModal(false);
    await tap(page, '.interaction-off');
    expect(fake.mocks.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '关闭互动功能', content: expect.stringContaining('单项否决') }),
    );
    expect(sent('PUT', `/api/v1/accounts/${education.id}/interaction`)).toHaveLength(0);

    fake.answerModal(true);
    await tap(page, '.interaction-off');
    expect(sent('PUT', `/api/v1/accounts/${education.id}/interaction`)[0].body).toEqual({ enabled: false });
    expect(textOf(page)).toContain('互动功能 互动功能已关闭（全国检查单项否决）');
    expect(textsOf(page, '.interaction-on')).toEqual(['开启互动功能']);
  });

  test('when 开启互动功能 is refused, then the API reason is shown', async () => {
    fake.route('GET /api/v1/accounts/:id', ok(town));
    fake.route(
      'PUT /api/v1/accounts/:id/interaction',
      failure(409, 'ACCOUNT_BUSY', '该账号正在被他人修改，请稍后再试'),
    );
    const page = await open(town);
    await tap(page, '.interaction-on');
    expect(sent('PUT', `/api/v1/accounts/${town.id}/interaction`)[0].body).toEqual({ enabled: true });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '该账号正在被他人修改，请稍后再试' }),
    );
    expect(textOf(page)).toContain('互动功能 互动功能已关闭（全国检查单项否决）');
  });

  test('when a certification date is picked and confirmed, then the date is registered; 未认证 clears it', async () => {
    const renewed = { ...education, certification: { certified: true, expiresAt: '2027-12-16T16:00:00.000Z' } };
    fake.route('PUT /api/v1/accounts/:id/certification', ok(renewed));
    const page = await open(education);
    expect(page.instance.data.view.actions.certificationDate).toBe('2026-12-17');

    fake.answerModal(false);
    await fire(page, '.certification-picker', 'change', { value: '2027-12-17' });
    expect(sent('PUT', `/api/v1/accounts/${education.id}/certification`)).toHaveLength(0);

    fake.answerModal(true);
    await fire(page, '.certification-picker', 'change', { value: '2027-12-17' });
    expect(sent('PUT', `/api/v1/accounts/${education.id}/certification`)[0].body).toEqual({
      certified: true,
      expiresOn: '2027-12-17',
    });
    expect(textOf(page)).toContain('平台认证 认证 2027-12-17 到期');

    fake.route(
      'PUT /api/v1/accounts/:id/certification',
      failure(403, 'ADMIN_ONLY', '只有管理员可以办理账号开办、备案和变更'),
    );
    await tap(page, '.uncertified');
    expect(sent('PUT', `/api/v1/accounts/${education.id}/certification`)[1].body).toEqual({
      certified: false,
      expiresOn: null,
    });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '只有管理员可以办理账号开办、备案和变更' }),
    );
  });

  test('when a new leader is picked with a note, then the re-filing is sent; cancel or an empty note sends nothing', async () => {
    fake.route('POST /api/v1/accounts/:id/re-filings', ok(education));
    const page = await open(education);
    expect(sent('GET', '/api/v1/people')[0].query).toEqual({ unitId: education.unit.id, active: 'true', limit: '100' });
    expect(textsOf(page, '.refile-picker')).toEqual(['变更分管领导', '变更后台管理员']);

    fake.answerModal(false);
    await fire(page, '.refile-picker', 'change', { value: 1 });
    fake.answerModal(true, ' ');
    await fire(page, '.refile-picker', 'change', { value: 1 });
    expect(sent('POST', `/api/v1/accounts/${education.id}/re-filings`)).toHaveLength(0);
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '请写明变更说明（如职务调整）' }),
    );

    fake.answerModal(true, '职务调整');
    await fire(page, '.refile-picker', 'change', { value: 1 });
    expect(fake.mocks.showModal).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '分管领导变更为刘洋（信息员）' }),
    );
    expect(sent('POST', `/api/v1/accounts/${education.id}/re-filings`)[0].body).toEqual({
      role: 'leader',
      personId: fixtures.personPage.items[1].id,
      note: '职务调整',
    });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已备案分管领导变更' }));
  });

  test('when a new backend admin is picked, then the phone is asked too, and the API refusal is shown', async () => {
    fake.route(
      'POST /api/v1/accounts/:id/re-filings',
      failure(400, 'REFILING_UNCHANGED', '刘洋已是该账号的后台管理员，无需变更'),
    );
    const page = await open(education);
    const answers = [
      { confirm: true, cancel: false, content: '人员调整' },
      { confirm: true, cancel: false, content: '0311-5550000' },
    ];
    fake.mocks.showModal.mockImplementation((options: { success?: (result: unknown) => void }) => {
      const result = answers.shift();
      setTimeout(() => options.success?.(result), 0);
    });
    queryAll(page, '.refile-picker')[1].dispatchEvent('change', { detail: { value: 1 } });
    await settle();
    expect(sent('POST', `/api/v1/accounts/${education.id}/re-filings`)[0].body).toEqual({
      role: 'admin',
      personId: fixtures.personPage.items[1].id,
      phone: '0311-5550000',
      note: '人员调整',
    });
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '刘洋已是该账号的后台管理员，无需变更' }),
    );
  });

  test('when the account is applying, rejected or closed, then none of the registry changes is offered', async () => {
    for (const account of [
      applying,
      { ...applying, status: 'rejected' as const, statusText: '未获批准' },
      { ...closing, status: 'closed' as const, statusText: '已关停', nextClosureStep: null },
    ]) {
      fake.route('GET /api/v1/accounts/:id', ok(account));
      const page = await open(account);
      for (const selector of ['.withdraw-closure', '.interaction-off', '.interaction-on', '.certification-picker']) {
        expect(queryAll(page, selector)).toHaveLength(0);
      }
      expect(queryAll(page, '.refile-picker')).toHaveLength(0);
    }
    expect(sent('GET', '/api/v1/people')).toHaveLength(0);
  });

  test("when this year's report is submitted, then it can be failed here with a reason", async () => {
    const submitted = fixtures.annualReviews.reviews[1];
    fake.route('GET /api/v1/annual-reviews', ok({ reviews: [submitted], nextCursor: null }));
    fake.route(
      'POST /api/v1/annual-reviews/:id/decision',
      ok({
        ...submitted,
        status: 'failed',
        statusText: '未通过',
        decision: {
          passed: false,
          by: fixtures.accountList.accounts[0].leaderInCharge,
          at: fixtures.now,
          reason: '缺少留言办理情况',
        },
      }),
    );
    const page = await open(town);
    fake.answerModal(true, '缺少留言办理情况');
    await tap(page, '.fail-review');
    expect(sent('POST', `/api/v1/annual-reviews/${submitted.id}/decision`)[0].body).toEqual({
      passed: false,
      reason: '缺少留言办理情况',
    });
    expect(textsOf(page, '.review')[0]).toContain('2026 年审：未通过');
    expect(queryAll(page, '.fail-review')).toHaveLength(0);
  });

  test('when the account is outside the admin scope, then the API reason is shown; a leader is told it is for admins', async () => {
    fake.route('GET /api/v1/accounts/:id', failure(404, 'ACCOUNT_NOT_FOUND', '找不到该账号，或它不在您的管理范围内'));
    const page = await open(education);
    expect(textOf(page)).toBe('找不到该账号，或它不在您的管理范围内 重试');

    signIn(fake.storage, fixtures.leader);
    const forLeader = await open(education);
    expect(textOf(forLeader)).toBe('仅管理员可见：账号台账与年审由归口管理部门的管理员办理。');
  });
});
