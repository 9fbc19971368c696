/**
 * The platform sweep (R10), pure: how far to list an account's publications, which findings are told,
 * and what a sweep reports. Matching an article to the approvals, checking a verified one again and the
 * alerts' words are sweep-match-rules.ts's and sweep-alert-rules.ts's.
 *
 * Listing. The platform lists publications newest first. A sweep lists until it reaches what an earlier
 * sweep saw to the end (`coveredUntil`) and, further back, the last `recheckDays` — so a verified
 * article deleted or replaced within them is noticed. A first sweep lists everything.
 *
 * History. What an account published before its first sweep is recorded and counted, but an article
 * older than `historyDays` before it raises no alert: connecting an account with years of posts must
 * not flood the leader with alarms about the time before the system watched it.
 */
import type { RecheckResult } from './sweep-match-rules';

/** Verified articles are checked again for deletion and replacement this many days back. */
export const recheckDays = 7;
/** Articles published this many days before an account's first sweep are still alerted on. */
export const historyDays = 7;
/** The platform's largest page (freepublish/batchget: count 1–20). */
export const pageSize = 20;
/** A safety stop: 500 pages are 10,000 publications. */
export const maxPages = 500;

const dayMs = 86_400_000;

/** "<account id>:<article id>:<index>": an article of a publication on an account. */
export function articleKeyOf(accountId: string, articleId: string, index: number): string {
  return `${accountId}:${articleId}:${index}`;
}

/** How far back the listing must go: null lists everything (a first sweep, or one never finished). */
export function listingHorizon(coveredUntil: Date | null, now: Date): Date | null {
  if (!coveredUntil) return null;
  return new Date(Math.min(coveredUntil.getTime(), now.getTime() - recheckDays * dayMs));
}

/**
 * Whether to ask for the page after this one: the page was full, the platform has more, and it still
 * reached back to the horizon or beyond (its oldest publication is not older than the horizon).
 */
export function wantsNextPage(
  page: { updateTimes: Date[]; offset: number; totalCount: number },
  horizon: Date | null,
  pagesListed: number,
): boolean {
  if (page.updateTimes.length < pageSize || page.offset + page.updateTimes.length >= page.totalCount) return false;
  if (pagesListed >= maxPages) return false;
  if (!horizon) return true;
  const oldest = Math.min(...page.updateTimes.map((time) => time.getTime()));
  return oldest >= horizon.getTime();
}

/** Whether the alert about an article published at `publishedAt` is given (see History above). */
export function alertsOn(publishedAt: Date, firstSweptAt: Date | null, now: Date): boolean {
  const start = (firstSweptAt ?? now).getTime() - historyDays * dayMs;
  return publishedAt.getTime() >= start;
}

/** What a verified article's recheck adds to its record, and whether that is alerted. */
export interface RecheckChange {
  fields: { deleted: true } | { replacedBy: string };
  /** 'restored': its text is the verified one again after a replacement (recorded, not alerted). */
  kind: 'deleted' | 'replaced' | 'restored';
}

/**
 * The change a recheck (sweep-match-rules' recheckVerifiedArticle) makes to a verified article's record:
 * its deletion, a replacement by text not recorded before, its restoration; null when nothing is new,
 * so a loss is alerted once however often the sweep sees it.
 */
export function recheckChange(
  recorded: { deleted: boolean; replacedBy: string },
  result: RecheckResult,
): RecheckChange | null {
  if (recorded.deleted) return null;
  if (result.kind === 'deleted') return { fields: { deleted: true }, kind: 'deleted' };
  if (result.kind === 'unchanged') return recorded.replacedBy ? { fields: { replacedBy: '' }, kind: 'restored' } : null;
  if (result.fingerprint.whole === recorded.replacedBy) return null;
  return { fields: { replacedBy: result.fingerprint.whole }, kind: 'replaced' };
}

/** What one sweep of an account found (the API's and the CLI's answer, and the account page's). */
export interface SweepFigures {
  /** '' when the platform answered; otherwise why it did not (in Chinese). */
  error: string;
  /** Articles listed this time. */
  listed: number;
  /** Articles seen for the first time, and what each was. */
  found: number;
  verified: number;
  mismatched: number;
  unapproved: number;
  /** Verified articles found deleted or replaced since. */
  deleted: number;
  replaced: number;
}

/** A sweep's figures before it counts anything. */
export function noFindings(error: string, listed: number): SweepFigures {
  return { error, listed, found: 0, verified: 0, mismatched: 0, unapproved: 0, deleted: 0, replaced: 0 };
}

export function describeSweep(accountName: string, figures: SweepFigures): string {
  if (figures.error && figures.listed === 0) return `公众号“${accountName}”核查未完成：${figures.error}`;
  const found =
    figures.found > 0
      ? `新发现 ${figures.found} 篇：核验一致 ${figures.verified} 篇，与审核版本不一致 ${figures.mismatched} 篇，未经审核发布 ${figures.unapproved} 篇`
      : '没有新发布的文章';
  const lost =
    figures.deleted + figures.replaced > 0
      ? `；已核验文章被删除 ${figures.deleted} 篇、被改动 ${figures.replaced} 篇`
      : '';
  const unfinished = figures.error ? `（列表未读完：${figures.error}）` : '';
  return `公众号“${accountName}”核查完成：查看平台文章 ${figures.listed} 篇，${found}${lost}。${unfinished}`;
}
