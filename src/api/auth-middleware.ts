/**
 * API access: a bearer token (see access-tokens.ts) naming a person who is, at this moment, active,
 * and their session (a mini-program login or a CLI token), which must not have ended (logout, reuse of
 * a refresh token, unbinding, `revoke-tokens`, an import that took the admin role); read fresh on every
 * request, so an ending applies at once in every process. The person, with what they may see
 * (viewer-scope.ts), is put on `ctx.state.viewer`.
 */
import type { Middleware } from 'koa';
import { UnauthorizedError } from '../shared/errors';
import type { Viewer } from '../people/viewer-scope';
import { authRequired } from '../shared/route-kit';
import type { ViewerState } from '../shared/route-kit';
import type { AccessTokens } from './access-tokens';

export interface AuthDependencies {
  accessTokens: Pick<AccessTokens, 'verify'>;
  findViewer(personId: string): Promise<Viewer | null>;
  isSessionActive(sessionId: string, personId: string): Promise<boolean>;
}

/** Paths under the API prefix that need no token. */
export function requireViewer(dependencies: AuthDependencies, publicPaths: Set<string>): Middleware<ViewerState> {
  return async (ctx, next) => {
    if (publicPaths.has(ctx.path)) return next();
    const [scheme, token] = ctx.get('authorization').trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw authRequired();
    const { personId, sessionId } = dependencies.accessTokens.verify(token);
    if (!(await dependencies.isSessionActive(sessionId, personId))) {
      throw new UnauthorizedError('AUTH_SESSION_ENDED', '登录已退出或已失效，请重新登录');
    }
    const viewer = await dependencies.findViewer(personId);
    if (!viewer) throw new UnauthorizedError('AUTH_PERSON_INACTIVE', '您的账号已停用或不在职，无法继续使用');
    ctx.state.viewer = viewer;
    ctx.state.sessionId = sessionId;
    ctx.state.logger = ctx.state.logger.child({ personId: viewer.id });
    await next();
  };
}
