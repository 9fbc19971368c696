/** Record ids as they travel in text (API paths, tokens, chat): 24 hex digits, the form of an ObjectId. */
const objectIdText = /^[0-9a-f]{24}$/i;

/** Whether `value` is an id in text form; checked before a lookup, so malformed input never reaches a query. */
export function isObjectIdText(value: string): boolean {
  return objectIdText.test(value);
}
