import {
  checkApiBaseUrl,
  decideSettings,
  toConnectionView,
  unsetConnection,
} from '../../../src/publication/official-account-connection-rules';
import type { ConnectionFacts } from '../../../src/publication/official-account-connection-rules';

const account = { id: 'a1', name: '清河教育', platform: 'wechat-official-account', status: 'active' };
const secrets = {
  appSecret: '0123456789abcdef0123456789abcdef',
  token: 'shenfaToken1',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const connected: ConnectionFacts = {
  ...unsetConnection,
  appId: 'wx1234567890abcdef',
  apiBaseUrl: 'https://api.weixin.qq.com',
  secretsSet: { appSecret: true, token: true, encodingAesKey: true },
  state: 'connected',
};

describe('a change of the connection settings', () => {
  test('when the first connection gives every secret, then it is saved with the public API address by default', () => {
    expect(decideSettings(account, unsetConnection, { appId: 'wx1234567890abcdef', ...secrets })).toEqual({
      change: {
        appId: 'wx1234567890abcdef',
        apiBaseUrl: 'https://api.weixin.qq.com',
        secrets,
        publishing: { autoPublish: false, author: '', defaultCoverMediaId: '' },
        untested: true,
      },
    });
  });

  test('when the first connection leaves out secrets, then it is refused naming each one missing', () => {
    expect(decideSettings(account, unsetConnection, { appId: 'wx1234567890abcdef', token: 'abc' })).toEqual({
      refusal: {
        kind: 'invalid',
        code: 'CONNECTION_SECRET_REQUIRED',
        message: '请填写 AppSecret、EncodingAESKey（首次连接须填写 AppSecret、Token 和 EncodingAESKey）',
      },
    });
  });

  test('when a stored connection is changed without its secrets, then the stored ones are kept', () => {
    expect(decideSettings(account, connected, { appId: connected.appId, token: 'newToken' })).toEqual({
      change: {
        appId: connected.appId,
        apiBaseUrl: connected.apiBaseUrl,
        secrets: { token: 'newToken' },
        publishing: { autoPublish: false, author: '', defaultCoverMediaId: '' },
        untested: true,
      },
    });
  });

  test('when only the publishing settings are given, then they change, the last test still holds; left out, they stay as they were', () => {
    const publishing = { autoPublish: true, author: '县教育局', defaultCoverMediaId: 'cover_1' };
    expect(decideSettings(account, connected, { appId: connected.appId, ...publishing })).toMatchObject({
      change: { publishing, untested: false },
    });
    expect(
      decideSettings(account, { ...connected, ...publishing }, { appId: connected.appId, autoPublish: false }),
    ).toMatchObject({ change: { publishing: { ...publishing, autoPublish: false } } });
  });

  test('when the AppID or the API address changes without the AppSecret, then it is refused: the stored one goes nowhere new', () => {
    for (const input of [
      { appId: 'wxfedcba0987654321' },
      { appId: connected.appId, apiBaseUrl: 'https://gateway.example.gov.cn/wechat' },
    ]) {
      const decided = decideSettings(account, connected, input);
      expect(decided).toMatchObject({ refusal: { code: 'CONNECTION_SECRET_REQUIRED' } });
      expect(JSON.stringify(decided)).toContain('已保存的 AppSecret 不会发往新的 AppID 或地址');
    }
    expect(
      decideSettings(account, connected, { appId: 'wxfedcba0987654321', appSecret: secrets.appSecret }),
    ).toMatchObject({ change: { appId: 'wxfedcba0987654321', secrets: { appSecret: secrets.appSecret } } });
  });

  test('when the account is on another platform, or closed, then it cannot be connected', () => {
    const input = { appId: 'wx1234567890abcdef', ...secrets };
    expect(decideSettings({ ...account, platform: 'weibo' }, unsetConnection, input)).toMatchObject({
      refusal: { kind: 'conflict', code: 'CONNECTION_PLATFORM_UNSUPPORTED' },
    });
    for (const status of ['closed', 'rejected']) {
      expect(decideSettings({ ...account, status }, unsetConnection, input)).toMatchObject({
        refusal: { kind: 'conflict', code: 'ACCOUNT_NOT_RUNNING' },
      });
    }
    expect(decideSettings({ ...account, status: 'closing' }, unsetConnection, input)).toHaveProperty('change');
  });
});

describe('the API address', () => {
  test.each([
    ['https://api.weixin.qq.com/', 'https://api.weixin.qq.com'],
    ['https://gateway.example.gov.cn/wechat/', 'https://gateway.example.gov.cn/wechat'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('when it is %s, then it is kept as %s', (text, url) => {
    expect(checkApiBaseUrl(text)).toEqual({ url });
  });

  test.each([
    'http://api.weixin.qq.com',
    'http://10.0.0.5:8080',
    'ftp://api.weixin.qq.com',
    'api.weixin.qq.com',
    'https://user:pass@api.weixin.qq.com',
    'https://api.weixin.qq.com/?a=1',
    'https://api.weixin.qq.com/#x',
  ])('when it is %s, then it is refused', (text) => {
    expect(checkApiBaseUrl(text)).toMatchObject({ refusal: { kind: 'invalid', code: 'CONNECTION_API_URL_INVALID' } });
  });
});

describe('the connection as an admin sees it', () => {
  test('when a connection is shown, then it says whether each secret is set and where the platform pushes to', () => {
    const at = new Date('2026-11-02T02:00:00Z');
    const view = toConnectionView(
      'a1',
      { ...connected, lastTest: { at, ok: true, message: '已连接' }, changedAt: at, changedById: 'p1' },
      { id: 'p1', name: '李静' },
    );
    expect(view).toEqual({
      accountId: 'a1',
      state: 'connected',
      stateText: '已连接',
      appId: 'wx1234567890abcdef',
      apiBaseUrl: 'https://api.weixin.qq.com',
      secretsSet: { appSecret: true, token: true, encodingAesKey: true },
      pushPath: '/wechat-official/push/a1',
      autoPublish: false,
      author: '',
      defaultCoverMediaId: '',
      lastTest: { at: '2026-11-02T02:00:00.000Z', ok: true, message: '已连接' },
      changedAt: '2026-11-02T02:00:00.000Z',
      changedBy: { id: 'p1', name: '李静' },
    });
    expect(toConnectionView('a2', unsetConnection, null)).toMatchObject({ state: 'unset', stateText: '未连接' });
  });
});
