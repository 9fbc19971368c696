/**
 * /api/v1/accounts for the admins' mini-program: the registry (R4) within the admin's scope — opening
 * applications and their decision, the filing, re-filings with history, the interaction function, the
 * certification, and the closure workflow (and the withdrawal of a request). Admins only; out of scope
 * answers 404.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import {
  accountApplicationSchema,
  accountIdParamsSchema,
  accountListQuerySchema,
  accountListSchema,
  accountViewSchema,
  certificationSchema,
  closureStepRequestSchema,
  closureWithdrawalSchema,
  filingSchema,
  interactionSchema,
  openingDecisionSchema,
  refilingSchema,
} from '../shared/contracts/accounts';
import type { AccountView, PersonReference } from '../shared/contracts';
import type { AdminSummary, PersonSummary } from '../people/people-records';
import type { Account } from './account-model';
import { accountStatusWords, closureStepWords, nextClosureStep, platformLabels } from './account-rules';
import type { AccountService, RegistryAccess } from './account-service';
import type { RegistryActor } from './account-queries';

export interface AccountRouteDependencies {
  accounts: Pick<
    AccountService,
    | 'apply'
    | 'decideOpening'
    | 'fileOpening'
    | 'refile'
    | 'setInteraction'
    | 'setCertification'
    | 'advanceClosure'
    | 'withdrawClosure'
    | 'getForAdmin'
    | 'listForAdmin'
  >;
  people: {
    findPeople(ids: string[]): Promise<Map<string, PersonSummary>>;
    unitName(unitId: string): Promise<string>;
  };
  clock: { now(): Date };
}

/** The signed-in admin as the registry's services take it: the roots of the units they look after. */
export function adminOf(ctx: ApiContext): AdminSummary {
  return { ...ctx.state.viewer, scopeUnitIds: ctx.state.viewer.scope.adminRootUnitIds };
}

export function actorOf(ctx: ApiContext): RegistryActor {
  return { personId: ctx.state.viewer.id, via: 'api' };
}

/**
 * The API is the managing office's registry: an admin changes only accounts within their scope, like
 * those they can see. One named as an account's staff takes its staff steps in chat, where the reply
 * shows no more of the account than they asked about.
 */
const asAdmin: RegistryAccess = { admin: true };

export function accountRoutes(dependencies: AccountRouteDependencies): ApiRoute[] {
  const { accounts } = dependencies;
  const view = async (account: Account) => ({ body: await toAccountView(account, dependencies) });
  const accountRoute = { tag: 'accounts', access: 'admin' as const, params: accountIdParamsSchema };
  const changing = { ...accountRoute, response: accountViewSchema, errorStatuses: [403, 409] };
  return [
    defineRoute({
      method: 'get',
      path: '/accounts',
      summary: '管理范围内的账号登记册，按登记先后，游标分页',
      tag: 'accounts',
      access: 'admin',
      query: accountListQuerySchema,
      response: accountListSchema,
      links: [
        { to: 'get /accounts/{id}', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'post /accounts/{id}/opening-decision', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'post /accounts/{id}/filing', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'put /accounts/{id}/interaction', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'put /accounts/{id}/certification', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'get /accounts/{id}/connection', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'put /accounts/{id}/connection', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'post /accounts/{id}/sweep', parameters: { id: '$response.body#/accounts/0/id' } },
        { to: 'get /accounts/{id}/sweep', parameters: { id: '$response.body#/accounts/0/id' } },
      ],
      handle: async (ctx, { query }) => {
        const page = await accounts.listForAdmin(adminOf(ctx), query);
        const views = await Promise.all(page.accounts.map((account) => toAccountView(account, dependencies)));
        return { body: { accounts: views, nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts',
      summary: '提交账号开办申请（申请表）；同一单位同一平台只能开设一个账号',
      tag: 'accounts',
      access: 'admin',
      body: accountApplicationSchema,
      response: accountViewSchema,
      successStatus: 201,
      errorStatuses: [403, 409],
      handle: async (ctx, { body }) => ({ status: 201, ...(await view(await accounts.apply(actorOf(ctx), body))) }),
    }),
    defineRoute({
      ...accountRoute,
      method: 'get',
      path: '/accounts/{id}',
      summary: '账号详情：申请表、审批、备案与变更历史、认证、互动功能、关停流程',
      response: accountViewSchema,
      handle: async (ctx, { params }) => view(await accounts.getForAdmin(adminOf(ctx), params.id)),
    }),
    defineRoute({
      ...changing,
      method: 'post',
      path: '/accounts/{id}/opening-decision',
      summary: '批准（附批准文号）或不批准（附理由）开办申请',
      body: openingDecisionSchema,
      handle: async (ctx, { params, body }) => view(await accounts.decideOpening(actorOf(ctx), params.id, body)),
    }),
    defineRoute({
      ...changing,
      method: 'post',
      path: '/accounts/{id}/filing',
      summary: '登记开办备案，解除备案期限提醒',
      body: filingSchema,
      handle: async (ctx, { params, body }) => view(await accounts.fileOpening(actorOf(ctx), params.id, body.note)),
    }),
    defineRoute({
      ...changing,
      method: 'post',
      path: '/accounts/{id}/re-filings',
      summary: '分管领导或后台管理员变更备案（保留变更历史）',
      body: refilingSchema,
      handle: async (ctx, { params, body }) => view(await accounts.refile(actorOf(ctx), params.id, body)),
    }),
    defineRoute({
      ...changing,
      method: 'put',
      path: '/accounts/{id}/interaction',
      summary: '登记互动功能（留言/评论）是否开启；关闭时发出警示',
      body: interactionSchema,
      handle: async (ctx, { params, body }) =>
        view(await accounts.setInteraction(actorOf(ctx), params.id, body.enabled, body.note)),
    }),
    defineRoute({
      ...changing,
      method: 'put',
      path: '/accounts/{id}/certification',
      summary: '登记平台认证及其到期日（到期前 90、30、7 天提醒）',
      body: certificationSchema,
      handle: async (ctx, { params, body }) => view(await accounts.setCertification(actorOf(ctx), params.id, body)),
    }),
    defineRoute({
      ...changing,
      method: 'post',
      path: '/accounts/{id}/closure',
      summary: '办理关停流程的下一步：申请关停 → 批准关停 → 停更公告（附链接）→ 平台注销 → 关停备案',
      body: closureStepRequestSchema,
      handle: async (ctx, { params, body }) =>
        view(await accounts.advanceClosure(actorOf(ctx), params.id, body, asAdmin)),
    }),
    defineRoute({
      ...changing,
      method: 'post',
      path: '/accounts/{id}/closure/withdrawal',
      summary: '批准关停前撤回关停申请，账号继续运行；批准后不能撤回',
      body: closureWithdrawalSchema,
      handle: async (ctx, { params, body }) =>
        view(await accounts.withdrawClosure(actorOf(ctx), params.id, body.note, asAdmin)),
    }),
  ];
}

async function toAccountView(account: Account, dependencies: AccountRouteDependencies): Promise<AccountView> {
  const ids = [
    account.leaderInChargeId,
    account.backendAdminId,
    account.openingApproval.byId,
    ...account.filings.flatMap((filing) => [filing.filedById, filing.fromId, filing.toId]),
    ...account.closure.map((step) => step.byId),
  ]
    .filter((value) => value !== null)
    .map(String);
  const [people, unitName] = await Promise.all([
    dependencies.people.findPeople([...new Set(ids)]),
    dependencies.people.unitName(String(account.unitId)),
  ]);
  const person = (value: unknown): PersonReference => ({
    id: String(value),
    name: people.get(String(value))?.name ?? '',
  });
  const optionalPerson = (value: unknown) => (value ? person(value) : null);
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  const now = dependencies.clock.now();
  return {
    id: String(account._id),
    unit: { id: String(account.unitId), name: unitName },
    platform: account.platform,
    platformText: platformLabels[account.platform],
    name: account.name,
    purpose: account.purpose,
    scope: account.scope,
    status: account.status,
    statusText: accountStatusWords[account.status],
    leaderInCharge: person(account.leaderInChargeId),
    backendAdmin: person(account.backendAdminId),
    backendAdminPhone: account.backendAdminPhone,
    openingApproval: {
      decision: account.openingApproval.decision,
      by: optionalPerson(account.openingApproval.byId),
      at: iso(account.openingApproval.at),
      reason: account.openingApproval.reason,
      documentNumber: account.openingApproval.documentNumber,
    },
    openedAt: iso(account.openedAt),
    filingDueAt: iso(account.filingDueAt),
    filedAt: iso(account.filedAt),
    filingOverdue:
      account.status === 'active' && !account.filedAt && !!account.filingDueAt && account.filingDueAt <= now,
    filings: account.filings.map((filing) => ({
      kind: filing.kind,
      filedAt: filing.filedAt.toISOString(),
      filedBy: person(filing.filedById),
      note: filing.note,
      from: optionalPerson(filing.fromId),
      to: optionalPerson(filing.toId),
    })),
    certification: { certified: account.certification.certified, expiresAt: iso(account.certification.expiresAt) },
    interactionEnabled: account.interactionEnabled,
    closure: account.closure.map((step) => ({
      step: step.step,
      stepText: closureStepWords[step.step],
      at: step.at.toISOString(),
      by: person(step.byId),
      note: step.note,
      url: step.url,
    })),
    nextClosureStep: account.status === 'closing' ? nextClosureStep(account.closure) : null,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
