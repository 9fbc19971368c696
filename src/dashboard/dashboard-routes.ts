/** GET /api/v1/dashboard, within what the viewer may see. */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import { dashboardSchema } from '../shared/contracts/dashboard';
import type { DashboardService } from './dashboard-service';

export function dashboardRoutes(dashboard: DashboardService): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/dashboard',
      summary: '概览：各状态稿件数、各单位审核用时（30 天中位数与 P90）、等待最久的稿件、风险账号',
      tag: 'dashboard',
      access: 'signed-in',
      response: dashboardSchema,
      handle: async (ctx) => ({ body: await dashboard.build(ctx.state.viewer) }),
    }),
  ];
}
