/**
 * The composition root: builds every service with its real dependencies, once per process. The API,
 * the bot, the jobs, the CLI and the tests all get their services from here.
 */
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Clock } from './shared/clock';
import { textFileStore } from './shared/text-files';
import type { Logger } from './shared/logger';
import type { AppConfig } from './shared/config';
import { channelMessageLimit } from './outbox/message-length-rules';
import { AuditTrail } from './audit/audit-service';
import { Outbox } from './outbox/outbox-service';
import { PeopleService } from './people/people-service';
import { DraftService } from './drafts/draft-service';
import { leaverHandover } from './drafts/leaver-handover';
import { endSessionsOf } from './auth/session-service';
import type { SessionEndReason } from './auth/session-model';
import { OrganizationFileImport } from './people/import-organization';
import { PersonUnbinding } from './people/unbind-person';
import { checkContent, maskPersonalData, seriousWrongExpressions } from './content-check/content-check-rules';
import { checkPlatformLimits } from './publication/article-limit-rules';
import type { ContentRules } from './content-check/content-check-rules';
import { loadContentRules } from './content-check/content-rules-loader';
import { AccountService } from './accounts/account-service';
import { findOpenAccountId } from './accounts/account-queries';
import type { FilingDeadlinePolicy } from './accounts/filing-deadline-rules';
import { AnnualReviewService } from './annual-review/annual-review-service';
import { defaultReminderDays } from './annual-review/annual-review-rules';
import { CalendarService } from './cadence/calendar-service';
import type { OfficialCalendar } from './cadence/calendar-rules';
import { ReminderPolicyService } from './cadence/reminder-policy-service';
import { defaultReminderPolicy } from './cadence/reminder-policy-rules';
import type { ReminderPolicy } from './cadence/reminder-policy-rules';
import { CadenceAccounts } from './accounts/cadence-accounts';
import { CadenceService } from './cadence/cadence-service';
import { PostLedger } from './cadence/post-ledger';
import { NudgeService } from './cadence/nudge-service';
import { ReminderRecordService } from './cadence/reminder-record-service';
import type { Account } from './accounts/account-model';
import { OfficialAccountConnections } from './publication/official-account-connection-service';
import { OfficialAccountClient } from './publication/official-account-client';
import { resolveConnectionSecretKey } from './publication/connection-secret-key';
import { ConnectedAccounts } from './publication/connected-accounts';
import { SweepService } from './publication/sweep-service';
import { PublicationService } from './publication/publication-service';
import { isReplyQuotaExhausted, isReplyWindowClosed } from './publication/official-account-errors';
import { InquiryService } from './inquiries/inquiry-service';
import { InquirySettings } from './inquiries/inquiry-settings';
import type { InquiryAccount } from './inquiries/inquiry-service';
import { defaultInquiryPolicy } from './inquiries/inquiry-rules';
import type { InquiryPolicy } from './inquiries/inquiry-rules';
import { workingHoursOf } from './cadence/reminder-policy-rules';
import { ReadinessService } from './readiness/readiness-service';
import { loadIndicatorTable } from './readiness/indicator-table-loader';
import { connectedAmong, faultedArticlesAtDate } from './publication/platform-article-readiness';
import { reviewsAtDate } from './annual-review/annual-review-readiness';

export interface Services {
  clock: Clock;
  audit: AuditTrail;
  outbox: Outbox;
  people: PeopleService;
  drafts: DraftService;
  accounts: AccountService;
  annualReviews: AnnualReviewService;
  contentRules: ContentRules;
  calendar: CalendarService;
  reminderPolicies: ReminderPolicyService;
  cadence: CadenceService;
  /** Every account's posts (R6), and the recent copy the readiness report reads. */
  posts: PostLedger;
  nudges: NudgeService;
  reminderRecords: ReminderRecordService;
  /** The unbind of a person (who left): the same for the API, the bot and the CLI. */
  unbinding: PersonUnbinding;
  /** An admin's import of the organization file (API and CLI), with what follows for those who left. */
  organization: OrganizationFileImport;
  /** The 微信公众号 accounts' connections to the platform (R10), and the ports publishing uses. */
  officialAccountConnections: OfficialAccountConnections;
  /** The platform sweep of connected accounts (R10): daily and on demand. */
  sweeps: SweepService;
  /** Publishing approved drafts through a platform's API, its results and their verification (R10). */
  publications: PublicationService;
  /** Public inquiries to the accounts (R8): intake, deadlines, answers, reminders, figures. */
  inquiries: InquiryService;
  /** Inquiry deadlines per unit and acknowledgements per account, over the configured defaults. */
  inquirySettings: InquirySettings;
  /** 考核自查: each account's and unit's inspection indicators from our own records (R10). */
  readiness: ReadinessService;
}

/** The registry's and the annual review's settings (config keys registry.* and annualReview.*). */
export interface RegistryOptions {
  filingDeadline: FilingDeadlinePolicy;
  reminderDays: readonly number[];
}

export interface ServiceOptions {
  clock: Clock;
  logger: Logger;
  /** Rule data folder; config/content-rules by default. */
  contentRulesDirectory?: string;
  /** Where texts too long for a chat message are kept as files to send; a temporary folder by default. */
  textFileDirectory?: string;
  /** The chat channel's longest message in UTF-8 bytes (see channelMessageLimit); WeChat's by default. */
  maxMessageBytes?: number;
  /** Asia/Shanghai unless given. */
  timeZone?: string;
  /** Filing deadline 3 days and reminders on 1, 15, 25 and 30 November unless given. */
  registry?: RegistryOptions;
  /** Reminder settings of units without their own (config `reminders`). */
  reminders?: ReminderPolicy;
  /** The holiday package's calendar; tests pass one to play a newer release. */
  officialCalendar?: OfficialCalendar;
  /**
   * The master secret that seals the platform connections' secrets (config publication.secretKey, or a
   * file in the data folder); one drawn for this process when not given (tests).
   */
  connectionSecretKey?: () => string;
  /** Inquiry deadlines and reply limits (config `inquiries`); the defaults unless given. */
  inquiries?: InquiryPolicy;
  /** The inspection indicator table's file (config readiness.indicatorFile); the national one unless given. */
  indicatorFile?: string;
}

/** The services' options as the config gives them: the running system's and the CLI's. */
export function serviceOptionsFrom(config: AppConfig, clock: Clock, logger: Logger): ServiceOptions {
  return {
    clock,
    logger,
    maxMessageBytes: channelMessageLimit(config.bot.puppet, config.bot.maxMessageBytes),
    textFileDirectory: path.resolve(config.dataDir, 'texts'),
    timeZone: config.timeZone,
    registry: {
      filingDeadline: { days: config.registry.filingDeadlineDays, unit: config.registry.filingDeadlineUnit },
      reminderDays: config.annualReview.reminderDays,
    },
    reminders: config.reminders,
    connectionSecretKey: () => resolveConnectionSecretKey(config),
    inquiries: config.inquiries,
    indicatorFile: config.readiness.indicatorFile,
  };
}

export function createServices(options: ServiceOptions): Services {
  const { clock, logger } = options;
  const audit = new AuditTrail({ clock, logger });
  const outbox = new Outbox({ clock, logger, maxMessageBytes: options.maxMessageBytes });
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const registry = options.registry ?? { filingDeadline: { days: 3, unit: 'days' }, reminderDays: defaultReminderDays };
  // Route files name accounts; the lookup needs no people, so people can be built before the registry.
  const people = new PeopleService({ clock, audit, logger, accounts: { findAccountId: findOpenAccountId } });
  const calendar = new CalendarService({ clock, audit, people, timeZone, logger, official: options.officialCalendar });
  const accounts = new AccountService({
    clock,
    audit,
    outbox,
    people,
    config: { filingDeadline: registry.filingDeadline, timeZone },
    calendar,
    logger,
  });
  const annualReviews = new AnnualReviewService({
    clock,
    audit,
    outbox,
    people,
    accounts,
    config: { timeZone, reminderDays: registry.reminderDays },
    logger,
  });
  const contentRules = loadContentRules(options.contentRulesDirectory);
  const reminderPolicies = new ReminderPolicyService({
    clock,
    audit,
    people,
    defaults: options.reminders ?? defaultReminderPolicy,
  });
  const cadenceDependencies = { clock, outbox, people, calendar, policies: reminderPolicies, timeZone, logger };
  const cadenceAccounts = new CadenceAccounts();
  // A connected account's posts are counted from its platform (the sweep), not from 已发布 reports.
  const connectedAccounts = new ConnectedAccounts();
  const posts = new PostLedger({ clock, accounts: cadenceAccounts, platform: connectedAccounts, logger });
  // Built after the drafts it reads, and told of their approvals (automatic publishing): bound late.
  const approvals: { publications: PublicationService | null } = { publications: null };
  const drafts = new DraftService({
    clock,
    audit,
    outbox,
    people,
    accounts: {
      accountForDraft: (unitId, name, options) => accounts.accountForDraft(unitId, name, options),
      accountNameOf: (accountId) => accounts.accountNameOf(accountId),
      platformOf: async (accountId) => (await accounts.findAccounts([accountId])).get(accountId)?.platform ?? null,
      publishingOf: (accountId) => connectedAccounts.publishingOf(accountId),
    },
    checkContent: (content) => [...checkContent(content, contentRules), ...checkPlatformLimits(content)],
    maskPersonalData,
    storeTextFile: textFileStore(options.textFileDirectory ?? path.join(os.tmpdir(), 'shenfa-texts')),
    publications: posts,
    onApproved: (draft) => approvals.publications?.publishAutomatically(draft) ?? Promise.resolve(),
    logger,
  });
  const cadence = new CadenceService({ ...cadenceDependencies, accounts: cadenceAccounts, posts, drafts });
  const nudges = new NudgeService({ ...cadenceDependencies, drafts });
  const reminderRecords = new ReminderRecordService({ drafts, timeZone });
  // Who leaves, by an unbind or an import, loses their sessions and hands their pending approvals on.
  const leavers = {
    sessions: {
      endSessionsOf: (personIds: string[], reason: SessionEndReason) =>
        endSessionsOf({ clock, audit, logger }, personIds, reason),
    },
    handOver: leaverHandover({ people, drafts, outbox, clock }),
  };
  const unbinding = new PersonUnbinding({ people, ...leavers });
  const organization = new OrganizationFileImport({ people, ...leavers });
  const processSecret = randomBytes(32).toString('base64');
  const officialAccountConnections = new OfficialAccountConnections({
    clock,
    audit,
    people,
    accounts: {
      findForAdminChange: async (actor, accountId) => connectable(await accounts.findForAdminChange(actor, accountId)),
      findForOperator: async (reference) => connectable(await accounts.findForOperator(reference)),
    },
    secretKey: options.connectionSecretKey ?? (() => processSecret),
    createClient: (settings) => new OfficialAccountClient({ ...settings, clock, logger }),
    logger,
  });
  const sweeps = new SweepService({
    clock,
    timeZone,
    logger,
    audit,
    outbox,
    connections: {
      connectedAccountIds: () => connectedAccounts.listIds(),
      clientFor: (accountId) => officialAccountConnections.clientFor(accountId),
    },
    accounts: cadenceAccounts,
    people,
    drafts,
    posts,
    seriousExpressionsIn: ({ title, text }) => seriousWrongExpressions({ title, body: text }, contentRules),
  });
  const publications = new PublicationService({
    clock,
    audit,
    outbox,
    drafts,
    people,
    accounts,
    connections: { connectionFor: (accountId) => officialAccountConnections.publishingConnection(accountId) },
    logger,
  });
  approvals.publications = publications;
  const inquirySettings = new InquirySettings({
    clock,
    audit,
    defaults: options.inquiries ?? defaultInquiryPolicy,
    people,
  });
  const inquiries = new InquiryService({
    clock,
    logger,
    timeZone,
    audit,
    outbox,
    people,
    accounts: {
      findAccounts: async (ids) =>
        new Map([...(await accounts.findAccounts(ids))].map(([id, account]) => [id, inquiryAccount(account)])),
      findByName: async (actor, name) => inquiryAccount(await accounts.findByName(actor, name)),
    },
    calendar,
    workingHoursOf: async (unitIds) => {
      const policies = await reminderPolicies.policiesFor(await people.unitLineage(unitIds));
      return new Map([...policies].map(([unitId, policy]) => [unitId, workingHoursOf(policy)]));
    },
    settings: inquirySettings,
    platform: { clientFor: (accountId) => officialAccountConnections.clientFor(accountId) },
    replyRefusal: (error) =>
      isReplyWindowClosed(error) ? 'window-closed' : isReplyQuotaExhausted(error) ? 'quota-used' : null,
    maskPersonalData,
  });
  const readiness = new ReadinessService({
    clock,
    timeZone,
    table: loadIndicatorTable(options.indicatorFile),
    sources: {
      accounts,
      unitNames: async (unitIds) =>
        new Map([...(await people.unitLineage(unitIds))].map(([id, lineage]) => [id, lineage.name])),
      posts,
      platform: { connectedAmong, faultedArticlesAtDate },
      inquiries,
      reviews: { reviewsAtDate },
    },
    unitsWithin: (rootIds) => people.unitsWithin(rootIds),
    accountUnits: (accountIds) => accounts.unitsOf(accountIds),
    findUnitsByName: (name) => people.findUnitsByName(name),
  });
  return {
    readiness,
    clock,
    audit,
    outbox,
    people,
    drafts,
    accounts,
    annualReviews,
    contentRules,
    calendar,
    reminderPolicies,
    cadence,
    posts,
    nudges,
    reminderRecords,
    unbinding,
    organization,
    officialAccountConnections,
    sweeps,
    publications,
    inquiries,
    inquirySettings,
  };
}

/** An account as inquiries know it. */
function inquiryAccount(account: Account): InquiryAccount {
  return {
    id: String(account._id),
    name: account.name,
    unitId: String(account.unitId),
    backendAdminId: String(account.backendAdminId),
    leaderInChargeId: String(account.leaderInChargeId),
  };
}

/** An account as the connection feature knows it. */
function connectable(account: Account) {
  return { id: String(account._id), name: account.name, platform: account.platform, status: account.status };
}
