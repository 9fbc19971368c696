/** Values in first-seen order, each once. Pure. */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
