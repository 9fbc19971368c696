/**
 * What publishing through a platform needs from the rest of the system — narrow ports, so tests and the
 * features behind them see the contract: the platform's API for one connected account, the connection's
 * publishing settings, the drafts, the people and the registry.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { AuditTrail } from '../audit/audit-service';
import type { DraftService } from '../drafts/draft-service';

/** An article as the platform's draft/add takes it. */
export interface PlatformArticle {
  title: string;
  author: string;
  digest: string;
  /** HTML; images only from the platform (uploaded first). */
  content: string;
  /** The cover: a permanent image material. */
  thumbMediaId: string;
}

/** A published article as freepublish/getarticle answers it. */
export interface PublishedArticle {
  title: string;
  /** HTML. */
  content: string;
  url: string;
  isDeleted: boolean;
}

/** The platform's result of a publication (freepublish/get, or the PUBLISHJOBFINISH push). */
export interface PublicationResult {
  publishId: string;
  /** publish_status: 0 success, 1 publishing, 2–6 failures (publication-rules). */
  status: number;
  /** Set once the publication succeeded. */
  articleId: string | null;
  articleUrls: string[];
}

/** The publishing part of a platform's API (the 公众号's: OfficialAccountClient), for one account. */
export interface PublishingPlatform {
  uploadArticleImage(bytes: Buffer, fileName: string): Promise<string>;
  addPermanentImage(bytes: Buffer, fileName: string): Promise<string>;
  addDraft(articles: PlatformArticle[]): Promise<string>;
  submitPublication(mediaId: string): Promise<{ publishId: string; msgDataId: string | null }>;
  getPublication(publishId: string): Promise<Omit<PublicationResult, 'publishId'>>;
  getArticle(articleId: string): Promise<PublishedArticle[]>;
}

/** A connected account's platform API and its publishing settings. */
export interface PublishingConnection {
  platform: PublishingPlatform;
  /** The author shown on articles ('' for none). */
  author: string;
  /** A permanent image material used as the cover of a draft without an image; null when none is set. */
  defaultCoverMediaId: string | null;
  /** Publish as soon as a draft for the account is fully approved. */
  autoPublish: boolean;
}

export interface PublicationConnections {
  /** null when the account has no working connection (none set, or its secrets unreadable). */
  connectionFor(accountId: string): Promise<PublishingConnection | null>;
}

export interface PublicationPeople {
  findAdmin(personId: string): Promise<{ scopeUnitIds: string[] } | null>;
  adminCoversUnit(admin: { scopeUnitIds: string[] }, unitId: string): Promise<boolean>;
  adminsOf(unitId: string): Promise<{ id: string }[]>;
}

export interface PublicationAccounts {
  /** Each account found, by id: its name and platform key. */
  findAccounts(ids: string[]): Promise<Map<string, { name: string; platform: string }>>;
}

export interface PublicationOutbox {
  enqueue(entries: { idempotencyKey: string; recipient: { personId: string }; text: string }[]): Promise<void>;
}

export interface PublicationServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  outbox: PublicationOutbox;
  drafts: Pick<DraftService, 'findForPublication' | 'reportPublished'>;
  people: PublicationPeople;
  accounts: PublicationAccounts;
  connections: PublicationConnections;
  logger?: Logger;
  /** Reads a draft's stored file (the data folder) for upload. */
  readFile?: (path: string) => Promise<Buffer>;
}

/** Who asks for a publication: a person (chat or API), or nobody (automatic publishing after approval). */
export interface PublicationActor {
  personId: string | null;
  via: string;
}
