/**
 * The article published for an approved version (R1, R2, R10), pure: built from exactly the approved
 * content — its title, its text (article-html-rules), its images and cover — or refused, with a reason
 * the officer can act on. The publish service uploads the images the plan names, renders the HTML with
 * their platform addresses (renderArticleHtml) and submits it; it also checks each file's bytes against
 * the SHA-256 the plan carries, which this pure rule cannot read.
 */
import type { Refusal } from '../shared/errors';
import { hashContent } from '../drafts/draft-content-rules';
import type { Reprint } from '../drafts/review-state';
import { articleParagraphs, fingerprintArticle } from './article-fingerprint-rules';
import type { ArticleFingerprint } from './article-fingerprint-rules';
import { articleTextOf } from './article-html-rules';
import { characterCount, checkPlatformLimits, officialAccountLimits } from './article-limit-rules';

/** A file of the version as the plan needs it; the caller's own type (with its storage path) passes through. */
export interface ArticleAttachment {
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** The version to publish, as stored. */
export interface ApprovedVersion<A extends ArticleAttachment> {
  number: number;
  title: string;
  body: string;
  sourceUrl: string;
  reprint: Reprint | null;
  attachments: readonly A[];
}

export interface ArticleOptions {
  /** The content hash the last approval of this version bound (R2): anything else is refused. */
  approvedHash: string;
  /** The author shown on the article (the account's setting, e.g. the unit's name); '' for none. */
  author: string;
  /** The account's default cover (a permanent image material), for a version without an image. */
  defaultCoverMediaId: string | null;
}

/** The cover: the version's first image (uploaded as a permanent image), or the account's default. */
export type ArticleCover<A extends ArticleAttachment> =
  { source: 'attachment'; attachment: A } | { source: 'account-default'; mediaId: string };

export interface ArticlePlan<A extends ArticleAttachment> {
  title: string;
  author: string;
  digest: string;
  /** The article's text, line by line; render it with renderArticleHtml once the images are uploaded. */
  text: string;
  /** Uploaded with media/uploadimg and shown after the text, in this order. */
  images: A[];
  cover: ArticleCover<A>;
  /** What the published article is verified against (article-fingerprint-rules). */
  fingerprint: ArticleFingerprint;
}

/** The digest is cut here, inside the platform's 128, at a sentence's end where one is near. */
const digestLength = 120;
const shortestCutDigest = 40;

/**
 * The article for `version`, or why it cannot be published through the platform's API: content other
 * than the approved (its hash differs), files that are not pictures or a forwarded link (only a person
 * can lay those out), a version the platform would refuse (its limits), no cover, an over-long author.
 */
export function planArticle<A extends ArticleAttachment>(
  version: ApprovedVersion<A>,
  options: ArticleOptions,
): ArticlePlan<A> | Refusal {
  const attachmentHashes = version.attachments.map((attachment) => attachment.sha256);
  if (hashContent({ ...version, attachmentHashes }) !== options.approvedHash) {
    return refusal(
      'conflict',
      'ARTICLE_NOT_APPROVED_CONTENT',
      `第${version.number}版的内容与审核通过的内容不一致，不能发布；请重新提交审核`,
    );
  }
  const others = version.attachments.filter((attachment) => !attachment.mimeType.startsWith('image/'));
  if (others.length > 0) {
    return refusal(
      'invalid',
      'ARTICLE_FILE_NOT_PUBLISHABLE',
      `稿件附件${others.map((file) => `「${file.name}」`).join('')}不是图片，系统无法排版为公众号文章；请在公众号后台按审核通过的内容发布`,
    );
  }
  const text = articleTextOf(version);
  const images = [...version.attachments];
  if (version.sourceUrl) {
    // A forwarded article (a link, with its description as the body) is someone else's page, not a text to lay out.
    return refusal(
      'invalid',
      'ARTICLE_LINK_ONLY',
      '稿件是转发的文章链接，系统无法发布为公众号文章；请在公众号后台转载或发布',
    );
  }
  if (!text && images.length === 0) {
    return refusal('invalid', 'ARTICLE_EMPTY', '稿件没有正文也没有图片，无法发布为公众号文章');
  }
  const blocking = checkPlatformLimits({ ...version, platform: 'wechat-official-account' }).filter(
    (finding) => finding.severity === 'block',
  );
  if (blocking.length > 0) {
    return refusal(
      'invalid',
      'ARTICLE_OVER_PLATFORM_LIMIT',
      `稿件超出公众号的限制：${blocking.map((finding) => `「${finding.excerpt}」${finding.suggestion}`).join('；')}。修改后须重新审核`,
    );
  }
  const author = options.author.trim();
  if (characterCount(author) > officialAccountLimits.authorLength) {
    return refusal(
      'invalid',
      'ARTICLE_AUTHOR_TOO_LONG',
      `公众号文章作者最多${officialAccountLimits.authorLength}个字，账号设置的作者“${author}”有${characterCount(author)}字，请管理员修改`,
    );
  }
  const cover: ArticleCover<A> | null = images[0]
    ? { source: 'attachment', attachment: images[0] }
    : options.defaultCoverMediaId
      ? { source: 'account-default', mediaId: options.defaultCoverMediaId }
      : null;
  if (!cover) {
    return refusal(
      'invalid',
      'ARTICLE_COVER_MISSING',
      '公众号文章须有封面图：请随稿发送一张图片并重新审核，或请管理员为账号设置默认封面',
    );
  }
  return {
    title: version.title.trim(),
    author,
    digest: articleDigest(text),
    text,
    images,
    cover,
    fingerprint: fingerprintArticle({ title: version.title, text }),
  };
}

/**
 * The digest (摘要): the text's first paragraph, cut within 120 characters — after the last sentence
 * that ends there if that keeps at least 40, otherwise after 119 with "…". '' for an article without text.
 */
export function articleDigest(text: string): string {
  const [first = ''] = articleParagraphs(text);
  const characters = [...first];
  if (characters.length <= digestLength) return first;
  const head = characters.slice(0, digestLength);
  for (let end = head.length; end >= shortestCutDigest; end -= 1) {
    if (/[。！？；!?;]/.test(head[end - 1])) return head.slice(0, end).join('');
  }
  return `${head.slice(0, digestLength - 1).join('')}…`;
}

function refusal(kind: Refusal['kind'], code: string, message: string): Refusal {
  return { kind, code, message };
}

/** True when planArticle refused. */
export function isArticleRefusal<A extends ArticleAttachment>(plan: ArticlePlan<A> | Refusal): plan is Refusal {
  return 'kind' in plan;
}
