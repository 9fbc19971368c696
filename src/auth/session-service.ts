/**
 * Mini-program login: exchanges a `wx.login` code for the openid, finds the person bound to it, and
 * runs the session's tokens: a short access token and a refresh token rotated on every refresh. A
 * refresh token presented a second time was copied: the session ends at once for every holder. Every
 * login, binding, reuse and logout is an audit event (R3).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { AppError, ForbiddenError, UnauthorizedError } from '../shared/errors';
import { applyAtRevision } from '../shared/revision-guard';
import type { AuditTrail } from '../audit/audit-service';
import type { AccessTokens } from '../api/access-tokens';
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

export interface SessionServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  logger?: Logger;
  wechat: WechatCodeExchange;
  accessTokens: Pick<AccessTokens, 'issue'>;
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
    if (!session || session.revokedAt) throw invalidRefreshToken();
    if (stored.usedAt || (await applyAtRevision(RefreshTokenModel, stored, { usedAt: now }, now)) === 'lost') {
      await this.endSession(session, 'refresh-reuse', { personId: null });
      throw new UnauthorizedError('AUTH_REFRESH_REUSED', '登录凭证已被使用过，为安全起见已退出所有设备，请重新登录');
    }
    if (stored.expiresAt.getTime() <= now.getTime()) {
      throw new UnauthorizedError('AUTH_TOKEN_EXPIRED', '登录已过期，请重新登录');
    }
    const person = await this.dependencies.people.findMiniProgramPerson(session.provider, session.openid);
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

  async isSessionActive(sessionId: string): Promise<boolean> {
    const session = await LoginSessionModel.findById(sessionId, { revokedAt: 1, expiresAt: 1 }).lean();
    return Boolean(session && !session.revokedAt);
  }

  /** Ends every session of a person (their binding was removed). */
  endSessionsOf(personId: string): Promise<void> {
    return endSessionsOf(this.dependencies, personId);
  }

  private async startSession(person: PersonSummary, openid: string, action: string): Promise<LoginResponse> {
    const now = this.dependencies.clock.now();
    const session: LoginSession = {
      _id: randomUUID(),
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

/**
 * Ends every session of a person whose binding was removed; needs no login parts, so the bot (an
 * admin's 解绑 in chat) uses it as the API does.
 */
export async function endSessionsOf(
  dependencies: Pick<SessionServiceDependencies, 'clock' | 'audit' | 'logger'>,
  personId: string,
): Promise<void> {
  const sessions = await LoginSessionModel.find({ personId, revokedAt: null }).lean<LoginSession[]>();
  for (const session of sessions) await endSession(dependencies, session, 'unbound', { personId: null });
}

async function endSession(
  dependencies: Pick<SessionServiceDependencies, 'clock' | 'audit' | 'logger'>,
  session: LoginSession,
  reason: SessionEndReason,
  actor: { personId: LoginSession['personId'] | null },
): Promise<void> {
  const now = dependencies.clock.now();
  // Written by _id; ending twice only moves the time, and the first event (keyed) stays the record.
  await LoginSessionModel.updateOne({ _id: session._id }, { $set: { revokedAt: now, revokedReason: reason } });
  await dependencies.audit.append({
    key: `session.ended:${session._id}`,
    actor: { personId: actor.personId, via: miniProgramVia(session.openid) },
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

function hashToken(token: string): string {
  return createHash('sha256').update(`shenfa-refresh:${token}`).digest('hex');
}

function invalidRefreshToken(): UnauthorizedError {
  return new UnauthorizedError('AUTH_TOKEN_INVALID', '登录凭证无效，请重新登录');
}
