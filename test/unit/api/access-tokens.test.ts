import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AccessTokens } from '../../../src/api/access-tokens';
import { ManualClock } from '../../../src/shared/clock';

const secret = 'access-tokens-unit-secret-0123456789abcdef';
const personId = '64b7f0c2a1b2c3d4e5f60718';
const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens(secret, 3600, clock);

/** The error code verify() throws, or null when it accepts the token. */
function refusal(token: string): string | null {
  try {
    tokens.verify(token);
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** A token as issue() signs it, with `change` applied to its claims, signed with `key`. */
function signed(change: (claims: Record<string, unknown>) => void, key = secret): string {
  const claims = jwt.decode(tokens.issue(personId, { sessionId: randomUUID() }).token) as Record<string, unknown>;
  change(claims);
  return jwt.sign(claims, key, { algorithm: 'HS256', noTimestamp: !('iat' in claims) });
}

describe('API access tokens', () => {
  test('when a token is issued for a person and session, then it names both and expires after the given time', () => {
    const sessionId = randomUUID();
    const issued = tokens.issue(personId, { sessionId });
    expect(tokens.verify(issued.token)).toEqual({ personId, sessionId });
    expect(issued.expiresAt).toEqual(new Date('2026-11-26T02:00:00Z'));
    const short = tokens.issue(personId, { sessionId, ttlSeconds: 900 });
    expect(short.expiresAt).toEqual(new Date('2026-11-26T01:15:00Z'));
  });

  test('when the expiry has passed, then it is refused as expired', () => {
    const { token } = tokens.issue(personId, { sessionId: randomUUID() });
    clock.advance(3600_000);
    try {
      expect(refusal(token)).toBe('AUTH_TOKEN_EXPIRED');
    } finally {
      clock.advance(-3600_000);
    }
  });

  test('when every claim is there, then the hand-signed token is accepted (the helper signs as issue does)', () => {
    expect(refusal(signed(() => undefined))).toBeNull();
  });

  test.each([
    ['no expiry (exp): it would never expire', (claims: Record<string, unknown>) => delete claims.exp],
    ['no issue time (iat)', (claims: Record<string, unknown>) => delete claims.iat],
    ['no person (sub)', (claims: Record<string, unknown>) => delete claims.sub],
    ['a person that is no id', (claims: Record<string, unknown>) => (claims.sub = '李静')],
    ['no session (sid), as CLI tokens of earlier versions', (claims: Record<string, unknown>) => delete claims.sid],
    ['a session that is no session id', (claims: Record<string, unknown>) => (claims.sid = { $ne: null })],
    ['another audience', (claims: Record<string, unknown>) => (claims.aud = 'someone-else')],
  ])('when it has %s, then it is refused as invalid', (_name, change) => {
    expect(refusal(signed(change))).toBe('AUTH_TOKEN_INVALID');
  });

  test('when it is signed with another secret or not signed at all, then it is refused as invalid', () => {
    expect(refusal(signed(() => undefined, 'another-secret-another-secret-0123456789'))).toBe('AUTH_TOKEN_INVALID');
    const claims = jwt.decode(tokens.issue(personId, { sessionId: randomUUID() }).token) as object;
    expect(refusal(jwt.sign(claims, '', { algorithm: 'none' }))).toBe('AUTH_TOKEN_INVALID');
  });
});
