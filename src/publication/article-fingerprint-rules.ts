/**
 * An article's fingerprint (R10), pure: what a published article and an approved version are compared
 * by. The text is read with the content hash's normalisation (normalizeHashedText); then only what an
 * article's layout cannot keep is set aside — a paragraph's indentation and the empty lines between
 * paragraphs, which editors add and remove freely. Any other change of a character changes it.
 */
import { createHash } from 'node:crypto';
import { normalizeHashedText } from '../drafts/draft-content-rules';

export interface ArticleFingerprint {
  /** Title and text together: equal means the article says what was approved. */
  whole: string;
  /** The text alone (empty when the article has no text): equal with another title means the title changed. */
  text: string;
  /** The title as people recognise it (see titleKey): equal with another text means the text changed. */
  titleKey: string;
}

export function fingerprintArticle(article: { title: string; text: string }): ArticleFingerprint {
  const title = normalizeHashedText(article.title);
  const paragraphs = articleParagraphs(article.text);
  return {
    whole: sha256(JSON.stringify([title, paragraphs])),
    text: paragraphs.length ? sha256(JSON.stringify(paragraphs)) : '',
    titleKey: titleKey(article.title),
  };
}

/** The text's paragraphs as the fingerprint reads them: normalised, trimmed, empty ones left out. */
export function articleParagraphs(text: string): string[] {
  return normalizeHashedText(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A title as people recognise it when they retype it: full-width forms folded (NFKC), letters in lower
 * case, without spaces, punctuation or symbols. Only for finding near-misses, never for verifying.
 */
export function titleKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
