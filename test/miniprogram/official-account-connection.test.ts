/** The 公众号连接 card of the account detail: its state and the write-only form (issue 25, slice C). */
import type { ConnectionView } from '../../src/shared/contracts';
import { failure, ok } from './support/fake-wx';
import type { FakeWx } from './support/fake-wx';
import { fixtures } from './support/fixtures';
import { connectionFixtures } from './support/connection-fixtures';
import { fire, render, tap, textOf, textsOf, typeInto } from './support/render';
import type { Rendered } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});
afterEach(() => jest.restoreAllMocks());

const [education, town] = fixtures.accountList.accounts;
const connectionPath = `/api/v1/accounts/${education.id}/connection`;
const sent = (method: string, path: string) =>
  fake.requests.filter((request) => request.method === method && request.path === path);
const secrets = {
  appSecret: 'a9f2c7e15b3d4e6f8a0b1c2d3e4f5a6b',
  token: 'ShenfaPushToken2026',
  encodingAesKey: 'Qm9yZGVyc0FyZU5vdEZvclNlY3JldHNLZXlz0123456',
};
const card = () =>
  render('components/official-account-connection/official-account-connection', {
    properties: { accountId: education.id },
  });
const answering = (view: ConnectionView) => ok(view);

/** Every secret typed into the card's form is gone from its data once saved. */
function expectNoSecretIn(rendered: Rendered): void {
  const data = JSON.stringify(rendered.instance.data);
  for (const secret of Object.values(secrets)) expect(data).not.toContain(secret);
}

describe('the connection on the account detail', () => {
  test('when an admin opens a 微信公众号 account, then the card shows its state, the settings, which secrets are set, the server URL and the last test', async () => {
    const page = await render('pages/account-detail/account-detail', { query: { id: education.id } });

    expect(textsOf(page, '.connection-state')).toEqual(['已连接']);
    expect(textsOf(page, '.connection-field')).toEqual([
      'AppID wx1234567890abcdef',
      '接口地址 https://api.weixin.qq.com',
      'AppSecret 已填写（不显示）',
      'Token 已填写（不显示）',
      'EncodingAESKey 已填写（不显示）',
      '发布方式 审核通过后发送“发布 编号”发布',
      '文章作者 县教育局',
      '默认封面 已设置',
      `服务器地址 http://127.0.0.1:3000/wechat-official/push/${education.id}（点按复制，填入公众号后台“服务器配置”）`,
      '最近测试 2026-11-26 10:10 已连接：公众号接口已接受本服务器的请求',
    ]);
    expect(textsOf(page, '.connection-button')).toEqual(['修改连接', '测试连接', '删除连接']);
    await tap(page, '.push-url');
    expect(fake.mocks.setClipboardData).toHaveBeenLastCalledWith({
      data: `http://127.0.0.1:3000/wechat-official/push/${education.id}`,
    });
  });

  test('when the account is on another platform, then there is no card and the connection is not asked for', async () => {
    const page = await render('pages/account-detail/account-detail', { query: { id: town.id } });
    expect(textOf(page)).not.toContain('公众号连接');
    expect(fake.requests.filter((request) => request.path.endsWith('/connection'))).toEqual([]);
  });

  test('when an account is not connected, then the card says what connecting gives and offers 填写连接 only', async () => {
    fake.route(`GET ${connectionPath}`, ok(connectionFixtures.unset));
    const rendered = await card();
    expect(textsOf(rendered, '.connection-state')).toEqual(['未连接']);
    expect(textOf(rendered)).toContain('发布接口仅已认证的订阅号、服务号可用');
    expect(textsOf(rendered, '.connection-button')).toEqual(['填写连接']);
  });
});

describe('filling in and changing the connection', () => {
  test('when the admin fills in the form and saves, then the settings go to the API once, the test follows, and the page forgets the secrets', async () => {
    fake.route(`GET ${connectionPath}`, ok(connectionFixtures.unset));
    fake.route(
      `PUT ${connectionPath}`,
      answering({ ...connectionFixtures.connected, state: 'untested', lastTest: null }),
    );
    fake.route(`POST ${connectionPath}/test`, answering(connectionFixtures.connected));
    const rendered = await card();

    await tap(rendered, '.open-connection-form');
    expect(textsOf(rendered, '.form-label')).toEqual([
      'AppID',
      'AppSecret',
      'Token',
      'EncodingAESKey',
      '接口地址',
      '文章作者',
      '自动发布',
    ]);
    await typeInto(rendered, '.app-id', ' wx1234567890abcdef ');
    await typeInto(rendered, '.app-secret', secrets.appSecret);
    await typeInto(rendered, '.token', secrets.token);
    await typeInto(rendered, '.aes-key', secrets.encodingAesKey);
    await tap(rendered, '.save-connection');

    expect(sent('PUT', connectionPath).map((request) => request.body)).toEqual([
      { appId: 'wx1234567890abcdef', ...secrets, author: '', autoPublish: false },
    ]);
    expect(sent('POST', `${connectionPath}/test`)).toHaveLength(1);
    expect(textsOf(rendered, '.connection-state')).toEqual(['已连接']);
    expect(textOf(rendered)).not.toContain('保存并测试');
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '已连接', icon: 'success' }),
    );
    expectNoSecretIn(rendered);
  });

  test('when a stored connection is changed, then its secret fields open empty, saying so, and those left empty are not sent', async () => {
    fake.route(`PUT ${connectionPath}`, answering(connectionFixtures.connected));
    fake.route(`POST ${connectionPath}/test`, answering(connectionFixtures.connected));
    const rendered = await card();

    await tap(rendered, '.open-connection-form');
    expect(rendered.instance.data.form).toEqual({
      appId: 'wx1234567890abcdef',
      apiBaseUrl: 'https://api.weixin.qq.com',
      appSecret: '',
      token: '',
      encodingAesKey: '',
      author: '县教育局',
      autoPublish: false,
    });
    expect(rendered.instance.data.display.placeholders.appSecret).toBe('已填写，留空则不变');
    await typeInto(rendered, '.token', 'NewToken2027');
    await tap(rendered, '.save-connection');

    expect(sent('PUT', connectionPath)[0].body).toEqual({
      appId: 'wx1234567890abcdef',
      apiBaseUrl: 'https://api.weixin.qq.com',
      token: 'NewToken2027',
      author: '县教育局',
      autoPublish: false,
    });
  });

  test('when the admin turns on automatic publishing and names the author, then only those go with the stored settings, and the card says so', async () => {
    fake.route(
      `PUT ${connectionPath}`,
      answering({ ...connectionFixtures.connected, autoPublish: true, author: '县教育局新闻科' }),
    );
    fake.route(
      `POST ${connectionPath}/test`,
      answering({ ...connectionFixtures.connected, autoPublish: true, author: '县教育局新闻科' }),
    );
    const rendered = await card();

    await tap(rendered, '.open-connection-form');
    await fire(rendered, '.auto-publish', 'change', { value: true });
    await typeInto(rendered, '.author', ' 县教育局新闻科 ');
    await tap(rendered, '.save-connection');

    expect(sent('PUT', connectionPath)[0].body).toEqual({
      appId: 'wx1234567890abcdef',
      apiBaseUrl: 'https://api.weixin.qq.com',
      author: '县教育局新闻科',
      autoPublish: true,
    });
    expect(textsOf(rendered, '.connection-field')).toEqual(
      expect.arrayContaining(['发布方式 审核通过后自动发布', '文章作者 县教育局新闻科']),
    );
  });

  test('when the API refuses the settings, then its reason shows in the form, which stays open, and nothing is tested', async () => {
    const reason = '更改 AppID 或接口地址时须重新填写 AppSecret（已保存的 AppSecret 不会发往新的 AppID 或地址）';
    fake.route(`PUT ${connectionPath}`, failure(400, 'CONNECTION_SECRET_REQUIRED', reason));
    const rendered = await card();

    await tap(rendered, '.open-connection-form');
    await typeInto(rendered, '.api-base-url', 'https://collector.example.com');
    await tap(rendered, '.save-connection');

    expect(textsOf(rendered, '.form-error')).toEqual([reason]);
    expect(textsOf(rendered, '.save-connection')).toEqual(['保存并测试']);
    expect(sent('POST', `${connectionPath}/test`)).toEqual([]);
    await tap(rendered, '.cancel-connection');
    expect(textsOf(rendered, '.connection-button')).toEqual(['修改连接', '测试连接', '删除连接']);
  });
});

describe('testing and removing', () => {
  test('when a test fails, then 连接失败 and the platform’s reason show in red', async () => {
    fake.route(`POST ${connectionPath}/test`, answering(connectionFixtures.failed));
    const rendered = await card();

    await tap(rendered, '.test-connection');

    expect(textsOf(rendered, '.connection-state')).toEqual(['连接失败']);
    expect(textsOf(rendered, '.last-test.critical')).toEqual([
      `2026-11-26 11:00 ${connectionFixtures.failed.lastTest?.message}`,
    ]);
    expect(fake.mocks.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '连接失败，原因见“最近测试”' }),
    );
  });

  test('when the admin removes the connection, then it is asked first; cancelled, nothing is sent; confirmed, it reads 未连接', async () => {
    fake.route(`DELETE ${connectionPath}`, answering(connectionFixtures.unset));
    const rendered = await card();

    fake.answerModal(false);
    await tap(rendered, '.remove-connection');
    expect(sent('DELETE', connectionPath)).toEqual([]);

    fake.answerModal(true);
    await tap(rendered, '.remove-connection');
    expect(sent('DELETE', connectionPath)).toHaveLength(1);
    expect(textsOf(rendered, '.connection-state')).toEqual(['未连接']);
    expect(textsOf(rendered, '.connection-button')).toEqual(['填写连接']);
  });

  test('when the connection cannot be read, then the reason shows and 重试 reads it again', async () => {
    fake.route(`GET ${connectionPath}`, failure(503, 'DATABASE_UNAVAILABLE', 'x'));
    const rendered = await card();
    expect(textOf(rendered)).toContain('服务器暂时出错，请稍后重试');

    fake.route(`GET ${connectionPath}`, ok(connectionFixtures.connected));
    await tap(rendered, '.retry');
    expect(textsOf(rendered, '.connection-state')).toEqual(['已连接']);
  });
});
