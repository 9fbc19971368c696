/**
 * /api/v1/accounts for the admins' mini-program: the registry (R4) within the admin's scope — opening
 * applications and their decision, the filing, re-filings with history, the interaction function, the
 * certification, and the closure workflow. Out of scope answers 404.
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { AdminState } from '../api/auth-middleware';
import { parseRequest } from '../api/request-validation';
import type {
  AccountApplicationBody,
  AccountListBody,
  AccountView,
  CertificationBody,
  ClosureStepBody,
  FilingBody,
  InteractionBody,
  OpeningDecisionBody,
  PersonReference,
  RefilingBody,
} from '../shared/contracts';
import type { PersonSummary } from '../people/people-service';
import { accountPlatforms, accountStatuses, closureSteps } from './account-model';
import type { Account } from './account-model';
import { accountStatusWords, closureStepWords, nextClosureStep, platformLabels } from './account-rules';
import type { AccountService } from './account-service';
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
    | 'getForAdmin'
    | 'listForAdmin'
  >;
  people: {
    findPeople(ids: string[]): Promise<Map<string, PersonSummary>>;
    unitName(unitId: string): Promise<string>;
  };
  clock: { now(): Date };
}

const id = (word: string) =>
  z.string({ error: `请填写${word}` }).regex(/^[0-9a-f]{24}$/i, { error: `${word}编号无效` });
const text = (word: string, max: number) =>
  z
    .string({ error: `请填写${word}` })
    .trim()
    .max(max, { error: `${word}不能超过${max}字` });
const calendarDate = (word: string) =>
  z.string({ error: `请填写${word}` }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${word}须为日期，如 2026-11-02` });

const applicationSchema = z.object({
  unitId: id('单位'),
  platform: z.enum(accountPlatforms, { error: `平台须为 ${accountPlatforms.join('、')} 之一` }),
  name: text('账号名称', 100).min(1, { error: '请填写账号名称' }),
  purpose: text('开设目的和定位', 500).min(1, { error: '请填写开设目的和定位' }),
  scope: text('发布范围', 500).default(''),
  leaderInChargeId: id('分管领导'),
  backendAdminId: id('后台管理员'),
  backendAdminPhone: z
    .string({ error: '请填写后台管理员电话' })
    .trim()
    .regex(/^[0-9+\- ]{7,20}$/, { error: '后台管理员电话格式不正确' }),
  openedOn: calendarDate('开设日期'),
}) satisfies z.ZodType<AccountApplicationBody>;

const openingDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject'], { error: 'decision 须为 approve（批准）或 reject（不批准）' }),
  reason: text('理由', 500).default(''),
  documentNumber: text('批准文号', 100).default(''),
}) satisfies z.ZodType<OpeningDecisionBody>;

const filingSchema = z.object({ note: text('备注', 500).default('') }) satisfies z.ZodType<FilingBody>;

const refilingSchema = z.object({
  role: z.enum(['leader', 'admin'], { error: 'role 须为 leader（分管领导）或 admin（后台管理员）' }),
  personId: id('变更后的人员'),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{7,20}$/, { error: '电话格式不正确' })
    .optional(),
  note: text('变更说明', 500).min(1, { error: '请写明变更说明' }),
}) satisfies z.ZodType<RefilingBody>;

const interactionSchema = z.object({
  enabled: z.boolean({ error: 'enabled 须为 true 或 false' }),
  note: text('说明', 500).default(''),
}) satisfies z.ZodType<InteractionBody>;

const certificationSchema = z.object({
  certified: z.boolean({ error: 'certified 须为 true 或 false' }),
  expiresOn: calendarDate('认证到期日').nullable(),
}) satisfies z.ZodType<CertificationBody>;

const closureSchema = z.object({
  step: z.enum(closureSteps, { error: `step 须为 ${closureSteps.join('、')} 之一` }),
  note: text('说明', 500).default(''),
  url: z.string().trim().max(2000).optional(),
}) satisfies z.ZodType<ClosureStepBody>;

const listSchema = z.object({
  status: z.enum(accountStatuses, { error: `status 须为 ${accountStatuses.join('、')} 之一` }).optional(),
  cursor: id('分页游标').optional(),
  limit: z.coerce
    .number({ error: 'limit 须为数字' })
    .int()
    .min(1, { error: 'limit 最小为 1' })
    .max(100, { error: 'limit 最大为 100' })
    .optional(),
});

export function createAccountRouter(dependencies: AccountRouteDependencies) {
  const router = new Router<AdminState>({ prefix: '/accounts' });
  const { accounts } = dependencies;
  const actorOf = (state: AdminState): RegistryActor => ({ personId: state.admin.id, via: 'api' });
  const view = (account: Account) => toAccountView(account, dependencies);

  router.get('/', async (ctx) => {
    const query = parseRequest(listSchema, ctx.query);
    const page = await accounts.listForAdmin(ctx.state.admin, query);
    const body: AccountListBody = { accounts: await Promise.all(page.accounts.map(view)), nextCursor: page.nextCursor };
    ctx.body = body;
  });

  router.post('/', async (ctx) => {
    const input = parseRequest(applicationSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await view(await accounts.apply(actorOf(ctx.state), input));
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await view(await accounts.getForAdmin(ctx.state.admin, ctx.params.id));
  });

  router.post('/:id/opening-decision', async (ctx) => {
    const input = parseRequest(openingDecisionSchema, ctx.request.body);
    ctx.body = await view(await accounts.decideOpening(actorOf(ctx.state), ctx.params.id, input));
  });

  router.post('/:id/filing', async (ctx) => {
    const input = parseRequest(filingSchema, ctx.request.body);
    ctx.body = await view(await accounts.fileOpening(actorOf(ctx.state), ctx.params.id, input.note));
  });

  router.post('/:id/re-filings', async (ctx) => {
    const input = parseRequest(refilingSchema, ctx.request.body);
    ctx.body = await view(await accounts.refile(actorOf(ctx.state), ctx.params.id, input));
  });

  router.put('/:id/interaction', async (ctx) => {
    const input = parseRequest(interactionSchema, ctx.request.body);
    ctx.body = await view(await accounts.setInteraction(actorOf(ctx.state), ctx.params.id, input.enabled, input.note));
  });

  router.put('/:id/certification', async (ctx) => {
    const input = parseRequest(certificationSchema, ctx.request.body);
    ctx.body = await view(await accounts.setCertification(actorOf(ctx.state), ctx.params.id, input));
  });

  router.post('/:id/closure', async (ctx) => {
    const input = parseRequest(closureSchema, ctx.request.body);
    ctx.body = await view(await accounts.advanceClosure(actorOf(ctx.state), ctx.params.id, input));
  });

  return router;
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
