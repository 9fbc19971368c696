/**
 * Record ids as they travel in text (API paths, tokens, chat, service inputs): 24 hex digits, the
 * form of an ObjectId. Checked before use, so malformed input never reaches a query.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

const objectIdText = /^[0-9a-f]{24}$/i;

export function isObjectIdText(value: string): boolean {
  return objectIdText.test(value);
}

/** The ObjectId an id in text form stands for; `invalid()` is thrown for anything else. */
export function toObjectId(text: string, invalid: () => Error): Types.ObjectId {
  if (!isObjectIdText(text)) throw invalid();
  return new Types.ObjectId(text);
}

/** As `toObjectId`, for an optional reference that may already be an ObjectId; null for none. */
export function toObjectIdOrNull(
  reference: Types.ObjectId | string | null | undefined,
  invalid: () => Error,
): Types.ObjectId | null {
  if (!reference) return null;
  return typeof reference === 'string' ? toObjectId(reference, invalid) : reference;
}

/**
 * An ObjectId that stands for a natural key (e.g. a platform article "<account>:<article id>:<index>"):
 * the same key always gives the same id, so a record keyed by it is inserted once however often it is
 * seen. `kind` keeps the ids of different records of the same key apart.
 */
export function objectIdOfKey(kind: string, key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${kind}:${key}`).digest().subarray(0, 12));
}
