/**
 * Reading publishing and its verification for the admins' views (R10): a draft's 发布核验 (its
 * publications, and what the sweep saw of its articles) and the dashboard's figures of the last 30 days
 * over the connected accounts a viewer may see. Read-only; the publications and the sweep write.
 */
import { Types } from 'mongoose';
import type { DraftTimelineEntry } from '../drafts/draft-model';
import type { Clock } from '../shared/clock';
import { isObjectIdText } from '../shared/ids';
import { unique } from '../shared/unique';
import type { PublicationCheckView, PublicationCountsView } from '../shared/contracts/publication-checks';
import { findEventsBySubject } from '../audit/audit-queries';
import { PublicationModel } from './publication-model';
import type { Publication } from './publication-model';
import { PlatformArticleModel } from './platform-article-model';
import type { PlatformArticle } from './platform-article-model';
import { SweepStateModel } from './sweep-state-model';
import type { SweepState } from './sweep-state-model';
import type { ConnectedAccounts } from './connected-accounts';
import { shownSweptArticle, toPublicationCheck } from './publication-check-rules';
import type { CheckedPublication, SweptArticle } from './publication-check-rules';
import { countPublications } from './publication-count-rules';
import type { CountedArticle, CountedPublication } from './publication-count-rules';

/** The accounts the views name, and those a viewer's units hold. */
export interface ViewedAccounts {
  findAccounts(ids: string[]): Promise<Map<string, { name: string }>>;
  runningAccountsOfUnits(unitIds: string[]): Promise<{ _id: Types.ObjectId; name: string }[]>;
}

export interface PublicationViewsDependencies {
  clock: Clock;
  accounts: ViewedAccounts;
  connected: Pick<ConnectedAccounts, 'listIds'>;
}

/** Who asks for the figures: an admin sees the accounts of their units; a leader those they lead. */
export interface PublicationViewer {
  isAdmin: boolean;
  scope: { adminUnitIds: string[]; leaderUnitIds: string[]; leaderAccountIds: string[] };
}

/** A draft as its 发布核验 reads it. */
export interface CheckedDraft {
  id: string;
  versions: { number: number; contentHash: string }[];
}

const windowDays = 30;
const checkedFields = {
  accountId: 1,
  state: 1,
  versionNumber: 1,
  contentHash: 1,
  title: 1,
  text: 1,
  articleId: 1,
  articleUrl: 1,
  finishedAt: 1,
  failure: 1,
  verification: 1,
  createdAt: 1,
} as const;
const sweptFields = {
  accountId: 1,
  articleId: 1,
  finding: 1,
  versionNumber: 1,
  title: 1,
  url: 1,
  publishedAt: 1,
  deleted: 1,
  replacedBy: 1,
  firstSeenAt: 1,
} as const;

export class PublicationViews {
  constructor(private readonly dependencies: PublicationViewsDependencies) {}

  /** 发布核验 of a draft the caller may see; null when it was neither published through a platform nor swept. */
  async forDraft(draft: CheckedDraft): Promise<PublicationCheckView | null> {
    if (!isObjectIdText(draft.id)) return null;
    const draftId = new Types.ObjectId(draft.id);
    const [publications, swept] = await Promise.all([
      PublicationModel.find({ draftId }, checkedFields).sort({ createdAt: -1 }).lean<Publication[]>(),
      PlatformArticleModel.find({ draftId }, sweptFields).lean<PlatformArticle[]>(),
    ]);
    if (publications.length === 0 && swept.length === 0) return null;
    const latest: Publication | undefined = publications[0];
    const publication: CheckedPublication | null = latest ?? null;
    const accountId = String(latest?.accountId ?? swept[0].accountId);
    const shown = shownSweptArticle({ publication, swept });
    const [accounts, sweepDifference] = await Promise.all([
      this.dependencies.accounts.findAccounts([accountId]),
      shown && (shown.finding === 'mismatch' || shown.replacedBy)
        ? this.sweepDifference(draft.id, shown)
        : Promise.resolve(''),
    ]);
    return toPublicationCheck({
      publication,
      attempts: publications.length,
      swept,
      accountName: accounts.get(accountId)?.name ?? '',
      versionHashes: new Map(draft.versions.map((version) => [version.number, version.contentHash])),
      sweepDifference,
    });
  }

  /** The draft's events its publications and the sweep's findings keep for its timeline. */
  async timelineKeptFor(draftId: string): Promise<DraftTimelineEntry[]> {
    if (!isObjectIdText(draftId)) return [];
    const id = new Types.ObjectId(draftId);
    const [publications, swept] = await Promise.all([
      PublicationModel.find({ draftId: id }, { timeline: 1 }).lean<Pick<Publication, 'timeline'>[]>(),
      PlatformArticleModel.find({ draftId: id }, { timeline: 1 }).lean<Pick<PlatformArticle, 'timeline'>[]>(),
    ]);
    return [...publications, ...swept].flatMap((record) => record.timeline ?? []);
  }

  /** The dashboard's card for the viewer; null for a viewer who sees no accounts (an officer). */
  async countsFor(viewer: PublicationViewer): Promise<PublicationCountsView | null> {
    const accounts = await this.accountsOf(viewer);
    if (!accounts) return null;
    const connectedIds = new Set(await this.dependencies.connected.listIds());
    const inScope = [...accounts.keys()].filter((id) => connectedIds.has(id));
    const since = new Date(this.dependencies.clock.now().getTime() - windowDays * 86_400_000);
    const objectIds = inScope.map((id) => new Types.ObjectId(id));
    const [articles, publications, states] = await Promise.all([
      objectIds.length
        ? PlatformArticleModel.find(
            { accountId: { $in: objectIds }, publishedAt: { $gte: since } },
            { accountId: 1, articleId: 1, finding: 1, title: 1, url: 1, publishedAt: 1, deleted: 1, replacedBy: 1 },
          ).lean<CountedArticle[]>()
        : Promise.resolve([]),
      objectIds.length
        ? PublicationModel.find(
            { state: { $in: ['verified', 'mismatch'] }, stateChangedAt: { $gte: since } },
            { accountId: 1, articleId: 1, state: 1, verification: 1 },
          ).lean<CountedPublication[]>()
        : Promise.resolve([]),
      inScope.length
        ? SweepStateModel.find({ _id: { $in: inScope } }, { lastSweptAt: 1 }).lean<SweepState[]>()
        : Promise.resolve([]),
    ]);
    const scoped = new Set(inScope);
    const lastSweptAt = states.reduce<Date | null>(
      (latest, state) => (state.lastSweptAt && (!latest || state.lastSweptAt > latest) ? state.lastSweptAt : latest),
      null,
    );
    return countPublications({
      windowDays,
      connectedAccounts: inScope.length,
      articles,
      publications: publications.filter((publication) => scoped.has(String(publication.accountId))),
      accountNames: new Map([...accounts].map(([id, name]) => [id, name])),
      lastSweptAt,
    });
  }

  /** The viewer's accounts by id with their names; null when they see none by their role. */
  private async accountsOf(viewer: PublicationViewer): Promise<Map<string, string> | null> {
    const { scope } = viewer;
    const unitIds = viewer.isAdmin ? scope.adminUnitIds : scope.leaderUnitIds;
    const accountIds = viewer.isAdmin ? [] : scope.leaderAccountIds;
    if (unitIds.length === 0 && accountIds.length === 0) return null;
    const [ofUnits, named] = await Promise.all([
      unitIds.length ? this.dependencies.accounts.runningAccountsOfUnits(unitIds) : Promise.resolve([]),
      accountIds.length ? this.dependencies.accounts.findAccounts(unique(accountIds)) : Promise.resolve(new Map()),
    ]);
    const accounts = new Map<string, string>(ofUnits.map((account) => [String(account._id), account.name]));
    for (const [id, account] of named as Map<string, { name: string }>) accounts.set(id, account.name);
    return accounts;
  }

  /** The difference the sweep told of the article (its audit event in the draft's trail). */
  private async sweepDifference(draftId: string, article: SweptArticle): Promise<string> {
    const events = await findEventsBySubject({ type: 'draft', id: draftId }, { limit: 500 });
    const told = events.filter(
      (event) =>
        (event.action === 'publication.mismatch' || event.action === 'publication.replaced') &&
        event.details.articleId === article.articleId &&
        typeof event.details.difference === 'string',
    );
    return String(told.at(-1)?.details.difference ?? '');
  }
}
