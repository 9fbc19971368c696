/**
 * Admin API access: a bearer token (see access-tokens.ts) naming a person who is, at this moment, an
 * active admin. The admin, with the units they look after, is put on `ctx.state.admin`.
 */
import type { Middleware } from 'koa';
import { ForbiddenError, UnauthorizedError } from '../shared/errors';
import type { AdminSummary } from '../people/people-service';
import type { AccessTokens } from './access-tokens';
import type { RequestState } from './request-context-middleware';

export interface AdminState extends RequestState {
  admin: AdminSummary;
}

export interface AuthDependencies {
  accessTokens: Pick<AccessTokens, 'verify'>;
  people: { findAdmin(personId: string): Promise<AdminSummary | null> };
}

export function requireAdmin(dependencies: AuthDependencies): Middleware<AdminState> {
  return async (ctx, next) => {
    const [scheme, token] = ctx.get('authorization').trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedError('AUTH_REQUIRED', '请先登录：请求须带 Authorization: Bearer <令牌>');
    }
    const { personId } = dependencies.accessTokens.verify(token);
    const admin = await dependencies.people.findAdmin(personId);
    if (!admin) throw new ForbiddenError('ADMIN_ONLY', '仅在职的管理员可以使用管理接口');
    ctx.state.admin = admin;
    ctx.state.logger = ctx.state.logger.child({ adminId: admin.id });
    await next();
  };
}
