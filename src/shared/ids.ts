/**
 * Record ids as they travel in text (API paths, tokens, chat, service inputs): 24 hex digits, the
 * form of an ObjectId. Checked before use, so malformed input never reaches a query.
 */
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
