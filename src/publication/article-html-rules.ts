/**
 * An article's text as HTML and back (R10), pure: the HTML we publish for an approved version, and the
 * text a published article's HTML carries, read with the content hash's normalisation — so an article
 * published unedited reads back as exactly the approved text, and any visible change reads differently.
 */
import { normalizeHashedText } from '../drafts/draft-content-rules';
import type { Reprint } from '../drafts/review-state';

/** A line that already names a source ("来源：…"): a reprint's source is then not added again. */
const sourceLine = /^\s*(?:来源|稿源|信息来源|转自|转载自|摘自)\s*[:：]/;

/**
 * The text an article carries for a version: its body, and for a reprint (转载) a last line naming the
 * source (R7 requires published reprints to name it), unless the body already has such a line.
 */
export function articleTextOf(content: { body: string; reprint?: Reprint | null }): string {
  const body = normalizeHashedText(content.body);
  const source = content.reprint ? normalizeHashedText(content.reprint.source) : '';
  if (!source || body.split('\n').some((line) => sourceLine.test(line))) return body;
  return body ? `${body}\n\n来源：${source}` : `来源：${source}`;
}

/**
 * The article's HTML: one paragraph per line of `text` (an empty line is an empty paragraph), then each
 * image in its own paragraph. Spaces HTML would collapse (at a line's start, or several together) and
 * tabs are written as references, so reading the HTML back (readArticleHtml) gives the text unchanged.
 */
export function renderArticleHtml(text: string, imageUrls: string[]): string {
  const normalized = normalizeHashedText(text);
  const paragraphs = normalized
    ? normalized.split('\n').map((line) => (line ? `<p>${escapeLine(line)}</p>` : '<p><br></p>'))
    : [];
  const images = imageUrls.map((url) => `<p><img src="${escapeMarkup(url)}"></p>`);
  return [...paragraphs, ...images].join('');
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A line's text for a paragraph: a space at its start or after another space becomes `&nbsp;`. */
function escapeLine(line: string): string {
  return escapeMarkup(line)
    .replace(/ /g, (_space, offset: number, text: string) =>
      offset === 0 || text[offset - 1] === ' ' ? '&nbsp;' : ' ',
    )
    .replace(/\t/g, '&#9;')
    .replace(/\f/g, '&#12;');
}

/** What a published article's HTML says: its text (lines, normalised as the content hash reads text) and its images. */
export interface ArticleReading {
  text: string;
  /** Each image's address in order (`data-src` first: the platform's pages load images lazily from it). */
  imageUrls: string[];
}

/** Elements that start and end a line of text. */
const blockElements = new Set(
  'address article aside blockquote caption center dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody tfoot thead tr ul'.split(
    ' ',
  ),
);
/** Elements whose content is not text a reader sees. */
const hiddenElements = 'script|style|noscript|template|head|title';
/**
 * A comment, a hidden element with its content, or a tag (3: its name, 4: its attributes). Attributes
 * stop at the next "<", so a tag that never closes costs a scan to the next "<", not to the end: linear.
 */
const markup = new RegExp(
  `<!--[\\s\\S]*?(?:-->|$)|<(${hiddenElements})\\b(?:[^<>"']|"[^"<]*"|'[^'<]*')*>[\\s\\S]*?(?:</\\1\\s*>|$)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>`,
  'gi',
);
const htmlWhitespace = /[\t\n\f\r ]+/;

/**
 * The text and images of an article's HTML, as a reader sees them: block elements and <br> break
 * lines, runs of HTML whitespace are one space (except inside <pre>), character references are
 * decoded (`&nbsp;` as a space), scripts, styles and comments are dropped; then the content hash's
 * normalisation (normalizeHashedText). Pure, linear in the length of the HTML.
 */
export function readArticleHtml(html: string): ArticleReading {
  const lines: string[] = [];
  const imageUrls: string[] = [];
  let line = '';
  let pendingSpace = false;
  let preDepth = 0;
  const endLine = () => {
    lines.push(line);
    line = '';
    pendingSpace = false;
  };
  const addText = (raw: string) => {
    if (preDepth > 0) {
      const [first, ...rest] = decodeReferences(raw).replace(/\r\n?/g, '\n').split('\n');
      line += first;
      for (const part of rest) {
        endLine();
        line += part;
      }
      return;
    }
    raw.split(htmlWhitespace).forEach((piece, index) => {
      if (index > 0) pendingSpace = true;
      if (!piece) return;
      if (pendingSpace && line) line += ' ';
      pendingSpace = false;
      line += decodeReferences(piece);
    });
  };
  let last = 0;
  for (const match of html.matchAll(markup)) {
    addText(html.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[3]?.toLowerCase();
    if (!name) continue;
    const closing = match[2] === '/';
    if (name === 'br') endLine();
    else if (name === 'img' && !closing) {
      const url = imageAddress(match[4]);
      if (url) imageUrls.push(url);
    } else if (name === 'td' || name === 'th') {
      pendingSpace = true;
    } else if (blockElements.has(name)) {
      if (line) endLine();
      pendingSpace = false;
      if (name === 'pre') preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    }
  }
  addText(html.slice(last));
  if (line) endLine();
  return { text: normalizeHashedText(lines.join('\n')), imageUrls };
}

function imageAddress(attributes: string): string {
  const found = (name: string) =>
    new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  const value = found('data-src') ?? found('src');
  return value ? decodeReferences(value[1] ?? value[2] ?? value[3] ?? '').trim() : '';
}

/**
 * The named references editors write (the platform's editor among them); others stay as written.
 * `&nbsp;` is a space: editors write it where a space must not collapse, as renderArticleHtml does.
 */
const namedReferences: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwj: '\u200d',
  zwnj: '\u200c',
  shy: '\u00ad',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  middot: '·',
  bull: '•',
  times: '×',
  divide: '÷',
  plusmn: '±',
  deg: '°',
  yen: '¥',
  copy: '©',
  reg: '®',
  trade: '™',
  sect: '§',
  permil: '‰',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
};

function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g, (whole, decimal, hex, name) => {
    if (name !== undefined) return namedReferences[(name as string).toLowerCase()] ?? whole;
    const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex as string, 16);
    const valid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : '\ufffd';
  });
}
