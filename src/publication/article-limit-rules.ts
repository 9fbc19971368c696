/**
 * The limits of the platform a draft goes to, as pre-check findings (R7, R10), pure: found when the
 * draft is submitted, so the officer fixes them before the leader approves, not after — an approved
 * version the platform refuses could only be published after a new approval. Only 微信公众号 has
 * limits here so far (its draft API's: ../shared/WECHAT-OFFICIAL.md).
 */
import type { AccountPlatform } from '../accounts/account-vocabulary';
import type { ContentFinding } from '../content-check/content-check-rules';
import type { Reprint } from '../drafts/review-state';
import { articleTextOf, renderArticleHtml } from './article-html-rules';

/** The WeChat Official Account's draft API limits (draft/add, media/uploadimg). */
export const officialAccountLimits = {
  /** Characters of the title, at most. */
  titleLength: 32,
  /** Characters of the author, at most. */
  authorLength: 16,
  /** Characters of the digest (摘要), at most. */
  digestLength: 128,
  /** The article's HTML: fewer characters than this… */
  contentLength: 20_000,
  /** …and fewer UTF-8 bytes than this. */
  contentBytes: 1024 * 1024,
  /** An image in the text (media/uploadimg): JPG or PNG, smaller than this many bytes. */
  imageBytes: 1024 * 1024,
  imageTypes: ['image/jpeg', 'image/png'] as readonly string[],
} as const;

export const platformLimitRuleIds = [
  'official-account-title-length',
  'official-account-content-length',
  'official-account-image-type',
  'official-account-image-size',
  'official-account-image-link',
] as const;
export type PlatformLimitRuleId = (typeof platformLimitRuleIds)[number];

/** A draft as the platform limits read it. */
export interface PlatformLimitInput {
  title: string;
  body: string;
  reprint?: Reprint | null;
  /** The platform of the account the draft goes to; null or absent when it goes to none. */
  platform?: AccountPlatform | null;
  /** The files sent with the draft (an image becomes a picture in the article). */
  attachments?: readonly { name: string; mimeType: string; size: number }[];
}

const category = '公众号发布限制';

/**
 * An image address as long as the platform's (https://mmbiz.qpic.cn/…), standing in for each image's
 * address when the article's length is measured before the images are uploaded.
 */
const sampleImageUrl = `https://mmbiz.qpic.cn/mmbiz_png/${'x'.repeat(80)}/0?wx_fmt=png`;

/** Where a link in a Chinese text ends: a space, a quote, a bracket or Chinese punctuation. */
const linkEnd = `\\s<>"'()（）\\[\\]【】，。；！？、`;
/**
 * An image named in the text — an <img> tag, a Markdown image, or a link to an image file. The article
 * shows the text as text, so none of them becomes a picture; only files sent with the draft do.
 */
const imageReference = new RegExp(
  `<img\\b[^<>]*>|!\\[[^\\]\\n]*\\]\\([^)\\s]+\\)|https?://[^${linkEnd}]+?\\.(?:jpe?g|png|gif|bmp|webp)(?:\\?[^${linkEnd}]*)?(?=$|[${linkEnd}])`,
  'gi',
);

/**
 * The findings for the limits of the draft's platform: none unless it goes to a 微信公众号. Over-long
 * titles and texts, and images the platform does not take, block (the platform would refuse the article,
 * so the approved version could not be published as it is); an image named in the text warns (it would
 * be published as its address, which the leader may accept). A finding about the whole text or about a
 * file is reported at 0–0, its excerpt a label ("正文…字", the file's name) rather than text of the draft.
 */
export function checkPlatformLimits(draft: PlatformLimitInput): ContentFinding[] {
  if (draft.platform !== 'wechat-official-account') return [];
  const limits = officialAccountLimits;
  const findings: ContentFinding[] = [];
  const title = draft.title.trim();
  const titleLength = characterCount(title);
  if (titleLength > limits.titleLength) {
    findings.push({
      ...finding('official-account-title-length', 'block', 'title', 0, draft.title.length, draft.title),
      suggestion: `公众号标题最多${limits.titleLength}个字，现为${titleLength}字，请缩短标题后再提交`,
    });
  }
  for (const match of draft.body.matchAll(imageReference)) {
    findings.push({
      ...finding('official-account-image-link', 'warn', 'body', match.index, match.index + match[0].length, match[0]),
      suggestion:
        '公众号文章只显示随稿发送、由系统上传到平台的图片；正文中的图片地址会作为文字发布。请把图片作为文件发送，或删去该地址',
    });
  }
  const images = (draft.attachments ?? []).filter((file) => file.mimeType.startsWith('image/'));
  const text = articleTextOf(draft);
  const html = renderArticleHtml(
    text,
    images.map(() => sampleImageUrl),
  );
  const htmlLength = characterCount(html);
  const htmlBytes = new TextEncoder().encode(html).length;
  if (htmlLength >= limits.contentLength || htmlBytes >= limits.contentBytes) {
    findings.push({
      ...finding('official-account-content-length', 'block', 'body', 0, 0, ''),
      excerpt: `正文${characterCount(text)}字，排版后${htmlLength}字符`,
      suggestion: `公众号单篇文章排版后须少于${limits.contentLength}字符（且小于1MB），请精简正文或分篇投稿`,
    });
  }
  for (const image of images) {
    if (!limits.imageTypes.includes(image.mimeType)) {
      findings.push({
        ...finding('official-account-image-type', 'block', 'body', 0, 0, image.name),
        suggestion: '公众号正文图片只支持JPG、PNG格式，请转换格式后重新发送',
      });
    } else if (image.size >= limits.imageBytes) {
      findings.push({
        ...finding('official-account-image-size', 'block', 'body', 0, 0, image.name),
        suggestion: `公众号正文图片须小于1MB，该图片为${(image.size / 1024 / 1024).toFixed(1)}MB，请压缩后重新发送`,
      });
    }
  }
  return findings;
}

/** Characters as the platform counts them: code points, so an emoji is one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _character of text) count += 1;
  return count;
}

function finding(
  rule: PlatformLimitRuleId,
  severity: ContentFinding['severity'],
  field: ContentFinding['field'],
  start: number,
  end: number,
  excerpt: string,
): ContentFinding {
  return { rule, category, severity, field, start, end, excerpt, suggestion: '' };
}
