/**
 * One declaration per API route: method, path, who may call it, the zod schemas of its params, query,
 * body and answer, and a thin handler. The same declarations mount the Koa routes (validating every
 * input, unknown fields rejected) and generate the OpenAPI document, so the two cannot drift apart.
 * Features import this kit and the request state their handlers read; src/api/ only assembles them.
 */
import type { Readable } from 'node:stream';
import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { z } from 'zod';
import { NotFoundError, UnauthorizedError, ValidationError } from './errors';
import type { Logger } from './logger';

/** Set for every request by the request-context middleware. */
export interface RequestState {
  requestId: string;
  logger: Logger;
}

/**
 * Who is asking. The kit needs only whether they are an admin; the people feature, which finds them,
 * adds the person and their scope to this interface (`declare module` in src/people/viewer-scope.ts,
 * as koa's DefaultState is extended), so the shared kit imports no feature.
 */
export interface RequestViewer {
  isAdmin: boolean;
}

/** Set by the token check (src/api/auth-middleware.ts) on every route that is not public. */
export interface ViewerState extends RequestState {
  /** Absent on public routes only. */
  viewer: RequestViewer;
  /** The session (mini-program login or CLI token) the token belongs to. */
  sessionId: string;
}

export function authRequired(): UnauthorizedError {
  return new UnauthorizedError('AUTH_REQUIRED', '请先登录：请求须带 Authorization: Bearer <令牌>');
}

/** public: no token; signed-in: any active person; admin: admins only (others get 404, as for any unseen route). */
export type RouteAccess = 'public' | 'signed-in' | 'admin';

export type ApiContext = ParameterizedContext<ViewerState>;

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
}

/** A handler's answer: JSON matching `response`, nothing (204), or a file stream. */
export type RouteAnswer<Response> =
  | { status?: 200 | 201; body: Response }
  | { status: 204 }
  | { status?: 200; file: { stream: Readable; contentType: string; fileName: string } };

export interface ApiRoute<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Response extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI form: /drafts/{reference}. */
  path: string;
  summary: string;
  tag: string;
  access: RouteAccess;
  params?: Params;
  query?: Query;
  body?: Body;
  /** The JSON answer; absent for 204 routes and file downloads. */
  response?: Response;
  /** For file downloads: the content types it may answer with. */
  fileTypes?: string[];
  successStatus?: 200 | 201 | 204;
  /** Error statuses worth documenting besides 400/404/429/500, and 401 on the routes behind the token. */
  errorStatuses?: number[];
  /**
   * OpenAPI links from the success answer to routes that take one of its ids ("get /drafts/{reference}"
   * with `{ reference: '$response.body#/items/0/id' }`), so API fuzzing reaches them with real ids.
   */
  links?: RouteLink[];
  handle(
    ctx: ApiContext,
    input: RouteInput<z.infer<Params>, z.infer<Query>, z.infer<Body>>,
  ): Promise<RouteAnswer<z.infer<Response>>>;
}

export interface RouteLink {
  /** The target route as "<method> <path>". */
  to: string;
  /** Its parameters, as OpenAPI runtime expressions. */
  parameters: Record<string, string>;
}

/** Keeps each route's types when routes of different shapes are listed together. */
export function defineRoute<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Response extends z.ZodType,
>(route: ApiRoute<Params, Query, Body, Response>): ApiRoute {
  return route as unknown as ApiRoute;
}

const noInput = z.strictObject({});

/** Registers the routes on a router (its prefix is /api/v1). */
export function mountRoutes(router: Router<ViewerState>, routes: ApiRoute[]): void {
  for (const route of routes) {
    const koaPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    router[route.method](koaPath, async (ctx) => {
      // The token check runs before the router; this holds even if a path were to reach a route without it.
      if (route.access !== 'public' && !ctx.state.viewer) throw authRequired();
      if (route.access === 'admin' && !ctx.state.viewer?.isAdmin) {
        // Out of scope looks the same as absent: no hint that the route exists.
        throw new NotFoundError('ROUTE_NOT_FOUND', '请求的接口不存在');
      }
      const input = {
        params: parseInput(route.params ?? noInput, ctx.params, '路径参数'),
        query: parseInput(route.query ?? noInput, ctx.query, '查询参数'),
        body: parseInput(route.body ?? noInput, route.method === 'get' ? {} : (ctx.request.body ?? {}), '请求体'),
      };
      const answer = await route.handle(ctx, input);
      if ('file' in answer) {
        ctx.status = 200;
        ctx.type = answer.file.contentType;
        ctx.attachment(answer.file.fileName);
        ctx.body = answer.file.stream;
      } else if (answer.status === 204) {
        ctx.status = 204;
      } else {
        ctx.status = answer.status ?? 200;
        ctx.body = answer.body;
      }
    });
  }
}

/**
 * Parses one part of a request. Only the first problem is named, in Chinese, with the field's path;
 * the value is not echoed (it may be a secret or an attack).
 */
function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, part: string): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join('.');
  const reason =
    issue.code === 'unrecognized_keys'
      ? `不认识的字段 ${issue.keys.map((key) => `“${key.slice(0, 40)}”`).join('、')}`
      : issue.code === 'invalid_type'
        ? `类型不正确${issue.input === undefined ? '（缺少此项）' : ''}`
        : issue.message && /[\u4e00-\u9fff]/.test(issue.message)
          ? issue.message
          : '取值不符合要求';
  throw new ValidationError('REQUEST_INVALID', `${part}${field ? ` ${field}` : ''}：${reason}`);
}
