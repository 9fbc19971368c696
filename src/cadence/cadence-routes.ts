/**
 * /api/v1 routes of the cadence feature, for admins: every running account's publishing figures, the
 * working-day calendar with its missing-year warning and local overrides, and each unit's reminder settings.
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { AdminState } from '../api/auth-middleware';
import { NotFoundError, ValidationError } from '../shared/errors';
import type {
  AccountCadenceListBody,
  CalendarOverrideView,
  CalendarView,
  ReminderPolicyView,
} from '../shared/contracts';
import type { CadenceService } from './cadence-service';
import type { CalendarService } from './calendar-service';
import type { ReminderPolicyService } from './reminder-policy-service';

export interface CadenceRouteDependencies {
  calendar: Pick<CalendarService, 'status' | 'listOverrides' | 'setOverride' | 'removeOverride'>;
  cadence: Pick<CadenceService, 'accountFigures'>;
  reminderPolicies: Pick<ReminderPolicyService, 'policyFor' | 'setPolicy'>;
  people: { adminCoversUnit(admin: { scopeUnitIds: string[] }, unitId: string): Promise<boolean> };
}

const overrideBody = z.object({
  kind: z.enum(['holiday', 'workday']),
  name: z.string().max(50).optional(),
});

const policyBody = z
  .object({
    remindAfterWorkingHours: z.number().positive(),
    escalateAfterWorkingHours: z.number().positive(),
    workdayStart: z.string(),
    workdayEnd: z.string(),
    baselineCounts: z.enum(['calendar-days', 'working-days']),
  })
  .partial()
  .strict();

function parseBody<T>(schema: z.ZodType<T>, body: unknown, usage: string): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError('REQUEST_BODY_INVALID', `请求内容无效：${usage}`);
  return parsed.data;
}

export function createCadenceRouter(dependencies: CadenceRouteDependencies) {
  const router = new Router<AdminState>();
  const actorOf = (admin: AdminState['admin']) => ({ personId: admin.id, via: 'api' });

  router.get('/cadence', async (ctx) => {
    const body: AccountCadenceListBody = {
      accounts: await dependencies.cadence.accountFigures({ scopeUnitIds: ctx.state.admin.scopeUnitIds }),
    };
    ctx.body = body;
  });

  router.get('/calendar', async (ctx) => {
    const [status, overrides] = await Promise.all([
      dependencies.calendar.status(),
      dependencies.calendar.listOverrides(),
    ]);
    const body: CalendarView = {
      today: status.today,
      missingYears: status.missingYears,
      missingYearsMessage: status.message,
      overrides,
    };
    ctx.body = body;
  });

  router.put('/calendar/overrides/:date', async (ctx) => {
    const input = parseBody(overrideBody, ctx.request.body, '应为 {"kind":"holiday"|"workday","name":"…"}');
    const body: CalendarOverrideView = await dependencies.calendar.setOverride(actorOf(ctx.state.admin), {
      date: ctx.params.date,
      ...input,
    });
    ctx.body = body;
  });

  router.delete('/calendar/overrides/:date', async (ctx) => {
    await dependencies.calendar.removeOverride(actorOf(ctx.state.admin), ctx.params.date);
    ctx.status = 204;
  });

  router.get('/units/:unitId/reminder-policy', async (ctx) => {
    if (!(await dependencies.people.adminCoversUnit(ctx.state.admin, ctx.params.unitId))) {
      throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，或该单位不在您的管理范围内');
    }
    const body: ReminderPolicyView = await dependencies.reminderPolicies.policyFor(ctx.params.unitId);
    ctx.body = body;
  });

  router.put('/units/:unitId/reminder-policy', async (ctx) => {
    const changes = parseBody(
      policyBody,
      ctx.request.body,
      '可设置 remindAfterWorkingHours、escalateAfterWorkingHours、workdayStart、workdayEnd、baselineCounts',
    );
    const admin = ctx.state.admin;
    await dependencies.reminderPolicies.setPolicy(
      { ...actorOf(admin), scopeUnitIds: admin.scopeUnitIds },
      ctx.params.unitId,
      changes,
    );
    const body: ReminderPolicyView = await dependencies.reminderPolicies.policyFor(ctx.params.unitId);
    ctx.body = body;
  });

  return router;
}
