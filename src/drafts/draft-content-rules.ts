/**
 * A draft's content as the rules see it, pure: the short code people type, the hash an approval binds to
 * (R2), and the versions a revision adds. The random draw of a new code is the service's (draft-submission.ts).
 */
import { createHash } from 'node:crypto';
import { wellFormed } from '../shared/text-normalization';
import type { Reprint, ReviewState, ReviewVersion } from './review-state';
import type { ContentFinding } from './draft-model';

export { normalizeShortCode, shortCodeAlphabet, shortCodeLength, shortCodePattern } from '../shared/short-codes';

/**
 * A text as the content hash reads it: well-formed, NFC, line breaks as "\n", no trailing spaces on a
 * line, trimmed. The publication check reads a published article's text the same way (R10).
 */
export function normalizeHashedText(text: string): string {
  return wellFormed(text)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/**
 * The content an approval binds to (R2): title, body, source link and attachment hashes, with line
 * endings, Unicode composition and trailing spaces normalised so that re-sending the same text gives
 * the same hash, while any visible change gives a new one.
 */
export function hashContent(content: {
  title: string;
  body: string;
  sourceUrl?: string;
  reprint?: Reprint | null;
  attachmentHashes?: string[];
}): string {
  const canonical = JSON.stringify([
    normalizeHashedText(content.title),
    normalizeHashedText(content.body),
    wellFormed(content.sourceUrl ?? '').trim(),
    [...(content.attachmentHashes ?? [])].sort(),
    ...(content.reprint
      ? [normalizeHashedText(content.reprint.source), normalizeHashedText(content.reprint.originalTitle)]
      : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The content of the version after `current` with a new title and body; source, reprint and files carry over. */
export function nextVersionContent(current: ReviewVersion, title: string, body: string): Omit<ReviewVersion, 'number'> {
  const content = {
    title,
    body,
    sourceUrl: current.sourceUrl,
    reprint: current.reprint,
    attachmentHashes: current.attachmentHashes,
  };
  return { ...content, contentHash: hashContent(content) };
}

export function currentVersionOf(state: Pick<ReviewState, 'versions' | 'currentVersion'>): ReviewVersion {
  const version = state.versions.find((candidate) => candidate.number === state.currentVersion);
  if (!version) throw new Error(`draft has no version ${state.currentVersion}`);
  return version;
}

/** What stops a version before review (the findings that block), with how to fix each; null when none does. */
export function describeBlockingFindings(findings: readonly ContentFinding[]): string | null {
  const blocking = findings.filter((finding) => finding.severity === 'block');
  if (blocking.length === 0) return null;
  return blocking
    .map((finding) => `${finding.category}「${finding.excerpt}」${finding.suggestion ? `，${finding.suggestion}` : ''}`)
    .join('；');
}
