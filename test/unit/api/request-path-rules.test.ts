import { canonicalPath, isUnderPath } from '../../../src/api/request-path-rules';

describe('reading a request path for the checks before the router', () => {
  test.each([
    ['/api/v1/drafts/K7Q2', '/api/v1/drafts/k7q2'],
    ['/API/V1/Drafts', '/api/v1/drafts'],
    ['//api//v1///auth/wechat/', '/api/v1/auth/wechat'],
    ['/%61pi/v1/%41UTH/bind', '/api/v1/auth/bind'],
    ['/api/v1/drafts/%zz', '/api/v1/drafts/%zz'],
    ['/', '/'],
    ['//', '/'],
  ])('when the path is %s, then it reads as %s', (path, expected) => {
    expect(canonicalPath(path)).toBe(expected);
  });

  test('when a path is under a prefix in any spelling, then it is; a longer word is not', () => {
    expect(isUnderPath('/API/v1/auth/wechat', '/api/v1/auth')).toBe(true);
    expect(isUnderPath('/api/v1/auth', '/api/v1/auth')).toBe(true);
    expect(isUnderPath('/api/v1/authors', '/api/v1/auth')).toBe(false);
    expect(isUnderPath('/healthz', '/api/v1')).toBe(false);
  });
});
