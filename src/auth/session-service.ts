/**
 * API sessions (session-model.ts). Mini-program login: exchanges a `wx.login` code for the openid,
 * finds the person bound to it, and runs the session's tokens: a short access token and a refresh
 * token rotated on every refresh. A refresh token presented a second time was copied: the session ends
 * at once for every holder. CLI tokens (startCliSession) are sessions too, so whatever ends a person's
 * sessions (endSessionsOf: unbinding, `revoke-tokens`, an import that takes the admin role) ends them.
 * Every login, binding, reuse, logout and ending is an audit event (R3).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { AppError, ForbiddenError, UnauthorizedError } from '../shared/errors';
import { applyAtRevision } from '../shared/claimed-write';
import type { AuditTrail } from '../audit/audit-service';
import type { PersonSummary } from '../people/people-records';
import type { LoginResponse } from '../shared/contracts/auth';
import type { WechatCodeExchange } from './wechat-client';
import { LoginSessionModel, RefreshTokenModel } from './session-model';
import type { AttemptLimiter } from './attempt-limiter';
import type { LoginSession, SessionEndReason } from './session-model';

export interface SessionPeople {
  findMiniProgramPerson(provider: string, openid: string): Promise<PersonSummary | null>;
  bindMiniProgram(input: { code: string; provider: string; externalId: string }): Promise<PersonSummary>;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Signs the API's access tokens (src/api/access-tokens.ts); sessions only need to issue them. */
export interface AccessTokenIssuer {
  issue(personId: string, options: { sessionId: string; ttlSeconds?: number }): IssuedToken;
}

export interface SessionServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  logger?: Logger;
  wechat: WechatCodeExchange;
  accessTokens: AccessTokenIssuer;
  people: SessionPeople;
  /** Bind tries are counted here, in the database, so every API process sees them. */
  attempts: Pick<AttemptLimiter, 'admit' | 'clear'>;
  /** The mini-program's appid: openids are only unique within one app. */
  provider: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** Wrong bind codes allowed per openid per clock hour, as for chat contacts: six digits can be guessed. */
const maxFailedBindings = 5;
const bindWindowMs = 3_600_000;

export class SessionService {
  constructor(private readonly dependencies: SessionServiceDependencies) {}

  /** POST /auth/wechat. An unbound openid → 403 MINI_PROGRAM_NOT_BOUND saying how to bind. */
  async loginWithWechat(code: string): Promise<LoginResponse> {
    const { openid } = await this.dependencies.wechat.exchangeCode(code);
    const person = await this.dependencies.people.findMiniProgramPerson(this.dependencies.provider, openid);
    if (!person) {
      await this.dependencies.audit.append({
        actor: { via: miniProgramVia(openid) },
        action: 'session.login-refused',
        subject: { type: 'mini-program', id: openid },
        details: { reason: 'not-bound' },
      });
      throw new ForbiddenError(
        'MINI_PROGRAM_NOT_BOUND',
        '您的微信尚未绑定。请在工作群私聊机器人发送“小程序绑定”，收到 6 位绑定码后在此输入（10 分钟内有效）',
      );
    }
    return this.startSession(person, openid, 'session.login');
  }

  /** POST /auth/bind: binds the openid with a code from the bot, then logs in. */
  async bind(code: string, bindCode: string): Promise<LoginResponse> {
    const { openid } = await this.dependencies.wechat.exchangeCode(code);
    const failures = { key: `bind-failed:${openid}`, windowMs: bindWindowMs, max: maxFailedBindings };
    // Each try is counted before the code is looked at (concurrent guesses cannot slip past the
    // limit) and forgotten once a code was right.
    if (!(await this.dependencies.attempts.admit(failures)).allowed) {
      throw new AppError('BIND_ATTEMPTS_EXCEEDED', '绑定码错误次数过多，请 1 小时后再试', { status: 429 });
    }
    const person = await this.dependencies.people.bindMiniProgram({
      code: bindCode,
      provider: this.dependencies.provider,
      externalId: openid,
    });
    await this.dependencies.attempts.clear(failures.key);
    return this.startSession(person, openid, 'session.login');
  }

  /** POST /auth/refresh: spends the refresh token and answers with the next pair. */
  async refresh(refreshToken: string): Promise<LoginResponse> {
    const now = this.dependencies.clock.now();
    const stored = await RefreshTokenModel.findOne({ tokenHash: hashToken(refreshToken) }).lean();
    if (!stored) throw invalidRefreshToken();
    const session = await LoginSessionModel.findById(stored.sessionId).lean<LoginSession>();
    const identity = session && !session.revokedAt ? miniProgramIdentity(session) : null;
    if (!session || !identity) throw invalidRefreshToken();
    if (stored.usedAt || (await applyAtRevision(RefreshTokenModel, stored, { usedAt: now }, now)) === 'lost') {
      await this.endSession(session, 'refresh-reuse', { personId: null });
      throw new UnauthorizedError('AUTH_REFRESH_REUSED', '登录凭证已被使用过，为安全起见已退出所有设备，请重新登录');
    }
    if (stored.expiresAt.getTime() <= now.getTime()) {
      throw new UnauthorizedError('AUTH_TOKEN_EXPIRED', '登录已过期，请重新登录');
    }
    const person = await this.dependencies.people.findMiniProgramPerson(identity.provider, identity.openid);
    if (!person) {
      await this.endSession(session, 'unbound', { personId: null });
      throw invalidRefreshToken();
    }
    return this.issueTokens(session, person);
  }

  /** POST /auth/logout: ends the session the refresh token belongs to. Unknown tokens change nothing. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await RefreshTokenModel.findOne({ tokenHash: hashToken(refreshToken) }).lean();
    const session = stored ? await LoginSessionModel.findById(stored.sessionId).lean<LoginSession>() : null;
    if (session && !session.revokedAt) await this.endSession(session, 'logout', { personId: session.personId });
  }

  /** Whether the session a token names is still open and is the token's person's (read on every request). */
  async isSessionActive(sessionId: string, personId: string): Promise<boolean> {
    const session = await LoginSessionModel.findById(sessionId, { revokedAt: 1, personId: 1 }).lean();
    return Boolean(session && !session.revokedAt && String(session.personId) === personId);
  }

  /** Ends every open session of these people; see the function of the same name. */
  endSessionsOf(personIds: string[], reason: SessionEndReason): Promise<number> {
    return endSessionsOf(this.dependencies, personIds, reason);
  }

  private async startSession(person: PersonSummary, openid: string, action: string): Promise<LoginResponse> {
    const now = this.dependencies.clock.now();
    const session: LoginSession = {
      _id: randomUUID(),
      kind: 'mini-program',
      personId: new Types.ObjectId(person.id),
      provider: this.dependencies.provider,
      openid,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.dependencies.refreshTtlSeconds * 1000),
      revokedAt: null,
      revokedReason: null,
    };
    await LoginSessionModel.create(session);
    await this.dependencies.audit.append({
      actor: { personId: person.id, via: miniProgramVia(openid) },
      action,
      subject: { type: 'person', id: person.id },
      details: { sessionId: session._id },
    });
    return this.issueTokens(session, person);
  }

  private async issueTokens(session: LoginSession, person: PersonSummary): Promise<LoginResponse> {
    const now = this.dependencies.clock.now();
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(now.getTime() + this.dependencies.refreshTtlSeconds * 1000);
    await RefreshTokenModel.create({
      sessionId: session._id,
      tokenHash: hashToken(refreshToken),
      issuedAt: now,
      expiresAt: refreshExpiresAt,
    });
    const access = this.dependencies.accessTokens.issue(person.id, {
      sessionId: session._id,
      ttlSeconds: this.dependencies.accessTtlSeconds,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      person: { id: person.id, name: person.name, title: person.title, roles: person.roles },
    };
  }

  private endSession(
    session: LoginSession,
    reason: SessionEndReason,
    actor: { personId: LoginSession['personId'] | null },
  ): Promise<void> {
    return endSession(this.dependencies, session, reason, actor);
  }
}

/** What ending sessions needs: no login parts, so the bot, the CLI and an import use it as the API does. */
export type SessionEndingDependencies = Pick<SessionServiceDependencies, 'clock' | 'audit' | 'logger'>;

/**
 * Ends every open session, mini-program and CLI, of these people (unbound, revoked by an admin, no
 * longer an admin, left); answers how many were open. Their next request is refused with 401.
 */
export async function endSessionsOf(
  dependencies: SessionEndingDependencies,
  personIds: string[],
  reason: SessionEndReason,
): Promise<number> {
  if (personIds.length === 0) return 0;
  const sessions = await LoginSessionModel.find({ personId: { $in: personIds }, revokedAt: null }).lean<
    LoginSession[]
  >();
  for (const session of sessions) await endSession(dependencies, session, reason, { personId: null });
  return sessions.length;
}

/**
 * A CLI token (`npm run admin -- api-token`): a session of kind 'cli' and one access token for its
 * whole life (`auth.jwtTtlSeconds`), no refresh. The caller checks who may have one and records the
 * issue; tests get their tokens here too, the same way.
 */
export async function startCliSession(
  dependencies: Pick<SessionServiceDependencies, 'clock' | 'accessTokens'>,
  personId: string,
): Promise<IssuedToken & { sessionId: string }> {
  const sessionId = randomUUID();
  const issued = dependencies.accessTokens.issue(personId, { sessionId });
  // Stored before the token is handed out: until then nobody can present it.
  await LoginSessionModel.create({
    _id: sessionId,
    kind: 'cli',
    personId: new Types.ObjectId(personId),
    provider: null,
    openid: null,
    createdAt: dependencies.clock.now(),
    expiresAt: issued.expiresAt,
    revokedAt: null,
    revokedReason: null,
  } satisfies LoginSession);
  return { ...issued, sessionId };
}

async function endSession(
  dependencies: SessionEndingDependencies,
  session: LoginSession,
  reason: SessionEndReason,
  actor: { personId: LoginSession['personId'] | null },
): Promise<void> {
  const now = dependencies.clock.now();
  // Written by _id; ending twice only moves the time, and the first event (keyed) stays the record.
  await LoginSessionModel.updateOne({ _id: session._id }, { $set: { revokedAt: now, revokedReason: reason } });
  await dependencies.audit.append({
    key: `session.ended:${session._id}`,
    actor: { personId: actor.personId, via: sessionVia(session) },
    action:
      reason === 'refresh-reuse' ? 'session.refresh-reused' : reason === 'logout' ? 'session.logout' : 'session.ended',
    subject: { type: 'person', id: String(session.personId) },
    details: { sessionId: session._id, reason },
  });
  dependencies.logger?.info({ sessionId: session._id, reason }, 'session ended');
}

function miniProgramVia(openid: string): string {
  return `mini-program:${openid}`;
}

/** The appid and openid a mini-program session logged in with; null for a CLI session. */
function miniProgramIdentity(session: LoginSession): { provider: string; openid: string } | null {
  return session.kind !== 'cli' && session.provider && session.openid
    ? { provider: session.provider, openid: session.openid }
    : null;
}

function sessionVia(session: LoginSession): string {
  const identity = miniProgramIdentity(session);
  return identity ? miniProgramVia(identity.openid) : 'cli-token';
}

function hashToken(token: string): string {
  return createHash('sha256').update(`shenfa-refresh:${token}`).digest('hex');
}

function invalidRefreshToken(): UnauthorizedError {
  return new UnauthorizedError('AUTH_TOKEN_INVALID', '登录凭证无效，请重新登录');
}
