/**
 * Verification (R10), pure: a published article, as the platform returns it, compared with the approved
 * version it should carry — its HTML read with the content hash's normalisation (article-html-rules) and
 * fingerprinted (article-fingerprint-rules): equal fingerprints verify it, anything else is a mismatch
 * with the difference word by word (article-diff-rules). The publish flow verifies what it published;
 * the platform sweep verifies what it finds, by the same function.
 */
import type { ComparedArticle } from './article-diff-rules';
import { diffArticle, formatArticleDifference } from './article-diff-rules';
import type { ArticleDifference } from './article-diff-rules';
import { fingerprintArticle } from './article-fingerprint-rules';
import { readArticleHtml } from './article-html-rules';
import type { VerificationResult } from './publication-rules';

/** A published article as fetched: its title, its HTML, and whether it was deleted since. */
export interface FetchedArticle {
  title: string;
  content: string;
  isDeleted: boolean;
}

export interface ArticleVerification extends VerificationResult {
  difference: ArticleDifference;
}

/**
 * `approved`: the approved version's title and article text (articleTextOf). A deleted article counts as
 * a mismatch: what readers saw is gone, which the approvers must hear of.
 */
export function verifyArticle(approved: ComparedArticle, fetched: FetchedArticle): ArticleVerification {
  const published = { title: fetched.title, text: readArticleHtml(fetched.content).text };
  const fingerprint = fingerprintArticle(published).whole;
  const same = fingerprint === fingerprintArticle(approved).whole;
  const difference = same ? { title: [], text: [], placeCount: 0 } : diffArticle(approved, published);
  // A difference the fingerprint sees is a mismatch even where the word diff shows no place.
  const placeCount = same && !fetched.isDeleted ? 0 : Math.max(1, difference.placeCount);
  return {
    placeCount,
    summary: fetched.isDeleted ? '· 文章已在平台删除' : same ? '' : formatArticleDifference(difference),
    fingerprint,
    publishedTitle: published.title,
    publishedText: published.text,
    deleted: fetched.isDeleted,
    difference,
  };
}

/** The stored verification's difference again (for the notices and the draft's page). */
export function differenceOf(
  approved: ComparedArticle,
  verification: Pick<VerificationResult, 'publishedTitle' | 'publishedText'>,
) {
  return diffArticle(approved, { title: verification.publishedTitle, text: verification.publishedText });
}
