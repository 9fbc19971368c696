import { failure, installFakeWx, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { render, tap, textOf, typeInto } from './support/render';
import { fixtures } from './support/fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = installFakeWx();
});

describe('login page', () => {
  test('when a bound admin taps 微信一键登录, then the session is stored and the dashboard opens', async () => {
    fake.route('POST /api/v1/auth/wechat', ok(fixtures.login));
    const page = await render('pages/login/login');
    expect(textOf(page)).toContain('微信一键登录');

    await tap(page, '.button-primary');

    expect(fake.requests[0]).toMatchObject({ path: '/api/v1/auth/wechat', body: { code: 'wx-code-1' } });
    expect(fake.storage.get('shenfa.session')).toMatchObject({ accessToken: fixtures.login.accessToken });
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/dashboard/dashboard' });
  });

  test('when the openid is not bound, then the bind form asks for the 6-digit code and binding signs in', async () => {
    fake.route(
      'POST /api/v1/auth/wechat',
      failure(
        403,
        'MINI_PROGRAM_NOT_BOUND',
        '此微信尚未绑定。请向审发机器人发送“小程序绑定”，再输入收到的 6 位绑定码。',
      ),
    );
    fake.route('POST /api/v1/auth/bind', ok({ ...fixtures.login, person: fixtures.officer }));
    const page = await render('pages/login/login');
    await tap(page, '.button-primary');
    expect(textOf(page)).toContain('请向审发机器人发送“小程序绑定”');

    await typeInto(page, '.code-input', '12a3456');
    await tap(page, '.button-primary');

    expect(fake.requests[1]).toMatchObject({
      path: '/api/v1/auth/bind',
      body: { code: 'wx-code-2', bindCode: '123456' },
    });
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/drafts/drafts' });
  });

  test('when the bind code is not 6 digits, then nothing is sent and the form says why', async () => {
    fake.route('POST /api/v1/auth/wechat', failure(403, 'MINI_PROGRAM_NOT_BOUND', '尚未绑定'));
    const page = await render('pages/login/login');
    await tap(page, '.button-primary');
    await typeInto(page, '.code-input', '123');
    await tap(page, '.button-primary');

    expect(textOf(page)).toContain('请输入机器人发给您的 6 位数字绑定码');
    expect(fake.requests).toHaveLength(1);
  });

  test('when the bind code is wrong, then the API message is shown', async () => {
    fake.route('POST /api/v1/auth/wechat', failure(403, 'MINI_PROGRAM_NOT_BOUND', '尚未绑定'));
    fake.route(
      'POST /api/v1/auth/bind',
      failure(400, 'BIND_CODE_INVALID', '绑定码不正确或已过期，请重新发送“小程序绑定”获取'),
    );
    const page = await render('pages/login/login');
    await tap(page, '.button-primary');
    await typeInto(page, '.code-input', '654321');
    await tap(page, '.button-primary');

    expect(textOf(page)).toContain('绑定码不正确或已过期');
    expect(fake.storage.has('shenfa.session')).toBe(false);
  });

  test('when the network is down, then the login page says so in Chinese', async () => {
    fake.failNetwork('request:fail timeout');
    const page = await render('pages/login/login');
    await tap(page, '.button-primary');
    expect(textOf(page)).toContain('服务器响应超时，请稍后重试');
  });

  test('when a session is stored, then the login page goes straight to the home page', async () => {
    fake.storage.set('shenfa.session', { accessToken: 'a', refreshToken: 'r', profile: fixtures.officer });
    await render('pages/login/login');
    expect(fake.mocks.reLaunch).toHaveBeenCalledWith({ url: '/pages/drafts/drafts' });
  });
});
