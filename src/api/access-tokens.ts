/**
 * Access tokens for the admin API: a JWT (HS256) naming the person (`sub`) and their session (`sid`),
 * valid for `auth.jwtTtlSeconds` (CLI) or `auth.accessTtlSeconds` (mini-program).
 * The token says who, never what they may do: roles and scope come from the person as stored (reused
 * for a few seconds at most, see viewerCacheTtlMs), so an admin removed from office loses access then,
 * not when the token expires.
 * Issued by `npm run admin -- api-token <admin>` and by the mini-program's login, each within a session
 * (src/auth/session-service.ts) that unbinding, `revoke-tokens`, logout and the like end before the
 * token expires. A token without `sid`, `exp`, `iat` or `sub` is refused: earlier versions issued CLI
 * tokens without a session, and those are exactly the ones nothing could end.
 */
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AppConfig, AuthConfig } from '../shared/config';
import type { Clock } from '../shared/clock';
import { UnauthorizedError } from '../shared/errors';
import { resolveLocalSecret } from '../shared/local-secret';
import { isObjectIdText } from '../shared/ids';
import type { AccessTokenIssuer, IssuedToken } from '../auth/session-service';

const issuer = 'shenfa';
const audience = 'shenfa-admin-api';
/** Session ids are `randomUUID()`s. */
const sessionIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class AccessTokens implements AccessTokenIssuer {
  /**
   * The secret as a key object, made once: given the text, jsonwebtoken tries it as a public key on
   * every call and fails over to a secret key, which cost about 0.5 ms of CPU per API request.
   */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(personId: string, options: { sessionId: string; ttlSeconds?: number }): IssuedToken {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const ttlSeconds = options.ttlSeconds ?? this.ttlSeconds;
    const token = jwt.sign({ iat: issuedAt, sid: options.sessionId }, this.key, {
      algorithm: 'HS256',
      subject: personId,
      issuer,
      audience,
      expiresIn: ttlSeconds,
    });
    return { token, expiresAt: new Date((issuedAt + ttlSeconds) * 1000) };
  }

  /**
   * The person and session the token names; UnauthorizedError when it is malformed, forged, expired or
   * lacks a claim. Whether the session is still open is the caller's question (it needs the database).
   */
  verify(token: string): { personId: string; sessionId: string } {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer,
        audience,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new UnauthorizedError('AUTH_TOKEN_EXPIRED', '登录已过期，请重新登录', { cause: error });
      }
      throw new UnauthorizedError('AUTH_TOKEN_INVALID', '登录凭证无效，请重新登录', { cause: error });
    }
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (
      typeof payload === 'string' ||
      typeof payload.exp !== 'number' ||
      typeof payload.iat !== 'number' ||
      typeof payload.sub !== 'string' ||
      !isObjectIdText(payload.sub) ||
      typeof payload.sid !== 'string' ||
      !sessionIdPattern.test(payload.sid)
    ) {
      throw new UnauthorizedError('AUTH_TOKEN_INVALID', '登录凭证无效，请重新登录');
    }
    return { personId: payload.sub, sessionId: payload.sid };
  }
}

/** The token secret: `auth.jwtSecret`, or outside production one generated once in the data folder. */
export function createAccessTokens(
  config: Pick<AppConfig, 'dataDir' | 'environment'> & { auth: AuthConfig },
  clock: Clock,
): AccessTokens {
  const secret = resolveLocalSecret(config, {
    configured: config.auth.jwtSecret,
    fileName: 'api-token.key',
    missing: { code: 'JWT_SECRET_MISSING', message: 'set auth.jwtSecret (env JWT_SECRET) to sign API tokens' },
  });
  return new AccessTokens(secret, config.auth.jwtTtlSeconds, clock);
}
