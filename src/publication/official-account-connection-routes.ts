/**
 * /api/v1/accounts/{id}/connection for the admins' mini-program: a 微信公众号 account's connection to the
 * platform's API — show it, set it (secrets write-only), test it, remove it. Admins whose scope covers
 * the account only, as for editing it; out of scope answers 404.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { accountIdParamsSchema } from '../shared/contracts/accounts';
import { connectionSchema, connectionSettingsSchema } from '../shared/contracts/connections';
import type { ConnectionCaller, OfficialAccountConnections } from './official-account-connection-service';

const adminOf = (ctx: ApiContext): ConnectionCaller => ({ kind: 'admin', personId: ctx.state.viewer.id });

export function officialAccountConnectionRoutes(
  connections: Pick<OfficialAccountConnections, 'show' | 'set' | 'test' | 'remove'>,
): ApiRoute[] {
  const route = {
    tag: 'accounts',
    access: 'admin' as const,
    params: accountIdParamsSchema,
    response: connectionSchema,
  };
  return [
    defineRoute({
      ...route,
      method: 'get',
      path: '/accounts/{id}/connection',
      summary: '公众号连接：AppID、接口地址、连接状态与最近一次测试；AppSecret 等密钥只说明是否已填写',
      handle: async (ctx, { params }) => ({ body: await connections.show(adminOf(ctx), params.id) }),
    }),
    defineRoute({
      ...route,
      method: 'put',
      path: '/accounts/{id}/connection',
      summary:
        '填写或修改公众号连接（AppID、AppSecret、Token、EncodingAESKey、接口地址）；未填写的密钥沿用已保存的，更改 AppID 或接口地址须重填 AppSecret',
      body: connectionSettingsSchema,
      errorStatuses: [403, 409, 503],
      handle: async (ctx, { params, body }) => ({ body: await connections.set(adminOf(ctx), params.id, body) }),
    }),
    defineRoute({
      ...route,
      method: 'post',
      path: '/accounts/{id}/connection/test',
      summary: '测试公众号连接：用已保存的设置向公众号接口取调用凭据，记录“已连接”或失败原因',
      errorStatuses: [403, 409, 503],
      handle: async (ctx, { params }) => ({ body: await connections.test(adminOf(ctx), params.id) }),
    }),
    defineRoute({
      ...route,
      method: 'delete',
      path: '/accounts/{id}/connection',
      summary: '删除公众号连接及已保存的密钥',
      errorStatuses: [403, 409],
      handle: async (ctx, { params }) => ({ body: await connections.remove(adminOf(ctx), params.id) }),
    }),
  ];
}
