/**
 * /api/v1 people, units, approval routes, delegations, bind codes and bindings (admins, within the
 * units they look after): what `npm run admin` does, through the same PeopleService functions. An
 * admin acts only on people adminMayActOnPerson allows: never on an admin of equal or wider scope.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { parseTimeBound } from '../shared/time-bounds';
import {
  approvalRouteListSchema,
  bindCodeRequestSchema,
  bindCodeResponseSchema,
  delegationListSchema,
  delegationRequestSchema,
  delegationViewSchema,
  idParamsSchema,
  importSummarySchema,
  organizationImportRequestSchema,
  peopleQuerySchema,
  personPageSchema,
  removalResponseSchema,
  unbindResponseSchema,
  unitListSchema,
} from '../shared/contracts/people';
import type { DelegationView } from '../shared/contracts/people';
import type { PeopleService } from './people-service';
import type { OrganizationFileImport } from './import-organization';
import type { Delegation } from './delegation-model';
import { listApprovalRoutes, listDelegations, listPeople, listUnits, placesOf } from './people-directory';
import { adminMayActOnPerson } from './admin-scope-rules';

export interface PeopleRouteDependencies {
  people: PeopleService;
  clock: Clock;
  timeZone: string;
  /** Releases the person's identities and sessions and tells admins what waits on them; see unbind-person.ts. */
  unbindPerson(
    personId: string,
    options: { byId: string; via: string },
  ): Promise<{
    bindingsRemoved: number;
    movedDrafts: { code: string; to: { id: string; name: string }[] }[];
    unassignedDrafts: string[];
  }>;
  /** The organization file with what follows for those who left; see import-organization.ts. */
  organization: Pick<OrganizationFileImport, 'importOrganization'>;
}

export function peopleRoutes(dependencies: PeopleRouteDependencies): ApiRoute[] {
  const { people } = dependencies;
  const names = async (ids: unknown[]) => {
    const found = await people.findPeople(ids.map(String));
    return (id: unknown) => ({ id: String(id), name: found.get(String(id))?.name ?? '' });
  };
  const actor = (ctx: ApiContext) => ({ byId: ctx.state.viewer.id, via: 'api' });
  const scopeOf = (ctx: ApiContext) => ({ scopeUnitIds: ctx.state.viewer.scope.adminRootUnitIds });
  /** A person the admin may not act on or name (see admin-scope-rules.ts) is "not found", like an unknown one. */
  const requirePerson = async (allowed: Promise<boolean>) => {
    if (!(await allowed)) throw new NotFoundError('PERSON_NOT_FOUND', '找不到该人员，或不在您的管理范围内');
  };

  const toDelegationView = async (delegation: Delegation): Promise<DelegationView> => {
    const person = await names([delegation.personId, delegation.delegateId]);
    return {
      id: String(delegation._id),
      person: person(delegation.personId),
      delegate: person(delegation.delegateId),
      from: delegation.from.toISOString(),
      until: delegation.until.toISOString(),
      cancelledAt: delegation.cancelledAt ? delegation.cancelledAt.toISOString() : null,
      createdAt: delegation.createdAt.toISOString(),
    };
  };

  return [
    defineRoute({
      method: 'get',
      path: '/units',
      summary: '管理范围内的单位',
      tag: 'people',
      access: 'admin',
      response: unitListSchema,
      links: [{ to: 'get /units/{unitId}/reminder-policy', parameters: { unitId: '$response.body#/items/0/id' } }],
      handle: async (ctx) => {
        const units = await listUnits(ctx.state.viewer.scope.adminUnitIds);
        const person = await names(units.flatMap((unit) => (unit.mainLeaderId ? [unit.mainLeaderId] : [])));
        return {
          body: {
            items: units.map((unit) => ({
              id: String(unit._id),
              name: unit.name,
              kind: unit.kind,
              parentId: unit.parentId ? String(unit.parentId) : null,
              mainLeader: unit.mainLeaderId ? person(unit.mainLeaderId) : null,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/people',
      summary: '管理范围内的人员（含绑定情况），游标分页',
      tag: 'people',
      access: 'admin',
      query: peopleQuerySchema,
      response: personPageSchema,
      links: [
        { to: 'post /people/{id}/bind-codes', parameters: { id: '$response.body#/items/0/id' } },
        { to: 'delete /people/{id}/bindings', parameters: { id: '$response.body#/items/0/id' } },
      ],
      handle: async (ctx, { query }) => {
        const scope = ctx.state.viewer.scope.adminUnitIds;
        if (query.unitId && !scope.includes(query.unitId)) return { body: { items: [], nextCursor: null } };
        const page = await listPeople(scope, query);
        const places = await placesOf(page.people);
        const manageable = (id: string) => {
          const place = places.get(id);
          return place ? adminMayActOnPerson(ctx.state.viewer.scope.adminRootUnitIds, place) : false;
        };
        const units = new Map(
          (await listUnits(page.people.flatMap((person) => person.unitIds.map(String)))).map((unit) => [
            String(unit._id),
            unit.name,
          ]),
        );
        return {
          body: {
            items: page.people.map((person) => ({
              id: String(person._id),
              name: person.name,
              code: person.code,
              title: person.title,
              roles: person.roles,
              units: person.unitIds.map((id) => ({ id: String(id), name: units.get(String(id)) ?? '' })),
              active: person.active,
              bindings: (page.bindings.get(String(person._id)) ?? []).map((binding) => ({
                kind: binding.kind,
                provider: binding.provider,
                boundAt: binding.boundAt.toISOString(),
              })),
              manageable: manageable(String(person._id)),
            })),
            nextCursor: page.nextCursor,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/organization/import',
      summary: '导入/更新组织架构文件（与 npm run admin -- import 相同；仅最上级单位的管理员）',
      tag: 'people',
      access: 'admin',
      body: organizationImportRequestSchema,
      response: importSummarySchema,
      errorStatuses: [403, 409],
      handle: async (ctx, { body }) => {
        // The file describes every unit and person: an admin of one branch may not rewrite the others.
        if (!(await people.coversWholeOrganization(ctx.state.viewer.scope.adminRootUnitIds))) {
          throw new ForbiddenError(
            'ORGANIZATION_IMPORT_TOP_ADMIN_ONLY',
            '组织架构文件涵盖全部单位和人员，只有最上级单位的管理员可以导入；请联系最上级单位的管理员',
          );
        }
        return {
          body: await dependencies.organization.importOrganization(body.content, body.format, actor(ctx)),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/people/{id}/bind-codes',
      summary: '为人员生成一次性聊天绑定码（与 npm run admin -- bind-code 相同）',
      tag: 'people',
      access: 'admin',
      params: idParamsSchema,
      body: bindCodeRequestSchema,
      response: bindCodeResponseSchema,
      successStatus: 201,
      handle: async (ctx, { params }) => {
        await requirePerson(people.adminMayActOn(scopeOf(ctx), params.id));
        const { code, expiresAt, person } = await people.createBindCode(params.id, actor(ctx));
        return {
          status: 201,
          body: {
            code,
            expiresAt: expiresAt.toISOString(),
            person: { id: person.id, name: person.name },
            instruction: `请本人在工作群私聊机器人发送：绑定 ${code}（24 小时内有效，只能使用一次）`,
          },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/people/{id}/bindings',
      summary: '解除人员的全部绑定（如已离职）：其小程序登录与接口令牌失效，待审步骤转给备审人，并通知管理员',
      tag: 'people',
      access: 'admin',
      params: idParamsSchema,
      response: unbindResponseSchema,
      handle: async (ctx, { params }) => {
        await requirePerson(people.adminMayActOn(scopeOf(ctx), params.id));
        const person = await people.findPersonByReference(params.id);
        const { bindingsRemoved, movedDrafts, unassignedDrafts } = await dependencies.unbindPerson(
          params.id,
          actor(ctx),
        );
        return {
          body: { person: { id: person.id, name: person.name }, bindingsRemoved, movedDrafts, unassignedDrafts },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/approval-routes',
      summary: '管理范围内各单位（账号）的审核路由',
      tag: 'people',
      access: 'admin',
      response: approvalRouteListSchema,
      handle: async (ctx) => {
        const routes = await listApprovalRoutes(ctx.state.viewer.scope.adminUnitIds);
        const person = await names(
          routes.flatMap((route) => [
            ...route.ccIds,
            ...route.steps.flatMap((step) => [...step.approverIds, ...step.backupApproverIds]),
          ]),
        );
        const units = new Map(
          (await listUnits(routes.map((route) => String(route.unitId)))).map((unit) => [String(unit._id), unit.name]),
        );
        return {
          body: {
            items: routes.map((route) => ({
              id: String(route._id),
              unit: { id: String(route.unitId), name: units.get(String(route.unitId)) ?? '' },
              accountId: route.accountId ? String(route.accountId) : null,
              steps: route.steps.map((step) => ({
                mode: step.mode,
                approvers: step.approverIds.map(person),
                backupApprovers: step.backupApproverIds.map(person),
              })),
              cc: route.ccIds.map(person),
              updatedAt: route.updatedAt.toISOString(),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/approval-routes/{id}',
      summary: '删除审核路由（此后按上级规则路由；审核中的稿件不受影响）',
      tag: 'people',
      access: 'admin',
      params: idParamsSchema,
      response: removalResponseSchema,
      handle: async (ctx, { params }) => {
        const routes = await listApprovalRoutes(ctx.state.viewer.scope.adminUnitIds);
        if (!routes.some((route) => String(route._id) === params.id.toLowerCase())) {
          throw new NotFoundError('APPROVAL_ROUTE_NOT_FOUND', '找不到该审核路由，或不在您的管理范围内');
        }
        await people.removeApprovalRoute(params.id, actor(ctx));
        return { body: { id: params.id, removedAt: dependencies.clock.now().toISOString() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/delegations',
      summary: '管理范围内尚未结束的请假代理',
      tag: 'people',
      access: 'admin',
      response: delegationListSchema,
      handle: async (ctx) => {
        const delegations = await listDelegations(ctx.state.viewer.scope.adminUnitIds, dependencies.clock.now());
        return { body: { items: await Promise.all(delegations.map(toDelegationView)) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/delegations',
      summary: '设置请假代理（与 npm run admin -- delegate 相同）',
      tag: 'people',
      access: 'admin',
      body: delegationRequestSchema,
      response: delegationListSchema,
      successStatus: 201,
      links: [{ to: 'delete /delegations/{id}', parameters: { id: '$response.body#/id' } }],
      handle: async (ctx, { body }) => {
        await requirePerson(people.adminMayActOn(scopeOf(ctx), body.personId));
        // The delegate is only named, not acted on: a peer admin or the caller may stand in for someone
        // of their branch. Within the caller's units, though, so no admin hands a branch's approvals
        // to someone outside it (or learns whether an id outside exists).
        await requirePerson(people.adminCoversPerson(scopeOf(ctx), body.delegateId));
        await people.setDelegation({
          personId: body.personId,
          delegateId: body.delegateId,
          from: parseTimeBound(body.from, dependencies.timeZone),
          until: parseTimeBound(body.until, dependencies.timeZone, { endOfDay: true }),
          ...actor(ctx),
        });
        const current = await people.currentDelegationsOf(body.personId);
        return { status: 201, body: { items: await Promise.all(current.map(toDelegationView)) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/delegations/{id}',
      summary: '提前结束请假代理',
      tag: 'people',
      access: 'admin',
      params: idParamsSchema,
      response: delegationViewSchema,
      handle: async (ctx, { params }) => {
        const inScope = await listDelegations(ctx.state.viewer.scope.adminUnitIds, dependencies.clock.now());
        const delegation = inScope.find((candidate) => String(candidate._id) === params.id.toLowerCase());
        // Ending a delegation acts on the person who gave it, as setting one does.
        if (!delegation || !(await people.adminMayActOn(scopeOf(ctx), String(delegation.personId)))) {
          throw new NotFoundError('DELEGATION_NOT_FOUND', '找不到该代理，或它已经结束');
        }
        return { body: await toDelegationView(await people.cancelDelegation(params.id, actor(ctx))) };
      },
    }),
  ];
}
