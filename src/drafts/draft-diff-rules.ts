/**
 * The difference between two versions of a draft, at word boundaries (Chinese word segmentation,
 * `Intl.Segmenter`), so a reader sees whole words added and removed. Pure.
 */
import type { DiffSegment } from '../shared/contracts/drafts';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Above this many token pairs the changed middle is shown as one removal and one addition. */
const maxComparisons = 4_000_000;

export function diffWords(before: string, after: string): DiffSegment[] {
  const left = tokens(before);
  const right = tokens(after);
  let start = 0;
  while (start < left.length && start < right.length && left[start] === right[start]) start += 1;
  let endLeft = left.length;
  let endRight = right.length;
  while (endLeft > start && endRight > start && left[endLeft - 1] === right[endRight - 1]) {
    endLeft -= 1;
    endRight -= 1;
  }
  const segments: DiffSegment[] = [];
  push(segments, 'same', left.slice(0, start).join(''));
  const middleLeft = left.slice(start, endLeft);
  const middleRight = right.slice(start, endRight);
  if (middleLeft.length * middleRight.length > maxComparisons) {
    push(segments, 'removed', middleLeft.join(''));
    push(segments, 'added', middleRight.join(''));
  } else {
    for (const [kind, token] of commonSubsequenceDiff(middleLeft, middleRight)) push(segments, kind, token);
  }
  push(segments, 'same', left.slice(endLeft).join(''));
  return segments;
}

function tokens(text: string): string[] {
  return [...segmenter.segment(text)].map((part) => part.segment);
}

/** Appends, merging with the previous segment of the same kind. */
function push(segments: DiffSegment[], kind: DiffSegment['kind'], text: string): void {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (last?.kind === kind) last.text += text;
  else segments.push({ kind, text });
}

/** Longest common subsequence by dynamic programming over the (trimmed) middle parts. */
function commonSubsequenceDiff(left: string[], right: string[]): [DiffSegment['kind'], string][] {
  const width = right.length + 1;
  const lengths = new Uint32Array((left.length + 1) * width);
  for (let i = left.length - 1; i >= 0; i -= 1) {
    for (let j = right.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] =
        left[i] === right[j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const result: [DiffSegment['kind'], string][] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) {
      result.push(['same', left[i]]);
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      result.push(['removed', left[i]]);
      i += 1;
    } else {
      result.push(['added', right[j]]);
      j += 1;
    }
  }
  for (; i < left.length; i += 1) result.push(['removed', left[i]]);
  for (; j < right.length; j += 1) result.push(['added', right[j]]);
  return result;
}
