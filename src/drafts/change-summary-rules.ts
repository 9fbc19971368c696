/**
 * What changed between two versions of a draft, in one line an approver reads at a glance, pure.
 * Compared word by word (Intl.Segmenter, Chinese words by dictionary), so a summary never cuts a word.
 */
const wordSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The text as words and the punctuation between them (Chinese by dictionary, others by spaces). */
export function wordsOf(text: string): string[] {
  return Array.from(wordSegmenter.segment(text), (part) => part.segment);
}

/**
 * What changed between two versions, compactly: the differing words of each with a few words of
 * context before, so an approver reads the edit in whole words ("资金【500】→【800】万元", never
 * "第【一版…】") without reading both texts. `context` and `limit` are in characters, rounded to words.
 */
export function summarizeChange(before: string, after: string, context = 12, limit = 120): string {
  if (before === after) return '正文未变';
  const [wordsBefore, wordsAfter] = [wordsOf(before), wordsOf(after)];
  let start = 0;
  while (start < wordsBefore.length && start < wordsAfter.length && wordsBefore[start] === wordsAfter[start]) {
    start += 1;
  }
  let endBefore = wordsBefore.length;
  let endAfter = wordsAfter.length;
  while (endBefore > start && endAfter > start && wordsBefore[endBefore - 1] === wordsAfter[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const prefixWords = lastWordsWithin(wordsBefore.slice(0, start), context);
  const prefix = prefixWords.join('');
  const removed = firstWordsWithin(wordsBefore.slice(start, endBefore), limit);
  const added = firstWordsWithin(wordsAfter.slice(start, endAfter), limit);
  const lead = prefixWords.length < start ? '…' : '';
  if (!removed) return `新增：${lead}${prefix}【${added}】`;
  if (!added) return `删除：${lead}${prefix}【${removed}】`;
  return `修改：${lead}${prefix}【${removed}】→【${added}】`;
}

/** The last words whose length together stays within `length` characters. */
export function lastWordsWithin(words: string[], length: number): string[] {
  let total = 0;
  let first = words.length;
  while (first > 0 && total + words[first - 1].length <= length) {
    first -= 1;
    total += words[first].length;
  }
  return words.slice(first);
}

/** The words joined, cut after the last whole word within `length` characters ("…" marks the cut). */
export function firstWordsWithin(words: string[], length: number): string {
  const text = words.join('');
  if (text.length <= length) return text;
  let kept = '';
  for (const word of words) {
    if (kept.length + word.length > length) break;
    kept += word;
  }
  // A single word longer than the limit (a long number or link) is cut inside it.
  return `${kept || text.slice(0, length)}…`;
}
