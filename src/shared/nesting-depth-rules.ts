/**
 * How deep a JSON-like value nests, checked before anything else walks it: every other walker
 * (validation, cleaning, logging) may recurse, and a request body of 200 kB can nest 100,000 levels.
 */

/** Far deeper than any request the API takes (an approval route nests 4 levels). */
export const maxBodyDepth = 32;

/**
 * Whether arrays and objects nest more than `maxDepth` levels (a scalar is level 0, `[]` level 1).
 * Iterative, and stops at the first branch too deep.
 */
export function exceedsNestingDepth(value: unknown, maxDepth: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
