/** The OpenAPI 3.1 document, generated from the same route declarations and zod schemas the API validates with. */
import type { z } from 'zod';
import { createDocument } from 'zod-openapi';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBodySchema } from '../shared/contracts/common';
import type { ApiRoute } from '../shared/route-kit';

const errorDescriptions: Record<number, string> = {
  400: '请求参数不正确',
  401: '未登录或登录已失效',
  403: '无权进行此操作',
  404: '不存在或不在权限范围内',
  409: '与当前状态冲突',
  413: '请求体过大',
  422: '无法处理',
  429: '请求过于频繁',
  500: '服务器内部错误',
  503: '依赖的服务暂时不可用',
};

/** getDraftsReference for get /drafts/{reference}. */
function operationIdOf(method: string, path: string): string {
  return `${method}${path.replace(/[{}]/g, '').replace(/(^|[/-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`;
}

function linksOf(
  route: ApiRoute,
  routes: ApiRoute[],
): Record<string, { operationId: string; parameters: Record<string, string> }> {
  return Object.fromEntries(
    (route.links ?? []).map(({ to, parameters }) => {
      const [method, path] = to.split(' ');
      if (!routes.some((target) => target.method === method && target.path === path)) {
        throw new Error(`OpenAPI link from ${route.method} ${route.path} to an unknown route: ${to}`);
      }
      const operationId = operationIdOf(method, path);
      return [operationId, { operationId, parameters }];
    }),
  );
}

export function createOpenApiDocument(routes: ApiRoute[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const success = route.successStatus ?? 200;
    const errors = [400, ...(route.access === 'public' ? [] : [401]), 404, ...(route.errorStatuses ?? []), 429, 500];
    if (route.body) errors.push(413);
    const operation: ZodOpenApiOperationObject = {
      operationId: operationIdOf(route.method, route.path),
      summary: route.summary,
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      // Params and queries are declared as objects (api-route's strictObject schemas).
      requestParams: {
        ...(route.params ? { path: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
      },
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses: {
        [success]: route.response
          ? {
              description: '成功',
              content: { 'application/json': { schema: route.response } },
              ...(route.links ? { links: linksOf(route, routes) } : {}),
            }
          : route.fileTypes
            ? {
                description: '文件',
                content: Object.fromEntries(
                  route.fileTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
                ),
              }
            : { description: '成功，无内容' },
        ...Object.fromEntries(
          [...new Set(errors)].map((status) => [
            status,
            {
              description: errorDescriptions[status] ?? '错误',
              content: { 'application/json': { schema: errorBodySchema } },
            },
          ]),
        ),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: '审发 shenfa 管理接口',
      version,
      description: '政务新媒体先审后发系统的管理接口（小程序使用）。错误统一为 {"error":{"code","message"}}。',
    },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
}
