/**
 * Wires every feature's /api/v1 routes to the services (the API's composition root, beside
 * services.ts): the same service functions the bot and the CLI call.
 */
import type { AppConfig } from '../shared/config';
import type { Services } from '../services';
import { WechatClient } from '../auth/wechat-client';
import type { WechatCodeExchange } from '../auth/wechat-client';
import { SessionService } from '../auth/session-service';
import { AttemptLimiter } from '../auth/attempt-limiter';
import { authRoutes, publicAuthPaths } from '../auth/auth-routes';
import { DraftQueries } from '../drafts/draft-queries';
import { draftRoutes } from '../drafts/draft-routes';
import { auditRoutes } from '../audit/audit-routes';
import { readDigests, verifyAuditChain } from '../audit/audit-service';
import { AuditVisibility } from '../audit/audit-visibility';
import { digestDirectory, resolveDigestKey } from '../audit/audit-digest-key';
import { peopleRoutes } from '../people/people-routes';
import { DashboardService } from '../dashboard/dashboard-service';
import type { AccountRiskProvider } from '../dashboard/dashboard-service';
import { dashboardRoutes } from '../dashboard/dashboard-routes';
import { ExportService } from '../exports/export-service';
import { exportRoutes } from '../exports/export-routes';
import type { AccessTokens } from './access-tokens';
import type { ApiRoute } from '../shared/route-kit';
import type { AuthDependencies } from './auth-middleware';
import { accountRoutes } from '../accounts/account-routes';
import { annualReviewRoutes } from '../annual-review/annual-review-routes';
import { cadenceRoutes } from '../cadence/cadence-routes';
import { inquiryRoutes } from '../inquiries/inquiry-routes';
import { readinessRoutes } from '../readiness/readiness-routes';
import { inquirySettingRoutes } from '../inquiries/inquiry-setting-routes';
import { InquiryViews } from '../inquiries/inquiry-views';
import { maskPersonalData } from '../content-check/content-check-rules';
import { officialAccountConnectionRoutes } from '../publication/official-account-connection-routes';
import { sweepRoutes } from '../publication/sweep-routes';
import { publicationRoutes } from '../publication/publication-routes';
import { PublicationViews } from '../publication/publication-views';
import { ConnectedAccounts } from '../publication/connected-accounts';
import type { AccountAtRisk } from '../shared/contracts';
import { platformLabels } from '../accounts/account-rules';
import fs from 'node:fs';

export interface ApiWiring {
  routes: ApiRoute[];
  publicPaths: string[];
  auth: AuthDependencies;
  sessions: SessionService;
  /** The /auth/* rate limit and the wrong bind codes, counted in the database for every API process. */
  attempts: AttemptLimiter;
}

export function createApiRoutes(
  config: Pick<AppConfig, 'auth' | 'miniProgram' | 'timeZone' | 'dataDir' | 'audit' | 'environment'>,
  services: Services,
  accessTokens: AccessTokens,
  options: { wechat?: WechatCodeExchange; accountRisks?: AccountRiskProvider } = {},
): ApiWiring {
  const { people, clock, audit } = services;
  const attempts = new AttemptLimiter({ clock });
  const miniProgramProvider = config.miniProgram.appId || 'mini-program';
  const sessions = new SessionService({
    clock,
    audit,
    attempts,
    wechat:
      options.wechat ??
      new WechatClient({
        baseUrl: config.miniProgram.wechatApiBaseUrl,
        appId: config.miniProgram.appId,
        appSecret: config.miniProgram.appSecret,
      }),
    accessTokens,
    people,
    provider: miniProgramProvider,
    accessTtlSeconds: config.auth.accessTtlSeconds,
    refreshTtlSeconds: config.auth.refreshTtlSeconds,
  });
  const publicationViews = new PublicationViews({
    clock,
    accounts: {
      findAccounts: (ids) => services.accounts.findAccounts(ids),
      runningAccountsOfUnits: (unitIds) => services.accounts.runningAccountsOfUnits(unitIds),
    },
    connected: new ConnectedAccounts(),
  });
  const queries = new DraftQueries({
    people,
    timeZone: config.timeZone,
    eventsKeptElsewhere: (draftId) => publicationViews.timelineKeptFor(draftId),
  });
  const inquiryViews = new InquiryViews({
    clock,
    timeZone: config.timeZone,
    inquiries: services.inquiries,
    accounts: services.accounts,
    people,
    maskPersonalData,
  });
  const digests = digestDirectory(config);
  // Who may read which audit events: the same decision for GET /audit/events and the audit export.
  const auditVisibility = new AuditVisibility({
    visibleDrafts: (scope, ids) => queries.visibleDrafts(scope, ids),
    visibleDraftsBefore: (scope, until) => queries.visibleDraftsBefore(scope, until),
    accountUnits: (ids) => services.accounts.unitsOf(ids),
    annualReviewUnits: (ids) => services.annualReviews.unitsOf(ids),
    approvalRouteUnits: (ids) => people.approvalRouteUnits(ids),
    inquiryUnits: (ids) => services.inquiries.unitsOf(ids),
    personReach: (ids) => people.personReach(ids),
    miniProgramPeople: (openids) => people.miniProgramPeople(miniProgramProvider, openids),
    coversWholeOrganization: (unitIds) => people.coversWholeOrganization(unitIds),
  });

  const routes = [
    ...authRoutes(sessions),
    ...draftRoutes(queries, { publicationCheck: (draft) => publicationViews.forDraft(draft) }),
    ...auditRoutes({
      clock,
      findPeople: (ids) => people.findPeople(ids),
      visibility: auditVisibility,
      verify: () =>
        verifyAuditChain({
          digests: fs.existsSync(digests) ? readDigests([digests]) : [],
          digestKey: config.audit.digestKey || safeDigestKey(config),
        }),
      latestDigests: () =>
        (fs.existsSync(digests) ? readDigests([digests]) : [])
          .slice(-10)
          .reverse()
          .map(({ file, digest }) => ({
            file: file.split(/[\\/]/).pop() ?? file,
            date: digest.date,
            headSequence: digest.headSequence,
            headHash: digest.headHash,
            createdAt: digest.createdAt,
          })),
    }),
    ...peopleRoutes({
      people,
      clock,
      timeZone: config.timeZone,
      unbindPerson: (personId, actor) => services.unbinding.unbind(personId, actor),
      organization: services.organization,
    }),
    ...dashboardRoutes(
      new DashboardService({
        clock,
        people,
        accountRisks: options.accountRisks ?? accountRisks(services),
        registryCounts: (viewer) =>
          viewer.isAdmin
            ? services.annualReviews.dashboardCounts({ scopeUnitIds: viewer.scope.adminRootUnitIds })
            : Promise.resolve(null),
        publicationCounts: (viewer) => publicationViews.countsFor(viewer),
      }),
    ),
    ...exportRoutes(
      new ExportService({
        audit,
        people,
        auditVisibility,
        timeZone: config.timeZone,
        inquiryLedger: (viewer, month) => inquiryViews.ledgerRows(viewer, month),
      }),
      config.timeZone,
    ),
    ...accountRoutes(services),
    ...annualReviewRoutes({ ...services, timeZone: config.timeZone }),
    ...cadenceRoutes(services),
    ...inquirySettingRoutes({ settings: services.inquirySettings, accounts: services.accounts }),
    ...inquiryRoutes({
      inquiries: services.inquiries,
      views: inquiryViews,
      unitName: (unitId) => people.unitName(unitId),
    }),
    ...readinessRoutes(services.readiness, { audit, timeZone: config.timeZone }),
    ...officialAccountConnectionRoutes(services.officialAccountConnections),
    ...sweepRoutes(services),
    ...publicationRoutes({
      publications: services.publications,
      findVisibleDraft: async (viewer, reference) => ({
        code: (await queries.findVisible(viewer, reference)).draft.shortCode,
      }),
    }),
  ];

  return {
    routes,
    publicPaths: publicAuthPaths,
    sessions,
    attempts,
    auth: {
      accessTokens,
      findViewer: (personId) => people.findViewer(personId),
      isSessionActive: (sessionId, personId) => sessions.isSessionActive(sessionId, personId),
    },
  };
}

/** The digest key when one can be had (outside production one is kept in the data folder). */
function safeDigestKey(config: Pick<AppConfig, 'audit' | 'dataDir' | 'environment'>): string | undefined {
  try {
    return resolveDigestKey(config);
  } catch {
    return undefined;
  }
}

/** A phone screen's worth; the registry page and the annual review board list every account. */
const dashboardRiskLimit = 30;

/**
 * The dashboard's "accounts at risk": the cadence check's accounts behind their baseline or near the veto
 * (R6), and the registry's and this cycle's annual review's (R4, R5), one entry per account; accounts
 * with a critical reason first.
 */
function accountRisks(services: Services) {
  return async (viewer: { scope: { adminRootUnitIds: string[] } }): Promise<AccountAtRisk[]> => {
    const scope = { scopeUnitIds: viewer.scope.adminRootUnitIds };
    const [cadence, registry] = await Promise.all([
      services.cadence.accountsAtRisk(scope),
      services.annualReviews.accountsAtRisk(scope),
    ]);
    const entries = new Map<string, AccountAtRisk>();
    for (const view of cadence.filter((figures) => figures.risk !== 'ok')) {
      entries.set(view.accountId, {
        account: { id: view.accountId, name: view.name, platform: platformText(view.platform) },
        unit: { id: view.unitId, name: view.unitName },
        reasons: [
          {
            kind: 'cadence',
            severity: view.risk === 'veto' || view.risk === 'veto-tomorrow' ? 'critical' : 'warn',
            message:
              view.risk === 'no-original'
                ? `已 ${view.daysSinceOriginal} 天没有原创内容`
                : `已 ${view.daysSincePost} 天未更新（基线 ${view.baselineDays} 天）`,
            since: null,
          },
        ],
      });
    }
    for (const { account, reasons } of registry) {
      const id = String(account._id);
      const entry = entries.get(id) ?? {
        account: { id, name: account.name, platform: platformText(account.platform) },
        unit: { id: String(account.unitId), name: await services.people.unitName(String(account.unitId)) },
        reasons: [],
      };
      entry.reasons.push(...reasons.map((reason) => ({ ...reason, since: reason.since?.toISOString() ?? null })));
      entries.set(id, entry);
    }
    const critical = (entry: AccountAtRisk) => entry.reasons.filter((reason) => reason.severity === 'critical').length;
    return [...entries.values()]
      .sort((left, right) => critical(right) - critical(left) || right.reasons.length - left.reasons.length)
      .slice(0, dashboardRiskLimit);
  };
}

/** 微信公众号 for wechat-official-account; the code itself for one the registry does not know. */
function platformText(platform: string): string {
  return (platformLabels as Record<string, string>)[platform] ?? platform;
}
