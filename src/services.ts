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

export interface Services {
  clock: Clock;
  audit: AuditTrail;
  outbox: Outbox;
  people: PeopleService;
  drafts: DraftService;
  contentRules: ContentRules;
}

export interface ServiceOptions {
  clock: Clock;
  logger: Logger;
  /** Rule data folder; config/content-rules by default. */
  contentRulesDirectory?: string;
}

export function createServices(options: ServiceOptions): Services {
  const { clock, logger } = options;
  const audit = new AuditTrail({ clock, logger });
  const outbox = new Outbox({ clock, logger });
  const people = new PeopleService({ clock, audit, logger });
  const contentRules = loadContentRules(options.contentRulesDirectory);
  const drafts = new DraftService({
    clock,
    audit,
    outbox,
    people,
    checkContent: (content) => checkContent(content, contentRules),
    maskPersonalData,
    logger,
  });
  return { clock, audit, outbox, people, drafts, contentRules };
}
