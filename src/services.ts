/**
 * The composition root: builds every service with its real dependencies, once per process. The API,
 * the bot, the jobs, the CLI and the tests all get their services from here.
 */
import type { Clock } from './shared/clock';
import type { Logger } from './shared/logger';
import { AuditTrail } from './audit/audit-service';
import { Outbox } from './outbox/outbox-service';
import { PeopleService } from './people/people-service';
import { DraftService } from './drafts/draft-service';
import { checkContent, maskPersonalData } from './content-check/content-check-rules';
import type { ContentRules } from './content-check/content-check-rules';
import { loadContentRules } from './content-check/content-rules-loader';
import { CalendarService } from './cadence/calendar-service';
import type { OfficialCalendar } from './cadence/calendar-rules';
import { ReminderPolicyService } from './cadence/reminder-policy-service';
import { defaultReminderPolicy } from './cadence/reminder-policy-rules';
import type { ReminderPolicy } from './cadence/reminder-policy-rules';
import { CadenceAccounts } from './cadence/cadence-accounts';
import { CadenceService } from './cadence/cadence-service';
import { NudgeService } from './cadence/nudge-service';

export interface Services {
  clock: Clock;
  audit: AuditTrail;
  outbox: Outbox;
  people: PeopleService;
  drafts: DraftService;
  contentRules: ContentRules;
  calendar: CalendarService;
  reminderPolicies: ReminderPolicyService;
  cadence: CadenceService;
  nudges: NudgeService;
}

export interface ServiceOptions {
  clock: Clock;
  logger: Logger;
  /** Rule data folder; config/content-rules by default. */
  contentRulesDirectory?: string;
  /** Calendar and reminder time zone; Asia/Shanghai by default. */
  timeZone?: string;
  /** Reminder settings of units without their own (config `reminders`). */
  reminders?: ReminderPolicy;
  /** The holiday package's calendar; tests pass one to play a newer release. */
  officialCalendar?: OfficialCalendar;
}

export function createServices(options: ServiceOptions): Services {
  const { clock, logger } = options;
  const audit = new AuditTrail({ clock, logger });
  const outbox = new Outbox({ clock, logger });
  const people = new PeopleService({ clock, audit, logger });
  const contentRules = loadContentRules(options.contentRulesDirectory);
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const calendar = new CalendarService({ clock, audit, people, timeZone, logger, official: options.officialCalendar });
  const reminderPolicies = new ReminderPolicyService({
    clock,
    audit,
    people,
    defaults: options.reminders ?? defaultReminderPolicy,
  });
  const cadenceDependencies = { clock, outbox, people, calendar, policies: reminderPolicies, timeZone, logger };
  const cadence = new CadenceService({ ...cadenceDependencies, accounts: new CadenceAccounts() });
  const drafts = new DraftService({
    clock,
    audit,
    outbox,
    people,
    checkContent: (content) => checkContent(content, contentRules),
    maskPersonalData,
    publications: cadence,
    logger,
  });
  cadence.drafts = drafts;
  const nudges = new NudgeService({ ...cadenceDependencies, drafts });
  return { clock, audit, outbox, people, drafts, contentRules, calendar, reminderPolicies, cadence, nudges };
}
