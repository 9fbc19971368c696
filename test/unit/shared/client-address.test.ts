import { clientAddress, parseTrustedProxies } from '../../../src/shared/client-address';
import type { TrustedProxies } from '../../../src/shared/client-address';

function proxies(text: string): TrustedProxies {
  const parsed = parseTrustedProxies(text);
  if (!parsed.ok) throw new Error(`not a list of proxies: ${parsed.entry}`);
  return parsed.proxies;
}

describe('the trusted proxies setting', () => {
  test('when it lists addresses and ranges of either family, then each is trusted and nothing else', () => {
    const trusted = proxies('10.0.0.0/8, 127.0.0.1 ::1,fd00::/8');
    for (const address of ['10.1.2.3', '127.0.0.1', '::ffff:127.0.0.1', '::1', 'fd12::5']) {
      expect([address, trusted.includes(address)]).toEqual([address, true]);
    }
    for (const address of ['11.0.0.1', '127.0.0.2', '::2', 'fe80::1', '', 'garbage']) {
      expect([address, trusted.includes(address)]).toEqual([address, false]);
    }
  });

  test('when it is empty, then no address is trusted', () => {
    expect(proxies('').includes('127.0.0.1')).toBe(false);
    expect(proxies(' , ').includes('::1')).toBe(false);
  });

  test.each(['localhost', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/x', '300.1.1.1'])(
    'when it holds %s, then that entry is named as invalid',
    (entry) => {
      expect(parseTrustedProxies(`127.0.0.1, ${entry}`)).toEqual({ ok: false, entry });
    },
  );
});

describe('the client address of a request', () => {
  const none = proxies('');
  const front = proxies('10.0.0.0/8, 127.0.0.1');

  test('when no proxy is trusted, then X-Forwarded-For is ignored and the socket peer is the client', () => {
    expect(clientAddress('198.51.100.4', '203.0.113.7', none)).toBe('198.51.100.4');
    expect(clientAddress('::ffff:198.51.100.4', '', none)).toBe('198.51.100.4');
  });

  test('when the peer is a trusted proxy, then the rightmost untrusted forwarded address is the client', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', front)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '1.1.1.1, 203.0.113.7, 10.0.0.2', front)).toBe('203.0.113.7');
    // What the client wrote itself, left of the address the proxy saw, does not matter.
    expect(clientAddress('127.0.0.1', 'forged, 2.2.2.2,203.0.113.7', front)).toBe('203.0.113.7');
  });

  test('when the peer is a trusted proxy and forwards nothing, then the proxy is the client', () => {
    expect(clientAddress('10.0.0.9', '', front)).toBe('10.0.0.9');
    expect(clientAddress('10.0.0.9', ' , ', front)).toBe('10.0.0.9');
  });

  test('when every forwarded address is a trusted proxy, then the leftmost is the client', () => {
    expect(clientAddress('127.0.0.1', '10.0.0.3, 10.0.0.2', front)).toBe('10.0.0.3');
  });

  test('when the peer is not trusted, then what it forwards is ignored', () => {
    expect(clientAddress('203.0.113.7', '10.0.0.2, 127.0.0.1', front)).toBe('203.0.113.7');
  });
});
