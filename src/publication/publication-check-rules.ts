/**
 * 发布核验 as people see it (R10), pure: a draft's latest publication through the platform and what the
 * sweep saw of its article, folded into one state with a sentence in Chinese — published and verified,
 * differing from the approved version (with the difference word by word), deleted or changed on the
 * platform after it was verified, still publishing, or not published. A draft published by hand has
 * no publication; the sweep's finding then stands alone.
 */
import type { PublicationCheckState, PublicationCheckView } from '../shared/contracts/publication-checks';
import { differenceOf } from './publication-verification-rules';
import type { Publication } from './publication-model';
import type { PlatformArticle } from './platform-article-model';

/** A publication as the check reads it. */
export type CheckedPublication = Pick<
  Publication,
  | 'state'
  | 'versionNumber'
  | 'contentHash'
  | 'title'
  | 'text'
  | 'articleId'
  | 'articleUrl'
  | 'finishedAt'
  | 'failure'
  | 'verification'
>;

/** An article of the draft the sweep saw on the platform. */
export type SweptArticle = Pick<
  PlatformArticle,
  'articleId' | 'finding' | 'versionNumber' | 'title' | 'url' | 'publishedAt' | 'deleted' | 'replacedBy' | 'firstSeenAt'
>;

export interface PublicationCheckFacts {
  /** The draft's latest attempt through the platform; null when it was never published that way. */
  publication: CheckedPublication | null;
  attempts: number;
  /** Its articles the sweep verified or found near its approval, any order. */
  swept: SweptArticle[];
  accountName: string;
  /** The content hash of each version (the sweep's finding names the version only). */
  versionHashes: Map<number, string>;
  /** The difference the sweep told of the article shown, when it found one ('' otherwise). */
  sweepDifference: string;
}

const stateWords: Record<PublicationCheckState, string> = {
  publishing: '发布中',
  failed: '发布未成功',
  verifying: '已发布，核验中',
  verified: '已发布，核验一致',
  mismatch: '已发布，核验不一致',
  deleted: '已在平台删除',
  replaced: '发布后被改动',
};

/** The article the check is about: the publication's own, as the sweep saw it, or the newest the sweep found. */
export function shownSweptArticle(facts: Pick<PublicationCheckFacts, 'publication' | 'swept'>): SweptArticle | null {
  const { publication, swept } = facts;
  if (publication) return swept.find((article) => article.articleId === publication.articleId) ?? null;
  const newestFirst = [...swept].sort((left, right) => right.publishedAt.getTime() - left.publishedAt.getTime());
  return newestFirst[0] ?? null;
}

/** 发布核验 of a draft; null when it was neither published through the platform nor found by the sweep. */
export function toPublicationCheck(facts: PublicationCheckFacts): PublicationCheckView | null {
  const article = shownSweptArticle(facts);
  if (facts.publication) return fromPublication(facts, facts.publication, article);
  if (!article) return null;
  const versionNumber = article.versionNumber ?? 0;
  const state = laterChange(article) ?? (article.finding === 'verified' ? 'verified' : 'mismatch');
  return {
    source: 'sweep',
    state,
    stateText: stateWords[state],
    message: describeState(state, { versionNumber, placeCount: 0, fromSweep: true }),
    accountName: facts.accountName,
    versionNumber,
    contentHash: facts.versionHashes.get(versionNumber) ?? '',
    articleUrl: article.url,
    publishedAt: article.publishedAt.toISOString(),
    checkedAt: article.firstSeenAt.toISOString(),
    placeCount: 0,
    differenceText: state === 'verified' || state === 'deleted' ? '' : facts.sweepDifference,
    difference: null,
    attempts: 0,
  };
}

function fromPublication(
  facts: PublicationCheckFacts,
  publication: CheckedPublication,
  article: SweptArticle | null,
): PublicationCheckView {
  const { verification } = publication;
  const state = publicationState(publication, article);
  const placeCount = verification?.placeCount ?? 0;
  const differs = state === 'mismatch' && verification !== null;
  return {
    source: 'publish',
    state,
    stateText: stateWords[state],
    message: describeState(state, {
      versionNumber: publication.versionNumber,
      placeCount,
      fromSweep: false,
      failure: publication.failure?.message,
    }),
    accountName: facts.accountName,
    versionNumber: publication.versionNumber,
    contentHash: publication.contentHash,
    articleUrl: publication.articleUrl,
    publishedAt: publication.finishedAt?.toISOString() ?? null,
    checkedAt: verification?.checkedAt.toISOString() ?? null,
    placeCount: state === 'verified' ? 0 : placeCount,
    differenceText: differs ? verification.summary : state === 'replaced' ? facts.sweepDifference : '',
    difference: differs ? differenceOf({ title: publication.title, text: publication.text }, verification) : null,
    attempts: facts.attempts,
  };
}

function publicationState(publication: CheckedPublication, article: SweptArticle | null): PublicationCheckState {
  switch (publication.state) {
    case 'submitting':
    case 'publishing':
      return 'publishing';
    case 'failed':
      return 'failed';
    case 'published':
      return 'verifying';
    case 'mismatch':
      return publication.verification?.deleted ? 'deleted' : 'mismatch';
    case 'verified':
      // What the sweep saw since: the verified article deleted or changed on the platform.
      return (article && laterChange(article)) ?? 'verified';
  }
}

function laterChange(article: SweptArticle): 'deleted' | 'replaced' | null {
  if (article.deleted) return 'deleted';
  return article.replacedBy ? 'replaced' : null;
}

function describeState(
  state: PublicationCheckState,
  context: { versionNumber: number; placeCount: number; fromSweep: boolean; failure?: string },
): string {
  const version = `审核通过的第${context.versionNumber}版`;
  switch (state) {
    case 'publishing':
      return '已提交公众号平台，等待平台返回发布结果。';
    case 'failed':
      return `${context.failure || '发布未成功'}。稿件仍为审核通过状态，可再次发布。`;
    case 'verifying':
      return `文章已发布，正在与${version}比对。`;
    case 'verified':
      return context.fromSweep
        ? `平台巡查发现这篇文章（在公众号后台发布），经核验与${version}一致。`
        : `平台上的文章经核验与${version}一致。`;
    case 'mismatch':
      return context.fromSweep
        ? `平台巡查发现的文章与${version}相近但不一致，已通知投稿人、审核领导和管理员。`
        : `平台上的文章与${version}有 ${context.placeCount} 处不同，已通知投稿人、审核领导和管理员。`;
    case 'deleted':
      return `核验后文章已在平台上删除（${version}），已通知分管领导和管理员。`;
    case 'replaced':
      return `核验一致后，文章的标题或正文在平台上被改动，与${version}不再一致，已通知分管领导和管理员。`;
  }
}
