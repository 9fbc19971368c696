/**
 * How text typed by people (chat, files, admin input) is normalised before it is compared, and made
 * well-formed before it is hashed or stored.
 */

declare global {
  // ES2024 (Node 20 has them); the project's lib is ES2023.
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/** NFKC (full-width letters, digits, slashes and spaces become ASCII), one space between words, trimmed. */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/**
 * The text with each unpaired UTF-16 surrogate (half an emoji, as a truncating client sends it)
 * replaced by U+FFFD — exactly what the database would store, since BSON strings are UTF-8. Applied
 * where text enters (chat, API, import, file names), so what is hashed is what is stored.
 */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * Every string and object key in a JSON-like value made well-formed; other values (dates, ids,
 * buffers) are kept as they are. Returns the value itself when nothing needed a change.
 */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (Array.isArray(value)) {
    const mapped = value.map((child: unknown) => wellFormedDeep(child));
    return (mapped.some((child, index) => child !== value[index]) ? mapped : value) as T;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, child]) => {
    const entry = [wellFormed(key), wellFormedDeep(child)] as const;
    changed ||= entry[0] !== key || entry[1] !== child;
    return entry;
  });
  return changed ? (Object.fromEntries(entries) as T) : value;
}
