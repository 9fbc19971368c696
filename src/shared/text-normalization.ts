/** How text typed by people (chat, files, admin input) is normalised before it is compared. */

/** NFKC (full-width letters, digits, slashes and spaces become ASCII), one space between words, trimmed. */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, ' ').trim();
}
