/**
 * The composition root: builds every service with its real dependencies, once per process. The API,
 * the bot, the jobs, the CLI and the tests all get their services from here.
 */
import os from 'node:os';
import path from 'node:path';
import type { Clock } from './shared/clock';
import { textFileStore } from './shared/text-files';
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
  /** Where texts too long for a chat message are kept as files to send; a temporary folder by default. */
  textFileDirectory?: string;
  /** The chat channel's longest message in UTF-8 bytes (see channelMessageLimit); WeChat's by default. */
  maxMessageBytes?: number;
}

export function createServices(options: ServiceOptions): Services {
  const { clock, logger } = options;
  const audit = new AuditTrail({ clock, logger });
  const outbox = new Outbox({ clock, logger, maxMessageBytes: options.maxMessageBytes });
  const people = new PeopleService({ clock, audit, logger });
  const contentRules = loadContentRules(options.contentRulesDirectory);
  const drafts = new DraftService({
    clock,
    audit,
    outbox,
    people,
    checkContent: (content) => checkContent(content, contentRules),
    maskPersonalData,
    storeTextFile: textFileStore(options.textFileDirectory ?? path.join(os.tmpdir(), 'shenfa-texts')),
    logger,
  });
  return { clock, audit, outbox, people, drafts, contentRules };
}
