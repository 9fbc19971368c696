/**
 * The audit chain's pure rules (R3, R9): a canonical encoding of an event, the SHA-256 link from one
 * event to the next, the check of one link, and signing and checking of digests that witness the
 * chain's head outside the database. No I/O here.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { wellFormed } from '../shared/text-normalization';

/** The previous hash of the first event. */
export const genesisHash = '0'.repeat(64);

/** An event as stored, without its own hash. Field values are JSON-like plus Date and ObjectId. */
export interface ChainedEventContent {
  _id: number;
  previousHash: string;
  [field: string]: unknown;
}

export interface ChainedEvent extends ChainedEventContent {
  hash: string;
}

/**
 * Canonical encoding: keys sorted, every value tagged with its type, times as UTC ISO strings,
 * undefined fields left out (they are not stored either), strings and keys well-formed (an unpaired
 * surrogate as U+FFFD, which is what the database stores for it). Two encodings are equal exactly
 * when the stored documents are: the hash covers what the database gives back.
 */
export function encodeCanonical(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'string':
      return `s${JSON.stringify(wellFormed(value))}`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`audit events cannot hold ${value}`);
      return `n${Object.is(value, -0) ? 0 : value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'object':
      return encodeObject(value);
    default:
      throw new TypeError(`audit events cannot hold a ${typeof value}`);
  }
}

function encodeObject(value: object): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('audit events cannot hold an invalid date');
    return `d${value.toISOString()}`;
  }
  if ((value as { _bsontype?: unknown })._bsontype === 'ObjectId') return `o${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(encodeCanonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(wellFormed(key))}:${encodeCanonical(child)}`).join(',')}}`;
}

/** The event's hash: SHA-256 over the previous hash and the canonical encoding of everything but `hash`. */
export function hashEvent(content: ChainedEventContent): string {
  const { hash: _ignored, ...rest } = content as ChainedEventContent & { hash?: unknown };
  return createHash('sha256').update(encodeCanonical(rest)).digest('hex');
}

export type LinkProblem =
  | { kind: 'missing'; sequence: number }
  | { kind: 'replacement-characters-unchecked'; sequence: number; characters: number }
  | { kind: 'unexpected'; sequence: unknown; detail: string }
  | { kind: 'previous-hash-mismatch'; sequence: number; expected: string; found: string }
  | { kind: 'hash-mismatch'; sequence: number; expected: string; found: string };

/** Checks one event against the expected sequence number and the previous event's hash. */
export function checkLink(event: ChainedEvent, expectedSequence: number, previousHash: string): LinkProblem | null {
  if (event._id !== expectedSequence) {
    return { kind: 'unexpected', sequence: event._id, detail: `expected event ${expectedSequence}` };
  }
  if (event.previousHash !== previousHash) {
    return { kind: 'previous-hash-mismatch', sequence: event._id, expected: previousHash, found: event.previousHash };
  }
  const recomputed = hashEvent(event);
  if (recomputed !== event.hash) {
    return { kind: 'hash-mismatch', sequence: event._id, expected: recomputed, found: event.hash };
  }
  return null;
}

/**
 * `checkLink` for an event read back from the trail: a hash mismatch that replaced characters alone
 * explain (see checkReplacedCharacters) is no problem but reported as `replaced`.
 */
export function checkStoredLink(
  event: ChainedEvent,
  expectedSequence: number,
  previousHash: string,
): { problem: LinkProblem | null; replaced: ReplacedCharacters | null } {
  const problem = checkLink(event, expectedSequence, previousHash);
  if (problem?.kind !== 'hash-mismatch') return { problem, replaced: null };
  const replacement = checkReplacedCharacters(event);
  switch (replacement.kind) {
    case 'recovered':
      return { problem: null, replaced: replacement.replaced };
    case 'too-many':
      return {
        problem: { kind: 'replacement-characters-unchecked', sequence: event._id, characters: replacement.characters },
        replaced: null,
      };
    case 'not-explained':
      return { problem, replaced: null };
  }
}

export function describeLinkProblem(problem: LinkProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `event ${problem.sequence} is missing (deleted, or never completed)`;
    case 'unexpected':
      return `an event with sequence ${JSON.stringify(problem.sequence)} does not belong in the chain (${problem.detail}; inserted?)`;
    case 'previous-hash-mismatch':
      return `event ${problem.sequence} does not link to the event before it (previous hash ${problem.found.slice(0, 12)}…, chain has ${problem.expected.slice(0, 12)}…; deleted, inserted or reordered events before it)`;
    case 'hash-mismatch':
      return `event ${problem.sequence} does not match its hash (a field was edited, or events were swapped)`;
    case 'replacement-characters-unchecked':
      return `event ${problem.sequence} does not match its hash; it holds ${problem.characters} replacement characters (U+FFFD, what the database stores for malformed text), too many to check whether they alone explain it: compare the event with a backup`;
  }
}

/**
 * Events recorded before text was made well-formed on entry were hashed over unpaired surrogates
 * that the database then stored as U+FFFD, so they no longer match their hash although nothing was
 * changed. Such an event is told apart from an edited one by finding the original: the encoding in
 * which some of its U+FFFD are the escaped surrogates (`\udXXX`, as the old encoding wrote them) and
 * which hashes to the recorded hash. A match proves (SHA-256) that the stored event differs from the
 * recorded one in those characters only; no match means something else changed. Each place has 2,049
 * choices, so the search is bounded (about ten seconds at most, early exit on a match): one or two
 * places, as a truncated message leaves them, are always checked; an event beyond the bound is
 * reported as unchecked, never as intact.
 */
const maxSearchCost = 12e9;
/** Roughly what one hash update costs next to hashing one byte. */
const costPerHash = 1000;

export interface ReplacedCharacters {
  sequence: number;
  /** The unpaired surrogates the event was recorded with, as "U+D83D", in order of their place. */
  originals: string[];
}

export type ReplacementCheck =
  | { kind: 'recovered'; replaced: ReplacedCharacters }
  | { kind: 'not-explained' }
  | { kind: 'too-many'; characters: number };

export function checkReplacedCharacters(event: ChainedEvent): ReplacementCheck {
  const { hash: recorded, ...content } = event;
  const segments = encodeCanonical(content).split('\ufffd');
  const places = segments.length - 1;
  if (places === 0) return { kind: 'not-explained' };
  if (searchCost(segments) > maxSearchCost) return { kind: 'too-many', characters: places };
  const start = createHash('sha256').update(segments[0]);
  const found = searchOriginals(start, segments, 1, recorded);
  if (!found || found.every((choice) => choice === null)) return { kind: 'not-explained' };
  const originals = found.flatMap((unit) => (unit === null ? [] : [`U+${unit.toString(16).toUpperCase()}`]));
  return { kind: 'recovered', replaced: { sequence: event._id, originals } };
}

function searchCost(segments: string[]): number {
  return segments
    .slice(1)
    .reduce((cost, segment, index) => cost + 2049 ** (index + 1) * (costPerHash + Buffer.byteLength(segment)), 0);
}

/** Each place either held U+FFFD itself (null) or an unpaired surrogate; the choices that reproduce `target`. */
function searchOriginals(state: Hash, segments: string[], place: number, target: string): (number | null)[] | null {
  const last = place === segments.length - 1;
  for (let unit = 0xd7ff; unit <= 0xdfff; unit += 1) {
    const choice = unit === 0xd7ff ? null : unit;
    const text = choice === null ? '\ufffd' : `\\u${choice.toString(16)}`;
    const next = state.copy().update(text + segments[place]);
    if (last) {
      if (next.digest('hex') === target) return [choice];
      continue;
    }
    const rest = searchOriginals(next, segments, place + 1, target);
    if (rest) return [choice, ...rest];
  }
  return null;
}

/** A witness of the chain's head, kept outside the database. */
export interface AuditDigest {
  /** Calendar date in the configured time zone the digest was made on. */
  date: string;
  createdAt: string;
  count: number;
  headSequence: number;
  headHash: string;
  algorithm: 'HMAC-SHA256' | 'Ed25519';
  signature: string;
}

export type UnsignedDigest = Omit<AuditDigest, 'algorithm' | 'signature'>;

function digestPayload(digest: UnsignedDigest): Buffer {
  return Buffer.from(
    encodeCanonical({
      date: digest.date,
      createdAt: digest.createdAt,
      count: digest.count,
      headSequence: digest.headSequence,
      headHash: digest.headHash,
    }),
  );
}

/** Ed25519 when the key is a PEM private key (anyone with the public key can check it); HMAC otherwise. */
export function signDigest(digest: UnsignedDigest, key: string): AuditDigest {
  const payload = digestPayload(digest);
  if (key.includes('PRIVATE KEY')) {
    const signature = sign(null, payload, createPrivateKey(key)).toString('base64');
    return { ...digest, algorithm: 'Ed25519', signature };
  }
  const signature = createHmac('sha256', key).update(payload).digest('base64');
  return { ...digest, algorithm: 'HMAC-SHA256', signature };
}

/** True when the digest was signed with this key (or, for Ed25519, the key's public half). */
export function checkDigestSignature(digest: AuditDigest, key: string): boolean {
  const payload = digestPayload(digest);
  const signature = Buffer.from(digest.signature, 'base64');
  if (digest.algorithm === 'Ed25519') {
    const publicKey = key.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(key)) : createPublicKey(key);
    return verify(null, payload, publicKey, signature);
  }
  const expected = createHmac('sha256', key).update(payload).digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

/** The digest as the admins read it in chat; enough to compare with a later verify. */
export function describeDigest(digest: AuditDigest): string {
  return [
    `【审计摘要】${digest.date}`,
    `记录总数：${digest.count}`,
    `链首哈希：${digest.headHash}`,
    `签名（${digest.algorithm}）：${digest.signature}`,
    '请妥善留存本消息，核验时运行 npm run audit:verify 比对。',
  ].join('\n');
}
