/**
 * The platform sweep's matching (R1, R10), pure: each article an account has on the platform is matched
 * to the approved versions by fingerprint (article-fingerprint-rules). The same fingerprint, approved
 * before it went out → verified (so an article published by hand in the back office is checked too); the
 * same title or the same text but not both, approved before → a mismatch, to be shown with its
 * difference; nothing → 未经审核发布, an alert. A verified article seen again deleted or changed → an alert.
 */
import { normalizeHashedText } from '../drafts/draft-content-rules';
import { fingerprintArticle } from './article-fingerprint-rules';
import type { ArticleFingerprint } from './article-fingerprint-rules';

/** An approved version as the sweep's index holds it (only versions whose approval still stands). */
export interface ApprovedArticle {
  draftId: string;
  shortCode: string;
  versionNumber: number;
  title: string;
  /** When the version's last approval was recorded. */
  approvedAt: Date;
  /** Of the article planned for it (planArticle's `fingerprint`). */
  fingerprint: ArticleFingerprint;
}

export interface ApprovedArticleIndex {
  byWhole: Map<string, ApprovedArticle[]>;
  byText: Map<string, ApprovedArticle[]>;
  byTitle: Map<string, ApprovedArticle[]>;
}

/** The approved versions by each part of their fingerprint: one pass, then each lookup is a map's. */
export function indexApprovedArticles(approved: Iterable<ApprovedArticle>): ApprovedArticleIndex {
  const index: ApprovedArticleIndex = { byWhole: new Map(), byText: new Map(), byTitle: new Map() };
  const add = (map: Map<string, ApprovedArticle[]>, key: string, article: ApprovedArticle) => {
    if (!key) return;
    const list = map.get(key);
    if (list) list.push(article);
    else map.set(key, [article]);
  };
  for (const article of approved) {
    add(index.byWhole, article.fingerprint.whole, article);
    add(index.byText, article.fingerprint.text, article);
    add(index.byTitle, article.fingerprint.titleKey, article);
  }
  return index;
}

/** An article as the sweep found it on the platform: its title, its text (readArticleHtml) and when it went out. */
export interface SweptArticle {
  title: string;
  text: string;
  publishedAt: Date;
}

export type SweepMatch =
  | { kind: 'verified'; approved: ApprovedArticle; fingerprint: ArticleFingerprint }
  | {
      kind: 'mismatch';
      approved: ApprovedArticle;
      fingerprint: ArticleFingerprint;
      titleDiffers: boolean;
      textDiffers: boolean;
    }
  | {
      kind: 'unapproved';
      /** no-approval: nothing like it was approved; before-approval: it went out before its approval. */
      reason: 'no-approval' | 'before-approval';
      /** For before-approval: the version approved only afterwards. */
      approved: ApprovedArticle | null;
      fingerprint: ArticleFingerprint;
    };

export interface SweepMatchOptions {
  /** A near-miss is an approval at most this long before the article went out (default 30 days). */
  nearMissWindowMs?: number;
  /** How far the platform's clock may run behind ours (default one minute). */
  clockSkewMs?: number;
}

const day = 86_400_000;

export function matchSweptArticle(
  index: ApprovedArticleIndex,
  article: SweptArticle,
  options: SweepMatchOptions = {},
): SweepMatch {
  const { nearMissWindowMs = 30 * day, clockSkewMs = 60_000 } = options;
  const fingerprint = fingerprintArticle(article);
  const publishedAt = article.publishedAt.getTime();
  const approvedBefore = (candidate: ApprovedArticle) => candidate.approvedAt.getTime() <= publishedAt + clockSkewMs;
  const exact = index.byWhole.get(fingerprint.whole) ?? [];
  const verified = latest(exact.filter(approvedBefore));
  if (verified) return { kind: 'verified', approved: verified, fingerprint };
  const nearMisses = [
    ...(index.byTitle.get(fingerprint.titleKey) ?? []),
    ...(fingerprint.text ? (index.byText.get(fingerprint.text) ?? []) : []),
  ].filter(
    (candidate) => approvedBefore(candidate) && publishedAt - candidate.approvedAt.getTime() <= nearMissWindowMs,
  );
  const nearest = latest(nearMisses);
  if (nearest) {
    return {
      kind: 'mismatch',
      approved: nearest,
      fingerprint,
      titleDiffers: normalizeHashedText(nearest.title) !== normalizeHashedText(article.title),
      textDiffers: nearest.fingerprint.text !== fingerprint.text,
    };
  }
  const approvedAfter = exact.length > 0 ? earliest(exact) : null;
  return {
    kind: 'unapproved',
    reason: approvedAfter ? 'before-approval' : 'no-approval',
    approved: approvedAfter,
    fingerprint,
  };
}

/** The most recent approval; ties go to the later version, then the draft id, so the answer never depends on order. */
function latest(candidates: ApprovedArticle[]): ApprovedArticle | null {
  return candidates.reduce<ApprovedArticle | null>(
    (best, candidate) => (best === null || compareApprovals(candidate, best) > 0 ? candidate : best),
    null,
  );
}

function earliest(candidates: ApprovedArticle[]): ApprovedArticle | null {
  return candidates.reduce<ApprovedArticle | null>(
    (best, candidate) => (best === null || compareApprovals(candidate, best) < 0 ? candidate : best),
    null,
  );
}

function compareApprovals(left: ApprovedArticle, right: ApprovedArticle): number {
  return (
    left.approvedAt.getTime() - right.approvedAt.getTime() ||
    left.versionNumber - right.versionNumber ||
    (left.draftId < right.draftId ? -1 : left.draftId > right.draftId ? 1 : 0)
  );
}

/** A verified article as the sweep sees it again: unchanged, deleted (or gone), or its title or text changed. */
export type RecheckResult =
  { kind: 'unchanged' } | { kind: 'deleted' } | { kind: 'replaced'; fingerprint: ArticleFingerprint };

/**
 * A verified article seen again. `current` is null when the platform no longer has it; an article the
 * platform marks deleted is deleted whatever its text.
 */
export function recheckVerifiedArticle(
  verified: { fingerprint: string },
  current: { title: string; text: string; isDeleted: boolean } | null,
): RecheckResult {
  if (!current || current.isDeleted) return { kind: 'deleted' };
  const fingerprint = fingerprintArticle(current);
  return fingerprint.whole === verified.fingerprint ? { kind: 'unchanged' } : { kind: 'replaced', fingerprint };
}
