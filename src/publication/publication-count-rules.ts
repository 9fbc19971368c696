/**
 * The dashboard's 发布核验 figures (R10), pure: what the connected accounts published in the window —
 * verified, differing from the approved version, or published with no approval at all — counted once
 * per article. The sweep sees every article on the platform; an article published by 发布 and verified
 * before any sweep saw it counts from its publication.
 */
import type { PublicationCountsView, UnapprovedPostView } from '../shared/contracts/publication-checks';
import type { Publication } from './publication-model';
import type { PlatformArticle } from './platform-article-model';

export type CountedArticle = Pick<
  PlatformArticle,
  'accountId' | 'articleId' | 'finding' | 'title' | 'url' | 'publishedAt' | 'deleted' | 'replacedBy'
>;
export type CountedPublication = Pick<Publication, 'accountId' | 'articleId' | 'state' | 'verification'>;

export interface PublicationCountFacts {
  windowDays: number;
  connectedAccounts: number;
  /** The sweep's articles published in the window. */
  articles: CountedArticle[];
  /** Publications verified (or found differing) in the window. */
  publications: CountedPublication[];
  accountNames: Map<string, string>;
  lastSweptAt: Date | null;
}

/** How many of the newest unapproved posts the card lists. */
export const latestUnapprovedShown = 5;

export function countPublications(facts: PublicationCountFacts): PublicationCountsView {
  const counts = { verified: 0, mismatched: 0, unapproved: 0, changedLater: 0 };
  const seen = new Set<string>();
  for (const article of facts.articles) {
    seen.add(articleKey(String(article.accountId), article.articleId));
    if (article.finding === 'unapproved') counts.unapproved += 1;
    else if (article.finding === 'mismatch') counts.mismatched += 1;
    else counts.verified += 1;
    if (article.finding === 'verified' && (article.deleted || article.replacedBy)) counts.changedLater += 1;
  }
  for (const publication of facts.publications) {
    if (seen.has(articleKey(String(publication.accountId), publication.articleId))) continue;
    if (publication.state === 'verified') counts.verified += 1;
    else if (publication.state === 'mismatch' && !publication.verification?.deleted) counts.mismatched += 1;
  }
  const latestUnapproved: UnapprovedPostView[] = facts.articles
    .filter((article) => article.finding === 'unapproved')
    .sort((left, right) => right.publishedAt.getTime() - left.publishedAt.getTime())
    .slice(0, latestUnapprovedShown)
    .map((article) => ({
      accountId: String(article.accountId),
      accountName: facts.accountNames.get(String(article.accountId)) ?? '',
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt.toISOString(),
    }));
  return {
    windowDays: facts.windowDays,
    connectedAccounts: facts.connectedAccounts,
    ...counts,
    latestUnapproved,
    lastSweptAt: facts.lastSweptAt?.toISOString() ?? null,
  };
}

function articleKey(accountId: string, articleId: string): string {
  return `${accountId}:${articleId}`;
}
