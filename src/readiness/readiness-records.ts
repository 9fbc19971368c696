/**
 * Gathers the records the readiness measures read, for many accounts at once and as they stood at the
 * 监测时间点: the registry, posts, what the platform sweep found, inquiries and annual reviews, each
 * cut to the longest window the indicator table asks for. One query per kind of record, whatever the
 * number of accounts (the benchmark reads 2,000 accounts in a few dozen commands).
 */
import { civilDate } from '../shared/wall-clock';
import { cycleYearOf } from '../annual-review/annual-review-rules';
import type { Account } from '../accounts/account-model';
import type { RecentPost } from '../cadence/recent-post-model';
import type { InquiryAtDate } from '../inquiries/inquiry-readiness';
import type { ArticleAtDate } from '../publication/platform-article-readiness';
import type { ReviewAtDate } from '../annual-review/annual-review-readiness';
import type { IndicatorTable } from './indicator-table-rules';
import { measureSources } from './readiness-measure-rules';
import type { ReadinessAccount, ReadinessRecords } from './readiness-measure-rules';

export interface ReadinessSources {
  accounts: { accountsForReadiness(unitIds: string[]): Promise<Account[]> };
  unitNames(unitIds: string[]): Promise<Map<string, string>>;
  posts: {
    postsForReadiness(
      accountIds: string[],
      from: Date,
      to: Date,
    ): Promise<{
      posts: RecentPost[];
      lastDates: Map<string, { lastPostAt: Date | null; lastOriginalPostAt: Date | null }>;
    }>;
  };
  platform: {
    connectedAmong(accountIds: string[]): Promise<Set<string>>;
    faultedArticlesAtDate(accountIds: string[], from: Date, at: Date): Promise<ArticleAtDate[]>;
  };
  inquiries: {
    atDate(accounts: { id: string; unitId: string }[], from: Date, at: Date): Promise<InquiryAtDate[]>;
  };
  reviews: { reviewsAtDate(unitIds: string[], year: number, at: Date): Promise<Map<string, ReviewAtDate>> };
}

const dayMs = 86_400_000;
const endedSteps = new Set(['platform-cancelled', 'filed']);

/**
 * Whether the account ran at `at`: opened (its opening approved, or registered as running) by then and
 * not yet cancelled on the platform. The caller reads only accounts that were approved at some time.
 */
export function runningAt(account: Account, at: Date): boolean {
  if (startOf(account) > at) return false;
  return !account.closure.some((record) => endedSteps.has(record.step) && record.at <= at);
}

/** When the account started to be inspected: its approval, else its opening, else its registration. */
function startOf(account: Account): Date {
  return account.openingApproval?.at ?? account.openedAt ?? account.createdAt;
}

function readinessAccount(account: Account, unitName: string, at: Date): ReadinessAccount {
  const closure = account.closure.filter((record) => record.at <= at);
  return {
    id: String(account._id),
    name: account.name,
    platform: account.platform,
    unitId: String(account.unitId),
    unitName,
    status: closure.some((record) => record.step === 'requested') && account.status !== 'active' ? 'closing' : 'active',
    leaderInChargeId: String(account.leaderInChargeId),
    trackedSince: account.openedAt ?? startOf(account),
    cadenceDays: account.cadenceDays,
    interactionEnabled: account.interactionEnabled,
    filedAt: account.filedAt && account.filedAt <= at ? account.filedAt : null,
    filingDueAt: account.filingDueAt,
    certification: account.certification,
    closure: closure.map((record) => ({ step: record.step, at: record.at })),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** The records of the units' accounts that ran at `at`, each as it stood then. */
export async function gatherRecords(
  sources: ReadinessSources,
  table: IndicatorTable,
  unitIds: string[],
  at: Date,
  timeZone: string,
): Promise<ReadinessRecords[]> {
  // Each kind of record is read over the longest window of the measures that read it.
  const from = (source: string) => {
    const windows = table.indicators
      .filter((indicator) => measureSources[indicator.measure] === source)
      .map((indicator) => indicator.windowDays);
    return new Date(at.getTime() - Math.max(1, ...windows) * dayMs);
  };
  const [registered, unitNames] = await Promise.all([
    sources.accounts.accountsForReadiness(unitIds),
    sources.unitNames(unitIds),
  ]);
  const accounts = registered.filter((account) => runningAt(account, at));
  const ids = accounts.map((account) => String(account._id));
  if (ids.length === 0) return [];
  const year = cycleYearOf(civilDate(at, timeZone));
  const [posts, connected, articles, inquiries, reviews] = await Promise.all([
    sources.posts.postsForReadiness(ids, from('posts'), at),
    sources.platform.connectedAmong(ids),
    sources.platform.faultedArticlesAtDate(ids, from('articles'), at),
    sources.inquiries.atDate(
      accounts.map((account) => ({ id: String(account._id), unitId: String(account.unitId) })),
      from('inquiries'),
      at,
    ),
    sources.reviews.reviewsAtDate(unitIds, year, at),
  ]);
  const postsOf = groupBy(posts.posts, (post) => String(post.accountId));
  const articlesOf = groupBy(articles, (article) => article.accountId);
  const inquiriesOf = groupBy(inquiries, (inquiry) => inquiry.accountId);
  return accounts.map((account): ReadinessRecords => {
    const id = String(account._id);
    const last = posts.lastDates.get(id);
    const accountInquiries = inquiriesOf.get(id) ?? [];
    return {
      account: readinessAccount(account, unitNames.get(String(account.unitId)) ?? '', at),
      connected: connected.has(id),
      posts: (postsOf.get(id) ?? []).map((post) => ({
        id: String(post._id),
        // A platform post that is no approved draft's holds an id derived from its article, not a draft's.
        draftId: post.source === 'platform' && post.flag ? null : String(post.draftId),
        publishedAt: post.publishedAt,
        original: post.original,
        url: post.url,
      })),
      lastPostBefore: last?.lastPostAt ?? null,
      lastOriginalPostBefore: last?.lastOriginalPostAt ?? null,
      articles: articlesOf.get(id) ?? [],
      inquiries: accountInquiries,
      inquiriesRecorded: accountInquiries.length > 0,
      review: reviews.get(id) ?? null,
    };
  });
}
