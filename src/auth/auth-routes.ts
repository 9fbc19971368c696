/** /api/v1/auth/* (public, rate-limited) and /api/v1/me. */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import {
  bindRequestSchema,
  loginResponseSchema,
  logoutRequestSchema,
  meResponseSchema,
  refreshRequestSchema,
  wechatLoginRequestSchema,
} from '../shared/contracts/auth';
import type { SessionService } from './session-service';

export function authRoutes(sessions: SessionService): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/wechat',
      summary: '用 wx.login 的 code 登录；未绑定的微信返回 403 MINI_PROGRAM_NOT_BOUND 及绑定方法',
      tag: 'auth',
      access: 'public',
      body: wechatLoginRequestSchema,
      response: loginResponseSchema,
      // 401: WeChat refused the login code.
      errorStatuses: [401, 403, 503],
      handle: async (_ctx, { body }) => ({ body: await sessions.loginWithWechat(body.code) }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/bind',
      summary: '用机器人发来的 6 位绑定码绑定本微信并登录',
      tag: 'auth',
      access: 'public',
      body: bindRequestSchema,
      response: loginResponseSchema,
      errorStatuses: [401, 409, 503],
      handle: async (_ctx, { body }) => ({ body: await sessions.bind(body.code, body.bindCode) }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: '用刷新令牌换一对新令牌（刷新令牌只能用一次，重复使用会退出所有设备）',
      tag: 'auth',
      access: 'public',
      body: refreshRequestSchema,
      response: loginResponseSchema,
      // 401: the refresh token is unknown, spent or expired.
      errorStatuses: [401],
      handle: async (_ctx, { body }) => ({ body: await sessions.refresh(body.refreshToken) }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: '退出登录：本次登录的令牌全部失效',
      tag: 'auth',
      access: 'public',
      body: logoutRequestSchema,
      successStatus: 204,
      handle: async (_ctx, { body }) => {
        await sessions.logout(body.refreshToken);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me',
      summary: '当前登录的人员及其权限范围',
      tag: 'auth',
      access: 'signed-in',
      response: meResponseSchema,
      handle: async (ctx) => {
        const { viewer } = ctx.state;
        return {
          body: {
            person: { id: viewer.id, name: viewer.name, title: viewer.title, roles: viewer.roles },
            adminUnitIds: viewer.scope.adminRootUnitIds,
          },
        };
      },
    }),
  ];
}

export const publicAuthPaths = ['/auth/wechat', '/auth/bind', '/auth/refresh', '/auth/logout'];
