import type { loadConfig } from '../../../src/shared/config';

function loadWith(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    // `config` reads the environment once per module instance, so each load gets fresh modules.
    let config: ReturnType<typeof loadConfig> | undefined;
    jest.isolateModules(() => {
      config = (jest.requireActual('../../../src/shared/config') as { loadConfig: typeof loadConfig }).loadConfig();
    });
    return config as ReturnType<typeof loadConfig>;
  } finally {
    process.env = saved;
  }
}

describe('config', () => {
  test('when nothing is set, then the defaults validate into a frozen object', () => {
    const config = loadWith({});
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.outbox.perContactIntervalMs).toBeGreaterThanOrEqual(0);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  test('when an environment variable sets a number, then it is coerced', () => {
    expect(loadWith({ PORT: '8080' }).http.port).toBe(8080);
  });

  test('when a number is not a number, then the error names the key and the variable', () => {
    expect(() => loadWith({ PORT: 'abc' })).toThrow(
      'config key http.port (env PORT) is invalid: must be an integer from 0 to 65535, got "abc"',
    );
  });

  test('when trusted proxies are listed, then they are kept; an entry that is no address is named', () => {
    expect(loadWith({}).http.trustedProxies).toBe('');
    expect(loadWith({ TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).http.trustedProxies).toBe('10.0.0.0/8, ::1');
    expect(() => loadWith({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.local' })).toThrow(
      'config key http.trustedProxies (env TRUSTED_PROXIES) is invalid: must list IP addresses or CIDR ranges separated by commas, such as 10.0.0.0/8, 127.0.0.1; "proxy.local" is neither, got "10.0.0.0/8, proxy.local"',
    );
  });

  test('when the WeCom callback path lies under the API or the health routes, then start-up refuses it', () => {
    expect(loadWith({ WECOM_CALLBACK_PATH: '/wecom/callback' }).wecom.callbackPath).toBe('/wecom/callback');
    for (const path of ['/api/v1/wecom', '/API/callback', '//api', '/healthz', '/readyz/x']) {
      expect(() => loadWith({ WECOM_CALLBACK_PATH: path })).toThrow(
        /wecom\.callbackPath \(env WECOM_CALLBACK_PATH\) is invalid: must not be under \/api, \/healthz or \/readyz/,
      );
    }
  });

  test('when a secret is invalid, then its value is not echoed', () => {
    expect(() => loadWith({ JWT_SECRET: 'short-secret' })).toThrow(
      /auth\.jwtSecret \(env JWT_SECRET\) is invalid: must be at least 32 characters$/,
    );
  });

  test('when a URI is not a MongoDB URI, then the error says so without printing it', () => {
    let message = '';
    try {
      loadWith({ MONGODB_URI: 'postgres://user:pw@host/db' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('database.uri (env MONGODB_URI)');
    expect(message).not.toContain('pw');
  });
});
