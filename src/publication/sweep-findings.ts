/**
 * What one sweep found, as the writes it makes (sweep-service.ts): a record per new article, the audit
 * event of each finding, the messages of those told, the posts the cadence counts, and the changes to
 * verified articles seen again. Keys are made from the article (and the record's revision for a change),
 * so a sweep done again, or two at once, records and sends each thing once.
 *
 * Who is told: a verified article published by hand — its submitter; a near-miss — the submitter, the
 * approvers and the unit's admins, with the difference; 未经审核发布 — the account's leader in charge and
 * the admins; a verified article deleted or replaced — the leader in charge, the account's officer, the
 * submitter (and, for a replacement, the approvers) and the admins. Nobody is told about the history
 * before an account's first sweep (sweep-rules.ts), but its events are recorded all the same. An article
 * published through the platform's API was verified, recorded and told of by the publish flow: the sweep
 * records it and counts it, nothing more.
 */
import { Types } from 'mongoose';
import type { AuditEventInput } from '../audit/audit-service';
import type { AuditEvent } from '../audit/audit-event-model';
import type { DraftTimelineEntry } from '../drafts/draft-model';
import { withTimelineEntry } from '../drafts/draft-listing-rules';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { PlatformPost } from '../cadence/post-ledger';
import type { DraftForPublication } from '../drafts/draft-service-types';
import { NotFoundError } from '../shared/errors';
import { draftHeading } from '../drafts/draft-messages';
import { unique } from '../shared/unique';
import { mapConcurrently } from '../shared/concurrency';
import { articleTextOf } from './article-html-rules';
import { describeMismatch, describeVerified, diffArticle, formatArticleDifference } from './article-diff-rules';
import type { ArticleDifference, ComparedArticle } from './article-diff-rules';
import {
  describeUnapprovedArticle,
  describeVerifiedArticleChanged,
  describeVerifiedArticleDeleted,
} from './sweep-alert-rules';
import type { SweepMatch } from './sweep-match-rules';
import type { RecheckChange } from './sweep-rules';
import type { AccountApproval } from './approval-fingerprints';
import type { AccountListing, ArticleOnPlatform } from './sweep-listing';
import { platformArticleIdOf } from './platform-article-model';
import type { PlatformArticle } from './platform-article-model';
import type { SweepState } from './sweep-state-model';
import type { TrackedAccount } from '../accounts/cadence-accounts';

export interface SweepFindingsDependencies {
  timeZone: string;
  /** The serious wrong expressions in a published text (content-check-rules' seriousWrongExpressions). */
  seriousExpressionsIn?: (article: { title: string; text: string }) => string[];
  drafts: { findForPublication(reference: { id: string }): Promise<DraftForPublication> };
}

/** An account being swept: who to tell, where it stands, and what its platform showed. */
export interface SweptAccount {
  account: TrackedAccount;
  unitName: string;
  /** The admins whose scope covers the account's unit. */
  adminIds: string[];
  state: SweepState | undefined;
  listing: AccountListing;
  approvals: AccountApproval[];
}

/** A finding whose words need the approved text: told once the text is read (resolveDifferences). */
interface PendingDifference {
  draftId: string;
  published: ComparedArticle;
  tell: (difference: ArticleDifference | null) => void;
}

export class SweepFindings {
  readonly records: Record<string, unknown>[] = [];
  readonly events: AuditEventInput[] = [];
  readonly messages: OutboxEntry[] = [];
  readonly posts: PlatformPost[] = [];
  readonly changes: { record: PlatformArticle; fields: Record<string, unknown> }[] = [];
  private readonly pending: PendingDifference[] = [];
  /** Event key → the record (by `_id`) that keeps the event for its draft's timeline. */
  private readonly keptBy = new Map<string, string>();

  constructor(
    private readonly dependencies: SweepFindingsDependencies,
    private readonly now: Date,
  ) {}

  /** An article seen for the first time, as matched to the account's approvals. */
  addNew(
    entry: SweptAccount,
    article: ArticleOnPlatform,
    match: SweepMatch,
    approval: AccountApproval | undefined,
    { alert, told }: { alert: boolean; told: boolean },
  ): void {
    const { account } = entry;
    const finding = match.kind;
    const vouched = finding === 'unapproved' ? null : (approval ?? null);
    this.records.push({
      _id: platformArticleIdOf(article.key),
      key: article.key,
      accountId: new Types.ObjectId(account.id),
      unitId: new Types.ObjectId(account.unitId),
      articleId: article.articleId,
      index: article.index,
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt,
      fingerprint: match.fingerprint.whole,
      finding,
      draftId: vouched ? new Types.ObjectId(vouched.draftId) : null,
      versionNumber: vouched?.versionNumber ?? null,
      alerted: alert || told,
      deleted: article.deleted,
      replacedBy: '',
      firstSeenAt: this.now,
      seriousExpressions: this.seriousExpressionsIn(article),
      revision: 0,
    });
    if (!article.deleted) {
      this.posts.push({
        accountId: account.id,
        unitId: account.unitId,
        articleKey: article.key,
        draftId: finding === 'verified' && vouched ? vouched.draftId : null,
        publishedAt: article.publishedAt,
        url: article.url,
        original: finding === 'verified' && vouched ? vouched.original : false,
        flag: finding === 'verified' ? null : finding,
      });
    }
    if (told) return;
    const key = `sweep:${article.key}:${finding}`;
    const details = {
      accountId: account.id,
      articleId: article.articleId,
      index: article.index,
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt.toISOString(),
      alerted: alert,
    };
    if (match.kind === 'unapproved' || !vouched) {
      this.event(key, 'publication.unapproved', { type: 'account', id: account.id }, details, {
        reason: match.kind === 'unapproved' ? match.reason : 'no-approval',
        approvedLaterDraftId: match.kind === 'unapproved' ? (match.approved?.draftId ?? null) : null,
      });
      if (alert && match.kind === 'unapproved') {
        const text = describeUnapprovedArticle(this.alerted(entry, article), match, this.dependencies.timeZone);
        this.tell(key, [account.leaderId, ...entry.adminIds], text, 'alert');
      }
      return;
    }
    const heading = draftHeading(vouched.shortCode, vouched.title);
    const publication = { heading, accountName: account.name, versionNumber: vouched.versionNumber, url: article.url };
    const subject = { type: 'draft' as const, id: vouched.draftId };
    this.keptBy.set(key, String(platformArticleIdOf(article.key)));
    if (match.kind === 'verified') {
      this.event(key, 'publication.verified', subject, details, {}, vouched);
      if (alert) this.tell(key, [vouched.submitterId], describeVerified(publication), 'notice');
      return;
    }
    this.pending.push({
      draftId: vouched.draftId,
      published: article,
      tell: (difference) => {
        this.event(key, 'publication.mismatch', subject, details, summaryOf(difference), vouched);
        if (!alert) return;
        const recipients = [vouched.submitterId, ...vouched.approverIds, ...entry.adminIds];
        this.tell(key, recipients, describeMismatch(publication, difference ?? unreadable), 'alert');
      },
    });
  }

  private seriousExpressionsIn(article: { title: string; text: string }): string[] {
    return this.dependencies.seriousExpressionsIn?.(article) ?? [];
  }

  /** A verified article seen again, deleted, replaced or restored (sweep-rules' recheckChange). */
  addChange(
    entry: SweptAccount,
    record: PlatformArticle,
    article: ArticleOnPlatform | null,
    change: RecheckChange,
  ): void {
    // A replaced text is checked again: what is published now is what an inspector reads.
    const fields =
      change.kind === 'replaced' && article
        ? { ...change.fields, seriousExpressions: this.seriousExpressionsIn(article) }
        : change.fields;
    this.changes.push({ record, fields });
    if (change.kind === 'restored' || !record.draftId) return;
    const { account } = entry;
    const draftId = String(record.draftId);
    const approval = entry.approvals.find((candidate) => candidate.draftId === draftId);
    const heading = approval ? draftHeading(approval.shortCode, approval.title) : `《${record.title}》`;
    const key = `sweep:${record.key}:r${record.revision}:${change.kind}`;
    const subject = { type: 'draft' as const, id: draftId };
    const details = { accountId: account.id, articleId: record.articleId, index: record.index, url: record.url };
    this.keptBy.set(key, String(record._id));
    const told = [account.leaderId, account.officerId, ...(approval ? [approval.submitterId] : []), ...entry.adminIds];
    const alerted = this.alerted(entry, { title: record.title, url: record.url, publishedAt: record.publishedAt });
    if (change.kind === 'deleted' || !article) {
      this.event(key, 'publication.deleted', subject, details, {});
      this.tell(key, told, describeVerifiedArticleDeleted(alerted, heading), 'alert');
      return;
    }
    this.pending.push({
      draftId,
      published: article,
      tell: (difference) => {
        this.event(key, 'publication.replaced', subject, details, summaryOf(difference));
        const recipients = [...told, ...(approval?.approverIds ?? [])];
        this.tell(key, recipients, describeVerifiedArticleChanged(alerted, heading, difference ?? unreadable), 'alert');
      },
    });
  }

  /** Reads the approved text of each draft a difference is shown against (a few), then tells those findings. */
  async resolveDifferences(): Promise<void> {
    const draftIds = unique(this.pending.map((pending) => pending.draftId));
    const drafts = await mapConcurrently(draftIds, 4, (id) =>
      this.dependencies.drafts.findForPublication({ id }).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      }),
    );
    const approvedText = new Map<string, ComparedArticle>();
    draftIds.forEach((id, index) => {
      const version = drafts[index]?.version;
      if (version) approvedText.set(id, { title: version.title, text: articleTextOf(version) });
    });
    for (const { draftId, published, tell } of this.pending.splice(0)) {
      const approved = approvedText.get(draftId);
      tell(approved ? diffArticle(approved, published) : null);
    }
  }

  /**
   * Keeps the recorded events about drafts with the records they concern, for the drafts' timelines:
   * in a new record as it is inserted, in a changed one with its change.
   */
  keepEvents(recorded: readonly AuditEvent[]): void {
    const entries = new Map<string, AuditEvent[]>();
    for (const event of recorded) {
      const recordId = event.key ? this.keptBy.get(event.key) : undefined;
      if (recordId) entries.set(recordId, [...(entries.get(recordId) ?? []), event]);
    }
    const kept = (timeline: readonly DraftTimelineEntry[], events: AuditEvent[] | undefined) =>
      (events ?? []).reduce<DraftTimelineEntry[]>((entries, event) => withTimelineEntry(entries, event), [...timeline]);
    for (const record of this.records) {
      const events = entries.get(String(record._id));
      if (events) record.timeline = kept([], events);
    }
    for (const change of this.changes) {
      const events = entries.get(String(change.record._id));
      if (events) change.fields.timeline = kept(change.record.timeline ?? [], events);
    }
  }

  private alerted(entry: SweptAccount, article: { title: string; url: string; publishedAt: Date }) {
    return {
      accountName: entry.account.name,
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt,
    };
  }

  private event(
    key: string,
    action: string,
    subject: AuditEventInput['subject'],
    details: Record<string, unknown>,
    more: Record<string, unknown>,
    approval?: AccountApproval,
  ): void {
    this.events.push({
      key,
      actor: { personId: null, via: 'sweep' },
      action,
      subject,
      subjectVersion: approval?.versionNumber ?? null,
      contentHash: approval?.contentHash ?? '',
      details: { ...details, ...more },
    });
  }

  private tell(key: string, personIds: string[], text: string, kind: OutboxEntry['kind']): void {
    for (const personId of unique(personIds.filter(Boolean))) {
      this.messages.push({ idempotencyKey: `${key}:${personId}`, recipient: { personId }, text, kind });
    }
  }
}

/** When the approved text cannot be read any more (the draft is gone): the finding, without its places. */
const unreadable: ArticleDifference = { title: [], text: [], placeCount: 0 };

function summaryOf(difference: ArticleDifference | null): Record<string, unknown> {
  return difference
    ? { placeCount: difference.placeCount, difference: formatArticleDifference(difference) }
    : { placeCount: null, difference: '' };
}
