/**
 * /api/v1/accounts/{id}/sweep for the admins (R10): sweep a connected account's platform now, or read
 * its last sweep. Scoped like changing the account: an admin whose scope covers it; out of scope (or
 * unknown) answers 404.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { accountIdParamsSchema } from '../shared/contracts/accounts';
import { accountSweepSchema } from '../shared/contracts/sweeps';
import type { AccountSweepView, SweepOutcomeView } from '../shared/contracts/sweeps';
import type { AccountService } from '../accounts/account-service';
import type { SweepService } from './sweep-service';
import type { SweepOutcome } from './sweep-state-model';
import { describeSweep } from './sweep-rules';

export interface SweepRouteDependencies {
  sweeps: Pick<SweepService, 'sweepAccount' | 'lastSweep'>;
  accounts: Pick<AccountService, 'findForAdminChange'>;
}

const actorOf = (ctx: ApiContext) => ({ personId: ctx.state.viewer.id, via: 'api' });

export function sweepRoutes({ sweeps, accounts }: SweepRouteDependencies): ApiRoute[] {
  const route = {
    tag: 'accounts',
    access: 'admin' as const,
    params: accountIdParamsSchema,
    response: accountSweepSchema,
    path: '/accounts/{id}/sweep',
  };
  return [
    defineRoute({
      ...route,
      method: 'post',
      summary: '立即核查已连接公众号在平台上发布的文章：与审核通过的稿件比对，发现未经审核发布的文章即告警',
      errorStatuses: [409],
      handle: async (ctx, { params }) => {
        await accounts.findForAdminChange(actorOf(ctx), params.id);
        const sweep = await sweeps.sweepAccount(params.id);
        return { body: toView(sweep.accountId, sweep.accountName, sweep.outcome) };
      },
    }),
    defineRoute({
      ...route,
      method: 'get',
      summary: '该账号最近一次平台核查的结果（尚未核查过时 outcome 为 null）',
      handle: async (ctx, { params }) => {
        const account = await accounts.findForAdminChange(actorOf(ctx), params.id);
        return { body: toView(params.id, account.name, await sweeps.lastSweep(params.id)) };
      },
    }),
  ];
}

function toView(accountId: string, accountName: string, outcome: SweepOutcome | null): AccountSweepView {
  const view: SweepOutcomeView | null = outcome ? { ...outcome, at: outcome.at.toISOString() } : null;
  return { accountId, accountName, outcome: view, message: outcome ? describeSweep(accountName, outcome) : '' };
}
