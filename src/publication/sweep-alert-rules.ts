/**
 * The sweep's alerts (R10), pure: what the account's 分管领导 and the unit's admins read when the platform
 * shows an article nobody approved, or a verified article deleted or changed afterwards.
 */
import { formatWallTime } from '../shared/wall-time';
import type { ArticleDifference } from './article-diff-rules';
import { describeDifference } from './article-diff-rules';
import type { SweepMatch } from './sweep-match-rules';

/** An article as the alert names it. */
export interface AlertedArticle {
  accountName: string;
  title: string;
  publishedAt: Date;
  url: string;
}

/** 未经审核发布: an article on the platform that matches no approval, or went out before its approval. */
export function describeUnapprovedArticle(
  article: AlertedArticle,
  match: Extract<SweepMatch, { kind: 'unapproved' }>,
  timeZone: string,
): string {
  const when = formatWallTime(article.publishedAt, timeZone);
  const why =
    match.reason === 'before-approval' && match.approved
      ? `发布时尚未审核通过（#${match.approved.shortCode} 于 ${formatWallTime(match.approved.approvedAt, timeZone)} 才审核通过）`
      : '系统中没有与之相符的审核记录';
  return [
    `【未经审核发布】公众号“${article.accountName}”于 ${when} 发布了《${article.title}》，${why}。`,
    `文章链接：${article.url}`,
    '请立即核实：如系误发或账号被他人使用，请删除该文章并修改账号密码；如内容确需发布，请补办审核并说明情况。',
  ].join('\n');
}

/** A verified article the platform no longer shows (deleted by someone, or taken down). */
export function describeVerifiedArticleDeleted(article: AlertedArticle, heading: string): string {
  return `【已核验文章被删除】公众号“${article.accountName}”上的 ${heading}（已核验与审核内容一致）已被删除或下线，原链接：${article.url}。如非本单位有意删除，请立即核查账号安全。`;
}

/** A verified article whose title or text changed afterwards: what changed, from the approved version. */
export function describeVerifiedArticleChanged(
  article: AlertedArticle,
  heading: string,
  difference: ArticleDifference,
): string {
  return describeDifference(
    `【已核验文章被改动】公众号“${article.accountName}”上的 ${heading} 在核验一致后被改动，与审核通过的内容有 ${difference.placeCount} 处不同：`,
    difference,
    article.url,
  );
}
