/**
 * How text typed by people (chat, files, admin input) is normalised before it is compared, and
 * cleaned (well-formed, no stray control characters) where it enters, before it is hashed or stored.
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
 * Control characters nobody types (Unicode Cc: C0, DEL and C1) other than tab and line feed. NUL and
 * escape sequences in a title break exports, terminals and other systems; a carriage return is a line
 * break and becomes one (see cleanInputText).
 */
const strayControlCharacters = /[^\P{Cc}\t\n]/gu;

/**
 * Text as people send it, made fit to hash and store: well-formed (see wellFormed), line breaks as
 * "\n" (CRLF and a lone CR alike), and no control characters but tab and line feed. Applied where
 * text enters from people: API bodies, chat messages, organisation files.
 */
export function cleanInputText(text: string): string {
  return wellFormed(text).replace(/\r\n?/g, '\n').replace(strayControlCharacters, '');
}

type Container = unknown[] | Record<string, unknown>;

function isContainer(value: unknown): value is Container {
  return (
    Array.isArray(value) ||
    (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
  );
}

/** An array or plain object being rebuilt: its keys (null for an array), its children, what they became. */
interface Frame {
  source: Container;
  keys: string[] | null;
  originals: unknown[];
  cleanedKeys: string[];
  children: unknown[];
  changed: boolean;
}

function openFrame(source: Container): Frame {
  const keys = Array.isArray(source) ? null : Object.keys(source);
  const originals = Array.isArray(source) ? source : Object.values(source);
  return { source, keys, originals, cleanedKeys: [], children: [], changed: false };
}

function attachChild(frame: Frame, child: unknown): void {
  const position = frame.children.length;
  const key = frame.keys?.[position];
  if (key !== undefined) {
    const cleanedKey = cleanInputText(key);
    frame.cleanedKeys.push(cleanedKey);
    frame.changed ||= cleanedKey !== key;
  }
  frame.children.push(child);
  frame.changed ||= child !== frame.originals[position];
}

function rebuild(frame: Frame): unknown {
  if (!frame.changed) return frame.source;
  const { keys, cleanedKeys, children } = frame;
  return keys ? Object.fromEntries(cleanedKeys.map((key, position) => [key, children[position]])) : children;
}

/**
 * Every string and object key in a JSON-like value passed through cleanInputText; other values
 * (dates, ids, buffers, class instances) are kept as they are. Returns the value itself when nothing
 * needed a change. Walks with a stack of its own, not by recursion, so that no nesting depth can
 * overflow the call stack.
 */
export function cleanInputDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanInputText(value) as T;
  if (!isContainer(value)) return value;
  const stack = [openFrame(value)];
  for (;;) {
    const frame = stack[stack.length - 1];
    const position = frame.children.length;
    if (position < frame.originals.length) {
      const original = frame.originals[position];
      if (isContainer(original)) stack.push(openFrame(original));
      else attachChild(frame, typeof original === 'string' ? cleanInputText(original) : original);
      continue;
    }
    stack.pop();
    const rebuilt = rebuild(frame);
    if (stack.length === 0) return rebuilt as T;
    attachChild(stack[stack.length - 1], rebuilt);
  }
}
