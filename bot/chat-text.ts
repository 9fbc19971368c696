/**
 * How the bot reads chat text, pure: cleaning, width folding, mentions, draft codes. Shared by the
 * command parser and the decision grammar so both see a message the same way.
 */
import { shortCodeAlphabet } from '../src/drafts/draft-content-rules';

const codePattern = new RegExp(
  `^#?([${shortCodeAlphabet}${shortCodeAlphabet.toLowerCase()}0-9Oo1IiLl]{4})(?![A-Za-z0-9])`,
);
/** Spaces and punctuation between the parts of a command ("同意：#K7Q2，很好"). */
export const separators = /^[\s:,.;!?、，。：；！？]+/;

/**
 * No invisible characters (zero-width spaces and joiners, direction marks and embeddings, word joiners,
 * soft hyphens: pasted text carries them, and they must not change how a command reads), unified spaces
 * and line breaks, trimmed; the text people wrote otherwise.
 */
export function cleanChatText(text: string): string {
  return text
    .replace(/[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .replace(/[\u2005\u3000]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/**
 * Full-width ASCII → half-width, one character for one, so commands are read on the folded text while
 * titles, bodies and reasons are taken, at the same positions, from what the sender wrote.
 */
export function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (character) => String.fromCharCode(character.charCodeAt(0) - 0xfee0));
}

/**
 * @-mentions addressed to the bot, not part of the command: the leading ones ("@审发 同意") and those
 * closing the message after a space ("同意 K7Q2 @审发"), as group chats write them.
 */
export function stripMentions(text: string): string {
  let rest = text;
  while (rest.startsWith('@')) {
    const end = rest.search(/\s/);
    if (end < 0) return '';
    rest = rest.slice(end).trimStart();
  }
  return rest.replace(/(?:\s+@[^\s@]+)+$/, '');
}

export function isOnlyPunctuation(text: string): boolean {
  return /^[\p{P}\p{S}\s]*$/u.test(text);
}

/** Splits "K7Q2 rest" into the code and the rest; null when the text does not start with a code. */
export function takeCode(text: string): { code: string; rest: string } | null {
  const match = codePattern.exec(text.replace(separators, ''));
  if (!match) return null;
  const rest = text.replace(separators, '').slice(match[0].length).replace(separators, '');
  return { code: match[1].toUpperCase(), rest };
}

/** The longest of `words` the text starts with. */
export function startsWithWord(text: string, words: readonly string[]): string | null {
  return [...words].sort((left, right) => right.length - left.length).find((word) => text.startsWith(word)) ?? null;
}
