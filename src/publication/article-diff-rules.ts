/**
 * How a published article differs from the approved version (R2, R10), pure: word by word (the drafts'
 * diff, draft-diff-rules.ts), over the paragraphs the fingerprint reads — so what the fingerprint ignores
 * (indentation, empty lines) is never shown as a difference — and rendered for chat, one line a place.
 */
import type { DiffSegment } from '../shared/contracts/drafts';
import { firstWordsWithin, lastWordsWithin, wordsOf } from '../drafts/change-summary-rules';
import { normalizeHashedText } from '../drafts/draft-content-rules';
import { diffWords } from '../drafts/draft-diff-rules';
import { articleParagraphs } from './article-fingerprint-rules';

/** An article's words as compared: its title and its text (article-html-rules). */
export interface ComparedArticle {
  title: string;
  text: string;
}

export interface ArticleDifference {
  title: DiffSegment[];
  /** The paragraphs joined by "\n". */
  text: DiffSegment[];
  /** How many places differ (a changed title is one). */
  placeCount: number;
}

/** One place that differs: the words around it, what the approved version had there and what was published. */
interface DifferentPlace {
  /** The approved text's paragraph it starts in, from 1. */
  paragraph: number;
  before: string;
  removed: string;
  added: string;
  after: string;
}

export function diffArticle(approved: ComparedArticle, published: ComparedArticle): ArticleDifference {
  const title = diffWords(normalizeHashedText(approved.title), normalizeHashedText(published.title));
  const text = diffWords(articleParagraphs(approved.text).join('\n'), articleParagraphs(published.text).join('\n'));
  return { title, text, placeCount: placesOf(title).length + placesOf(text).length };
}

function placesOf(segments: DiffSegment[]): DifferentPlace[] {
  const places: DifferentPlace[] = [];
  let lineBreaks = 0;
  let open: DifferentPlace | null = null;
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'same') {
      if (open) places.push({ ...open, after: segment.text });
      open = null;
      lineBreaks += countLineBreaks(segment.text);
      continue;
    }
    const previous = segments[index - 1];
    open ??= {
      paragraph: lineBreaks + 1,
      before: previous?.kind === 'same' ? previous.text : '',
      removed: '',
      added: '',
      after: '',
    };
    if (segment.kind === 'removed') {
      open.removed += segment.text;
      lineBreaks += countLineBreaks(segment.text);
    } else {
      open.added += segment.text;
    }
  }
  if (open) places.push(open);
  return places;
}

function countLineBreaks(text: string): number {
  return text.split('\n').length - 1;
}

export interface DifferenceFormat {
  /** Places shown; the rest are counted. */
  maxPlaces?: number;
  /** Characters of context on each side, in whole words, within the paragraph. */
  context?: number;
  /** Characters of each side of a change, in whole words. */
  limit?: number;
}

/**
 * The difference for a chat message, a line a place: "· 第2段 改：…做好【防汛】→【抗旱】准备…"
 * (删 / 增 for words only removed or only added); a paragraph break inside a change shows as "↵".
 */
export function formatArticleDifference(difference: ArticleDifference, format: DifferenceFormat = {}): string {
  const { maxPlaces = 8, context = 12, limit = 60 } = format;
  const lines = [
    ...placesOf(difference.title).map((place) => describePlace('标题', place, context, limit)),
    ...placesOf(difference.text).map((place) => describePlace(`第${place.paragraph}段`, place, context, limit)),
  ];
  if (lines.length === 0) return '· 文字一致';
  const shown = lines.slice(0, maxPlaces);
  if (lines.length > maxPlaces)
    shown.push(`· 另有 ${lines.length - maxPlaces} 处不同，完整对照见小程序稿件详情的“发布核验”`);
  return shown.join('\n');
}

function describePlace(where: string, place: DifferentPlace, context: number, limit: number): string {
  const leading = wordsOf(place.before.split('\n').at(-1) ?? '');
  const lead = lastWordsWithin(leading, context);
  const prefix = `${lead.length < leading.length ? '…' : ''}${lead.join('')}`;
  const suffix = firstWordsWithin(wordsOf(place.after.split('\n')[0]), context);
  const shown = (text: string) => firstWordsWithin(wordsOf(text), limit).replace(/\n/g, '↵');
  const change =
    place.removed && place.added
      ? `改：${prefix}【${shown(place.removed)}】→【${shown(place.added)}】`
      : place.removed
        ? `删：${prefix}【${shown(place.removed)}】`
        : `增：${prefix}【${shown(place.added)}】`;
  return `· ${where} ${change}${suffix}`;
}

/** The publication and what the messages about its verification name. */
export interface VerifiedPublication {
  /** How chat names the draft: "#K7Q2 《标题》" (draftHeading). */
  heading: string;
  accountName: string;
  versionNumber: number;
  url: string;
}

/** To the submitter and the approvers: the published article says what was approved. */
export function describeVerified(publication: VerifiedPublication): string {
  return `【发布核验】${publication.heading} 已在公众号“${publication.accountName}”发布，经核验与审核通过的第${publication.versionNumber}版一致：${publication.url}`;
}

/**
 * To the submitter, the approvers and the unit's admins: the published article differs from the approved
 * version, where, and what to do.
 */
export function describeMismatch(publication: VerifiedPublication, difference: ArticleDifference): string {
  return describeDifference(
    `【发布核验不一致】${publication.heading} 在公众号“${publication.accountName}”上的内容与审核通过的第${publication.versionNumber}版有 ${difference.placeCount} 处不同：`,
    difference,
    publication.url,
  );
}

/** A message about a published article that differs from its approval: the headline, the places, the link, what to do. */
export function describeDifference(headline: string, difference: ArticleDifference, url: string): string {
  return [
    headline,
    formatArticleDifference(difference),
    `文章链接：${url}`,
    '请核实是否在平台上被改动。未经审核的改动须更正：在公众号后台改回审核通过的内容，或删除后按“修改”重新审核再发布。',
  ].join('\n');
}
