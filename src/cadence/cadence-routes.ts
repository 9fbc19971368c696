/**
 * /api/v1 routes of the cadence feature, for admins: every running account's publishing figures, the
 * working-day calendar with its missing-year warning and local overrides, and each unit's reminder settings.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { NotFoundError } from '../shared/errors';
import {
  accountCadenceListSchema,
  calendarDateParamsSchema,
  calendarOverrideRequestSchema,
  calendarOverrideViewSchema,
  calendarViewSchema,
  reminderPolicyRequestSchema,
  reminderPolicyViewSchema,
  unitIdParamsSchema,
} from '../shared/contracts/cadence';
import type { CadenceService } from './cadence-service';
import type { CalendarService } from './calendar-service';
import type { ReminderPolicyService } from './reminder-policy-service';

export interface CadenceRouteDependencies {
  calendar: Pick<CalendarService, 'status' | 'listOverrides' | 'setOverride' | 'removeOverride'>;
  cadence: Pick<CadenceService, 'accountFigures'>;
  reminderPolicies: Pick<ReminderPolicyService, 'policyFor' | 'setPolicy'>;
}

export function cadenceRoutes(dependencies: CadenceRouteDependencies): ApiRoute[] {
  const actorOf = (ctx: ApiContext) => ({ personId: ctx.state.viewer.id, via: 'api' });
  /** A unit outside the admin's units is "not found", like an unknown one. */
  const requireUnitInScope = (ctx: ApiContext, unitId: string) => {
    if (!ctx.state.viewer.scope.adminUnitIds.includes(unitId)) {
      throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，或该单位不在您的管理范围内');
    }
  };
  return [
    defineRoute({
      method: 'get',
      path: '/cadence',
      summary: '管理范围内各运行中账号的更新情况：距上次发布、上次原创的天数与风险',
      tag: 'cadence',
      access: 'admin',
      response: accountCadenceListSchema,
      handle: async (ctx) => ({
        body: {
          accounts: await dependencies.cadence.accountFigures({
            scopeUnitIds: ctx.state.viewer.scope.adminRootUnitIds,
          }),
        },
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/calendar',
      summary: '工作日历：今天、节假日数据缺少的年份与提示、本地例外',
      tag: 'cadence',
      access: 'admin',
      response: calendarViewSchema,
      handle: async () => {
        const [status, overrides] = await Promise.all([
          dependencies.calendar.status(),
          dependencies.calendar.listOverrides(),
        ]);
        return {
          body: {
            today: status.today,
            missingYears: status.missingYears,
            missingYearsMessage: status.message,
            overrides,
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/calendar/overrides/{date}',
      summary: '设置本地例外：某日休息（holiday）或上班（workday），仅管理全县的管理员',
      tag: 'cadence',
      access: 'admin',
      params: calendarDateParamsSchema,
      body: calendarOverrideRequestSchema,
      response: calendarOverrideViewSchema,
      errorStatuses: [403],
      handle: async (ctx, { params, body }) => ({
        body: await dependencies.calendar.setOverride(actorOf(ctx), { date: params.date, ...body }),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/calendar/overrides/{date}',
      summary: '删除本地例外，该日恢复按官方日历',
      tag: 'cadence',
      access: 'admin',
      params: calendarDateParamsSchema,
      successStatus: 204,
      errorStatuses: [403],
      handle: async (ctx, { params }) => {
        await dependencies.calendar.removeOverride(actorOf(ctx), params.date);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/units/{unitId}/reminder-policy',
      summary: '单位的催办与更新基线设置（未单独设置时沿用上级或默认值）',
      tag: 'cadence',
      access: 'admin',
      params: unitIdParamsSchema,
      response: reminderPolicyViewSchema,
      handle: async (ctx, { params }) => {
        requireUnitInScope(ctx, params.unitId);
        return { body: await dependencies.reminderPolicies.policyFor(params.unitId) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/units/{unitId}/reminder-policy',
      summary: '修改单位的催办与更新基线设置，下级单位沿用',
      tag: 'cadence',
      access: 'admin',
      params: unitIdParamsSchema,
      body: reminderPolicyRequestSchema,
      response: reminderPolicyViewSchema,
      handle: async (ctx, { params, body }) => {
        requireUnitInScope(ctx, params.unitId);
        await dependencies.reminderPolicies.setPolicy(
          { ...actorOf(ctx), scopeUnitIds: ctx.state.viewer.scope.adminRootUnitIds },
          params.unitId,
          body,
        );
        return { body: await dependencies.reminderPolicies.policyFor(params.unitId) };
      },
    }),
  ];
}
