/**
 * The platform sweep (R10): what each connected account has on the platform, matched against what was
 * approved. Daily (src/jobs/platform-sweep-job.ts, claimed once) and on demand (API, CLI).
 *
 * A sweep lists each account's publications newest first down to what earlier sweeps saw (sweep-listing.ts),
 * records each article once (`_id` from account, article id and index), and matches the new ones to the
 * account's approvals (sweep-match-rules.ts): verified — an article published by hand is checked too, with
 * no 已发布 report —, a near-miss (mismatch, with the difference), or 未经审核发布 (an alert to the
 * account's leader in charge and the admins). Verified articles of the last days are checked again: one
 * deleted or replaced is alerted. Every article found counts as a post for the cadence (post-ledger.ts).
 *
 * Reads and writes go in bulk across the accounts of a sweep, so its database commands do not grow with
 * the number of articles. Alerts and audit events go first, under keys made from the article, then the
 * records: a sweep cut short sees the articles again next time and repeats nothing it sent.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError } from '../shared/errors';
import { insertIgnoringDuplicates } from '../shared/database';
import { unique } from '../shared/unique';
import { mapConcurrently } from '../shared/concurrency';
import { applyAtRevision } from '../shared/claimed-write';
import type { AuditEventInput, AuditTrail } from '../audit/audit-service';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, UnitLineage } from '../people/people-service';
import { adminsCovering } from '../people/admin-scope-rules';
import type { TrackedAccount } from '../accounts/cadence-accounts';
import type { PlatformPost } from '../cadence/post-ledger';
import { ApprovalFingerprints } from './approval-fingerprints';
import type { FingerprintDrafts } from './approval-fingerprints';
import { listAccountArticles } from './sweep-listing';
import type { ArticleOnPlatform, SweepClient } from './sweep-listing';
import { PlatformArticleModel, platformArticleIdOf } from './platform-article-model';
import type { PlatformArticle } from './platform-article-model';
import { SweepStateModel } from './sweep-state-model';
import { PublicationModel } from './publication-model';
import type { Publication } from './publication-model';
import type { SweepOutcome, SweepState } from './sweep-state-model';
import { alertsOn, describeSweep, listingHorizon, noFindings, recheckChange, recheckDays } from './sweep-rules';
import { indexApprovedArticles, matchSweptArticle, recheckVerifiedArticle } from './sweep-match-rules';
import type { SweepMatch } from './sweep-match-rules';
import { SweepFindings } from './sweep-findings';
import type { SweepFindingsDependencies, SweptAccount } from './sweep-findings';

/** Which accounts are connected to their platform, and their clients (the connection feature's ports). */
export interface SweepConnections {
  connectedAccountIds(): Promise<string[]>;
  /** null when the account is not connected. */
  clientFor(accountId: string): Promise<SweepClient | null>;
}

export interface SweepServiceDependencies {
  clock: Clock;
  timeZone: string;
  logger?: Logger;
  audit: Pick<AuditTrail, 'append'>;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  connections: SweepConnections;
  accounts: { findTracked(accountIds: string[]): Promise<TrackedAccount[]> };
  people: {
    activeAdmins(): Promise<AdminSummary[]>;
    unitLineage(unitIds: string[]): Promise<Map<string, UnitLineage>>;
  };
  drafts: FingerprintDrafts & SweepFindingsDependencies['drafts'];
  seriousExpressionsIn?: SweepFindingsDependencies['seriousExpressionsIn'];
  posts: { recordPlatformPosts(posts: PlatformPost[]): Promise<void> };
  /** Accounts listed at once (4 unless said): each is a run of calls to the platform. */
  concurrency?: number;
}

/** One account's sweep as the API, the CLI and the job report it. */
export interface AccountSweep {
  accountId: string;
  accountName: string;
  outcome: SweepOutcome;
  /** The outcome in a sentence (Chinese). */
  text: string;
}

const dayMs = 86_400_000;

/** Accounts whose findings are written together: 10 accounts of 200 new articles are 2,000 records. */
const accountsPerRound = 10;

/**
 * Of the articles seen for the first time, those published through the platform's API (a publication
 * names them): one query for every account.
 */
async function publishedThroughApi(
  swept: SweptAccount[],
  recorded: Map<string, PlatformArticle>,
): Promise<Set<string>> {
  const fresh = unique(
    swept.flatMap(({ listing }) =>
      listing.articles.filter((article) => !recorded.has(article.key)).map((article) => article.articleId),
    ),
  );
  if (fresh.length === 0) return new Set();
  const publications = await PublicationModel.find({ articleId: { $in: fresh } }, { articleId: 1 }).lean<
    Pick<Publication, 'articleId'>[]
  >();
  return new Set(publications.map((publication) => publication.articleId));
}

/** An account to sweep, and its platform client (null: its stored secret cannot be opened). */
interface SweepTarget {
  accountId: string;
  client: SweepClient | null;
}

const unreadable = {
  articles: [],
  complete: false,
  error: '无法读取该账号保存的公众号密钥，请管理员重新填写 AppSecret 后测试连接',
};

export class SweepService {
  private readonly fingerprints: ApprovalFingerprints;

  constructor(private readonly dependencies: SweepServiceDependencies) {
    this.fingerprints = new ApprovalFingerprints(dependencies);
  }

  /** The daily sweep: every connected account (one whose client cannot be had is reported as such). */
  async sweepConnected(): Promise<AccountSweep[]> {
    const { connections, logger } = this.dependencies;
    const accountIds = await connections.connectedAccountIds();
    const targets = await Promise.all(
      accountIds.map(async (accountId): Promise<SweepTarget[]> => {
        try {
          const client = await connections.clientFor(accountId);
          // Disconnected since the list was read: nothing to sweep.
          return client ? [{ accountId, client }] : [];
        } catch (error) {
          logger?.error({ err: error, accountId }, 'no platform client for a connected account');
          return [{ accountId, client: null }];
        }
      }),
    );
    return this.sweep(targets.flat());
  }

  /** One account, on demand; the caller checked who may ask. Refused when it is not connected. */
  async sweepAccount(accountId: string): Promise<AccountSweep> {
    const client = await this.dependencies.connections.clientFor(accountId);
    if (!client) {
      throw new ConflictError(
        'ACCOUNT_NOT_CONNECTED',
        '该账号尚未连接公众号平台接口，无法核查平台上的文章：请先在账号详情中填写并测试连接',
      );
    }
    const [sweep] = await this.sweep([{ accountId, client }]);
    return sweep;
  }

  /** The account's last sweep; null before its first. */
  async lastSweep(accountId: string): Promise<SweepOutcome | null> {
    const state = await SweepStateModel.findById(accountId, { lastOutcome: 1 }).lean<SweepState>();
    return state?.lastOutcome ?? null;
  }

  /**
   * Sweeps the targets: the platform is listed while the fingerprints are brought up to date; then each
   * collection is read once for all the accounts (on the embedded database every query reads the whole
   * collection), and the findings are written a round of accounts at a time, so what is held at once
   * does not grow with the number of articles.
   */
  private async sweep(targets: SweepTarget[]): Promise<AccountSweep[]> {
    if (targets.length === 0) return [];
    const { clock, people, logger } = this.dependencies;
    const now = clock.now();
    // How long each part took, for the log: the platform's answers and the database's are what vary.
    const took = { readMs: 0, listMs: 0, matchMs: 0, writeMs: 0, approvalsMs: 0 };
    let lapStart = performance.now();
    const lap = (part: keyof typeof took) => {
      const end = performance.now();
      took[part] += Math.round(end - lapStart);
      lapStart = end;
    };
    const accountIds = targets.map((target) => target.accountId);
    const [accounts, states, admins] = await Promise.all([
      this.dependencies.accounts.findTracked(accountIds),
      SweepStateModel.find({ _id: { $in: accountIds } }).lean<SweepState[]>(),
      people.activeAdmins(),
    ]);
    const lineage = await people.unitLineage(unique(accounts.map((account) => account.unitId)));
    lap('readMs');
    const stateOf = new Map(states.map((state) => [state._id, state]));
    const clientOf = new Map(targets.map((target) => [target.accountId, target.client]));
    const refreshStart = performance.now();
    const [, listings] = await Promise.all([
      // The drafts are read while the platform is listed: the two take about as long.
      this.fingerprints.refresh().then(() => (took.approvalsMs = Math.round(performance.now() - refreshStart))),
      mapConcurrently(accounts, this.dependencies.concurrency ?? 4, (account) => {
        const client = clientOf.get(account.id) ?? null;
        const horizon = listingHorizon(stateOf.get(account.id)?.coveredUntil ?? null, now);
        return client ? listAccountArticles(client, account.id, horizon, logger) : Promise.resolve(unreadable);
      }),
    ]);
    lap('listMs');
    const approvals = await this.fingerprints.forAccounts(accounts);
    const swept = accounts.map((account, index): SweptAccount => {
      const unit = { id: account.unitId, ancestorIds: lineage.get(account.unitId)?.ancestorIds ?? [] };
      return {
        account,
        unitName: lineage.get(account.unitId)?.name ?? '',
        adminIds: adminsCovering(admins, unit).map((admin) => admin.id),
        state: stateOf.get(account.id),
        listing: listings[index],
        approvals: approvals.get(account.id) ?? [],
      };
    });
    const recorded = await this.readRecorded(swept, now);
    const throughApi = await publishedThroughApi(swept, recorded);
    const verifiedOf = new Map<string, PlatformArticle[]>();
    for (const record of recorded.values()) {
      if (record.finding !== 'verified') continue;
      const accountId = String(record.accountId);
      const list = verifiedOf.get(accountId);
      if (list) list.push(record);
      else verifiedOf.set(accountId, [record]);
    }
    lap('readMs');
    const outcomes: SweepOutcome[] = [];
    for (let first = 0; first < swept.length; first += accountsPerRound) {
      const round = swept.slice(first, first + accountsPerRound);
      const findings = new SweepFindings(this.dependencies, now);
      const found = round.map((entry) => this.findOn(entry, { recorded, verifiedOf, throughApi }, findings, now));
      lap('matchMs');
      await this.write(findings, round, found, now);
      outcomes.push(...found);
      // What the round listed is recorded now: let it go before the next round is matched.
      for (const entry of round) entry.listing = { ...entry.listing, articles: [] };
      lap('writeMs');
    }
    const total = (field: 'listed' | 'found') => outcomes.reduce((sum, outcome) => sum + outcome[field], 0);
    logger?.info({ accounts: swept.length, listed: total('listed'), found: total('found'), ...took }, 'platform swept');
    return swept.map(({ account }, index) => ({
      accountId: account.id,
      accountName: account.name,
      outcome: outcomes[index],
      text: describeSweep(account.name, outcomes[index]),
    }));
  }

  /**
   * The records of the articles listed, and of the verified articles of the last days of accounts
   * listed completely (one missing from the list is gone from the platform): one query.
   */
  private async readRecorded(swept: SweptAccount[], now: Date): Promise<Map<string, PlatformArticle>> {
    const listedIds = swept.flatMap(({ listing }) =>
      listing.articles.map((article) => platformArticleIdOf(article.key)),
    );
    const complete = swept.filter(({ listing }) => listing.complete).map(({ account }) => account.id);
    const branches: Record<string, unknown>[] = [];
    if (listedIds.length > 0) branches.push({ _id: { $in: listedIds } });
    if (complete.length > 0) {
      branches.push({
        accountId: { $in: complete.map((id) => new Types.ObjectId(id)) },
        publishedAt: { $gte: new Date(now.getTime() - recheckDays * dayMs) },
        finding: 'verified',
      });
    }
    if (branches.length === 0) return new Map();
    // Without their timelines (read again for the few that change, in write): thousands are held here.
    const records = await PlatformArticleModel.find({ $or: branches }, { timeline: 0 })
      .batchSize(5000)
      .lean<PlatformArticle[]>();
    return new Map(records.map((record) => [record.key, record]));
  }

  /** What this sweep finds on one account: new articles matched, verified ones checked again. */
  private findOn(
    entry: SweptAccount,
    known: {
      recorded: Map<string, PlatformArticle>;
      verifiedOf: Map<string, PlatformArticle[]>;
      throughApi: Set<string>;
    },
    findings: SweepFindings,
    now: Date,
  ): SweepOutcome {
    const { recorded } = known;
    const { account, listing, state } = entry;
    const outcome: SweepOutcome = { at: now, ...noFindings(listing.error, listing.articles.length) };
    const index = indexApprovedArticles(entry.approvals);
    const approvalOf = new Map(entry.approvals.map((approval) => [approval.draftId, approval]));
    const seen = new Set<string>();
    for (const article of listing.articles) {
      if (seen.has(article.key)) continue;
      seen.add(article.key);
      const record = recorded.get(article.key);
      if (record) {
        if (record.finding === 'verified') this.recheck(entry, record, article, findings, outcome);
        continue;
      }
      const match = matchSweptArticle(index, article);
      const approval = 'approved' in match && match.approved ? approvalOf.get(match.approved.draftId) : undefined;
      findings.addNew(entry, article, match, approval, {
        alert: alertsOn(article.publishedAt, state?.firstSweptAt ?? null, now),
        // Published through the API: the publish flow verified it and told whom it concerns.
        told: known.throughApi.has(article.articleId),
      });
      outcome.found += 1;
      outcome[countOf(match)] += 1;
    }
    if (listing.complete) {
      const gone = (known.verifiedOf.get(account.id) ?? []).filter((record) => !seen.has(record.key));
      for (const record of gone) this.recheck(entry, record, null, findings, outcome);
    }
    return outcome;
  }

  private recheck(
    entry: SweptAccount,
    record: PlatformArticle,
    article: ArticleOnPlatform | null,
    findings: SweepFindings,
    outcome: SweepOutcome,
  ): void {
    const current = article ? { title: article.title, text: article.text, isDeleted: article.deleted } : null;
    const change = recheckChange(record, recheckVerifiedArticle(record, current));
    if (!change) return;
    findings.addChange(entry, record, article, change);
    if (change.kind !== 'restored') outcome[change.kind] += 1;
  }

  /** Alerts and events first, then the records, the posts and the sweep marks (see the header). */
  private async write(
    findings: SweepFindings,
    swept: SweptAccount[],
    outcomes: SweepOutcome[],
    now: Date,
  ): Promise<void> {
    const { audit, outbox, posts } = this.dependencies;
    await findings.resolveDifferences();
    const appended = await Promise.all(findings.events.map((event: AuditEventInput) => audit.append(event)));
    for (const { record } of findings.changes) {
      record.timeline = (await PlatformArticleModel.findById(record._id, { timeline: 1 }).lean())?.timeline;
    }
    findings.keepEvents(appended.map(({ event }) => event));
    await outbox.enqueue(findings.messages);
    await insertIgnoringDuplicates(PlatformArticleModel.collection, findings.records);
    for (const { record, fields } of findings.changes) {
      // Lost: another sweep recorded the same change (its alert has the same keys).
      await applyAtRevision(PlatformArticleModel, record, fields, now);
    }
    await posts.recordPlatformPosts(findings.posts);
    await SweepStateModel.bulkWrite(
      swept.map(({ account, listing }, index) => {
        const newest = listing.articles.reduce<Date | null>(
          (latest, article) => (!latest || article.publishedAt > latest ? article.publishedAt : latest),
          null,
        );
        const covered = listing.complete ? (newest ?? now) : null;
        return {
          updateOne: {
            filter: { _id: account.id },
            // Marks that only move forward, and the last report: concurrent sweeps may write in any order.
            update: {
              $min: { firstSweptAt: now },
              $max: { lastSweptAt: now, ...(covered ? { coveredUntil: covered } : {}) },
              $set: { lastOutcome: outcomes[index] },
            },
            upsert: true,
          },
        };
      }),
      { ordered: false },
    );
  }
}

function countOf(match: SweepMatch): 'verified' | 'mismatched' | 'unapproved' {
  return match.kind === 'verified' ? 'verified' : match.kind === 'mismatch' ? 'mismatched' : 'unapproved';
}
