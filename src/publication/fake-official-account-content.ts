/**
 * What the fake Official Account platform does to an article at draft/add, as the real one documents it
 * (`../shared/WECHAT-OFFICIAL.md`, draft_add): the size limits refused with their errcodes, scripts
 * removed, and images not hosted on the platform filtered out of the body. Pure; used only by the fake.
 */

export interface FakeArticleInput {
  title: string;
  author: string;
  digest: string;
  content: string;
  thumbMediaId: string;
  contentSourceUrl: string;
}

export type AcceptedArticle =
  { ok: true; content: string; filteredImages: number } | { ok: false; errcode: number; errmsg: string };

/** Hosts of the platform's own images (media/uploadimg answers URLs on these). */
const platformImageHosts = /^https?:\/\/mmbiz\.(?:qpic|qlogo)\.cn\//;

/** Characters as the platform counts them: one per code point (one 字 each). */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/** Checks an article against the platform's limits; the body as the platform keeps it, or the errcode. */
export function acceptArticle(article: FakeArticleInput): AcceptedArticle {
  if (!article.title || characterCount(article.title) > 32) {
    return { ok: false, errcode: 45003, errmsg: 'title size out of limit' };
  }
  if (characterCount(article.author) > 16) return { ok: false, errcode: 45110, errmsg: 'author size out of limit' };
  if (characterCount(article.digest) > 128) {
    return { ok: false, errcode: 45004, errmsg: 'description size out of limit' };
  }
  if (characterCount(article.content) >= 20_000 || Buffer.byteLength(article.content, 'utf8') >= 1024 * 1024) {
    return { ok: false, errcode: 45002, errmsg: 'content size out of limit' };
  }
  if (!article.content.trim()) return { ok: false, errcode: 44003, errmsg: 'empty news data' };
  let filteredImages = 0;
  const content = article.content.replace(/<script\b[\s\S]*?<\/script\s*>/gi, '').replace(/<img\b[^>]*>/gi, (tag) => {
    const source = /\bsrc\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? '';
    if (platformImageHosts.test(source)) return tag;
    filteredImages += 1;
    return '';
  });
  return { ok: true, content, filteredImages };
}
