/**
 * Dictionary matching for the content check (R7): text normalisation and an Aho-Corasick automaton
 * that finds every dictionary term in time linear in the text length, whatever the dictionary size.
 * Pure code, no I/O.
 *
 * Normalisation folds each UTF-16 code unit on its own (NFKC when that yields one unit, then lower
 * case), so full-width letters and digits match their ASCII forms, and drops separators (spaces,
 * punctuation, symbols, zero-width and format characters), so `敏 感 词` and `敏·感·词` match `敏感词`.
 * Because folding is one unit to at most one unit, every normalised unit keeps the offset of the
 * original unit it came from and matches map back to exact positions in the original text.
 */

/** Value of a separator in the fold table: the unit is skipped. */
const skipUnit = 0;
/** Value of a high surrogate in the fold table: look at the whole code point (emoji are separators). */
const surrogateUnit = 1;

/** Longest term, in normalised code units; bounds the ring buffer of offsets used while scanning. */
export const maxTermLength = 64;

// CJK radicals and strokes are symbols (So) too, but they stand for characters (⺠ for 民), so they stay.
const separatorPattern = /^(?![\u{2E80}-\u{2FDF}\u{31C0}-\u{31EF}])[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}]$/u;

let foldTable: Uint16Array | undefined;

/**
 * The fold of every code unit: the normalised unit, `skipUnit` for separators, `surrogateUnit` for
 * high surrogates. Built once (about 10 ms) on first use and shared by all rule sets.
 */
function getFoldTable(): Uint16Array {
  if (foldTable) return foldTable;
  const table = new Uint16Array(65536);
  for (let unit = 2; unit < 65536; unit++) {
    if (unit >= 0xd800 && unit <= 0xdbff) {
      table[unit] = surrogateUnit;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      table[unit] = unit;
      continue;
    }
    const original = String.fromCharCode(unit);
    let folded = original.normalize('NFKC');
    if (folded.length !== 1) folded = original;
    const lower = folded.toLowerCase();
    if (lower.length === 1) folded = lower;
    const code = folded.charCodeAt(0);
    // A fold into a unit the table reserves (U+0000, U+0001) or into a surrogate cannot be represented: keep it.
    table[unit] = separatorPattern.test(folded)
      ? skipUnit
      : code < 2 || (code >= 0xd800 && code <= 0xdfff)
        ? unit
        : code;
  }
  foldTable = table;
  return table;
}

/** Whether the astral code point starting at `index` (a high surrogate) is a separator such as an emoji. */
function isAstralSeparator(text: string, index: number): boolean {
  const codePoint = text.codePointAt(index);
  return codePoint !== undefined && codePoint > 0xffff && separatorPattern.test(String.fromCodePoint(codePoint));
}

/** The normalised form of a term or a text: the same folding the automaton applies while scanning. */
export function normalizeText(text: string): string {
  const fold = getFoldTable();
  let normalized = '';
  for (let index = 0; index < text.length; index++) {
    const folded = fold[text.charCodeAt(index)];
    if (folded === skipUnit) continue;
    if (folded === surrogateUnit) {
      if (isAstralSeparator(text, index)) {
        index++;
        continue;
      }
      normalized += text[index];
      continue;
    }
    normalized += String.fromCharCode(folded);
  }
  return normalized;
}

/** States with more children than this get a dense row, when the budget allows; others are searched. */
const denseChildThreshold = 8;
/** By default at most this many dense-row entries (4 bytes each): 16 MB, whatever the dictionary. */
const defaultDenseEntryBudget = 1 << 22;

/**
 * A compiled dictionary. States are numbered breadth first, so the children of a state are the
 * consecutive states `firstChild[s] .. firstChild[s] + childCount[s] - 1`, sorted by their unit:
 * a transition is a short linear search over a typed array, with no hashing and no per-character
 * allocation. States with many children (the shallow ones, visited most) instead have a dense row
 * over the dictionary's alphabet, numbered 1..n by `unitClass`, so their transition is one read;
 * states past the memory budget fall back to binary search. The root has a dense table over all
 * 65,536 units.
 */
export interface TermAutomaton {
  /** Number of patterns (each pattern is one entry of the caller's dictionary). */
  readonly patternCount: number;
  /** Normalised length of each pattern, in code units. */
  readonly patternLength: Int32Array;
  readonly rootNext: Int32Array;
  /** The unit's number in the dictionary's alphabet, from 1; 0 for units no pattern has, which lead back to the root. */
  readonly unitClass: Int32Array;
  /** Offset of each state's dense row in `denseTable`, or -1 when it has none. */
  readonly denseRow: Int32Array;
  /** Dense rows, indexed by row offset + unit class: the child, or 0 for none. */
  readonly denseTable: Int32Array;
  readonly firstChild: Int32Array;
  readonly childCount: Int32Array;
  /** The unit on the edge into each state. */
  readonly stateUnit: Uint16Array;
  readonly fail: Int32Array;
  /** The first state on the failure chain (the state itself included) that ends a pattern, or -1. */
  readonly reportFrom: Int32Array;
  /** The next state after this one on the failure chain that ends a pattern, or -1. */
  readonly reportNext: Int32Array;
  /** First pattern ending at each state, -1 if none; further ones follow `patternNext`. */
  readonly patternFirst: Int32Array;
  readonly patternNext: Int32Array;
  readonly ringMask: number;
}

/**
 * Builds the automaton over patterns that are already normalised (see `normalizeText`), non-empty
 * and at most `maxTermLength` units long. Pattern `i` is reported as `i`; equal patterns are all
 * reported. `denseEntryBudget` bounds the memory of dense rows (entries of 4 bytes).
 */
export function buildTermAutomaton(
  patterns: readonly string[],
  options: { denseEntryBudget?: number } = {},
): TermAutomaton {
  const denseEntryBudget = options.denseEntryBudget ?? defaultDenseEntryBudget;
  // Phase 1: a trie with children kept in small per-state arrays.
  const children: number[][] = [[]];
  const childUnits: number[][] = [[]];
  const ownPatterns: number[][] = [[]];
  // Keyed by state * 65536 + unit: exact in a double for any state count an array can hold.
  const edges = new Map<number, number>();
  let longest = 1;
  for (let pattern = 0; pattern < patterns.length; pattern++) {
    const term = patterns[pattern];
    if (term.length === 0 || term.length > maxTermLength) {
      throw new RangeError(`pattern ${pattern} must have 1 to ${maxTermLength} units, has ${term.length}`);
    }
    longest = Math.max(longest, term.length);
    let state = 0;
    for (let index = 0; index < term.length; index++) {
      const unit = term.charCodeAt(index);
      const key = state * 65536 + unit;
      const existing = edges.get(key);
      if (existing !== undefined) {
        state = existing;
      } else {
        const created = children.length;
        edges.set(key, created);
        children.push([]);
        childUnits.push([]);
        ownPatterns.push([]);
        children[state].push(created);
        childUnits[state].push(unit);
        state = created;
      }
    }
    ownPatterns[state].push(pattern);
  }

  // Phase 2: renumber breadth first with children sorted by unit, so siblings are contiguous.
  const stateCount = children.length;
  const oldId = new Int32Array(stateCount);
  const firstChild = new Int32Array(stateCount);
  const childCount = new Int32Array(stateCount);
  const stateUnit = new Uint16Array(stateCount);
  const parent = new Int32Array(stateCount);
  let assigned = 1;
  for (let head = 0; head < assigned; head++) {
    const old = oldId[head];
    const order = childUnits[old]
      .map((_, position) => position)
      .sort((a, b) => childUnits[old][a] - childUnits[old][b]);
    firstChild[head] = assigned;
    childCount[head] = order.length;
    for (const position of order) {
      const child = children[old][position];
      oldId[assigned] = child;
      parent[assigned] = head;
      stateUnit[assigned] = childUnits[old][position];
      assigned++;
    }
  }

  const patternFirst = new Int32Array(stateCount).fill(-1);
  const patternNext = new Int32Array(patterns.length).fill(-1);
  const patternLength = new Int32Array(patterns.length);
  for (let state = 0; state < stateCount; state++) {
    const own = ownPatterns[oldId[state]];
    for (let position = own.length - 1; position >= 0; position--) {
      patternNext[own[position]] = patternFirst[state];
      patternFirst[state] = own[position];
    }
  }
  for (let pattern = 0; pattern < patterns.length; pattern++) patternLength[pattern] = patterns[pattern].length;

  const rootNext = new Int32Array(65536);
  for (let child = firstChild[0]; child < firstChild[0] + childCount[0]; child++) rootNext[stateUnit[child]] = child;
  const unitClass = new Int32Array(65536);
  let classCount = 0;
  for (let state = 1; state < stateCount; state++) {
    if (unitClass[stateUnit[state]] === 0) unitClass[stateUnit[state]] = ++classCount;
  }
  // Dense rows in breadth-first order, so the budget goes to the shallow states the scan visits most.
  const rowLength = classCount + 1;
  const denseRow = new Int32Array(stateCount).fill(-1);
  let denseEntries = 0;
  for (let state = 1; state < stateCount; state++) {
    if (childCount[state] <= denseChildThreshold || denseEntries + rowLength > denseEntryBudget) continue;
    denseRow[state] = denseEntries;
    denseEntries += rowLength;
  }
  const denseTable = new Int32Array(denseEntries);
  for (let state = 1; state < stateCount; state++) {
    if (denseRow[state] < 0) continue;
    for (let child = firstChild[state]; child < firstChild[state] + childCount[state]; child++) {
      denseTable[denseRow[state] + unitClass[stateUnit[child]]] = child;
    }
  }

  const goTo = (state: number, unit: number): number =>
    state === 0 ? rootNext[unit] : findChild(firstChild[state], childCount[state], stateUnit, unit);

  // Phase 3: failure links and report chains, breadth first (states are already in that order).
  const fail = new Int32Array(stateCount);
  const reportFrom = new Int32Array(stateCount).fill(-1);
  const reportNext = new Int32Array(stateCount).fill(-1);
  for (let state = 1; state < stateCount; state++) {
    let target = 0;
    if (parent[state] !== 0) {
      const unit = stateUnit[state];
      let candidate = fail[parent[state]];
      for (;;) {
        const next = goTo(candidate, unit);
        if (next > 0) {
          target = next;
          break;
        }
        if (candidate === 0) break;
        candidate = fail[candidate];
      }
    }
    fail[state] = target;
    reportNext[state] = reportFrom[target];
    reportFrom[state] = patternFirst[state] >= 0 ? state : reportFrom[target];
  }

  let ringSize = 1;
  while (ringSize < longest) ringSize <<= 1;
  return {
    patternCount: patterns.length,
    patternLength,
    rootNext,
    unitClass,
    denseRow,
    denseTable,
    firstChild,
    childCount,
    stateUnit,
    fail,
    reportFrom,
    reportNext,
    patternFirst,
    patternNext,
    ringMask: ringSize - 1,
  };
}

/** The child of a state on `unit` among its sorted children, or 0 when there is none. */
function findChild(first: number, count: number, stateUnit: Uint16Array, unit: number): number {
  if (count <= denseChildThreshold) {
    for (let child = first; child < first + count; child++) if (stateUnit[child] === unit) return child;
    return 0;
  }
  let low = first;
  let high = first + count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = stateUnit[middle];
    if (found === unit) return middle;
    if (found < unit) low = middle + 1;
    else high = middle - 1;
  }
  return 0;
}

/** Matches of one scan, in order of their end; positions are UTF-16 offsets in the scanned text. */
export class TermMatches {
  count = 0;
  patterns: Int32Array;
  starts: Int32Array;
  ends: Int32Array;

  constructor(capacity = 64) {
    this.patterns = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  push(pattern: number, start: number, end: number): void {
    if (this.count === this.patterns.length) this.grow();
    this.patterns[this.count] = pattern;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  private grow(): void {
    const capacity = this.patterns.length * 2;
    const patterns = new Int32Array(capacity);
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    patterns.set(this.patterns);
    starts.set(this.starts);
    ends.set(this.ends);
    this.patterns = patterns;
    this.starts = starts;
    this.ends = ends;
  }
}

/**
 * Finds every occurrence of every pattern in `text`, normalising on the fly. A match's start is the
 * offset of its first significant unit and its end is one past its last one, so separators inside
 * a match are part of it and separators around it are not.
 */
export function scanTerms(
  automaton: TermAutomaton,
  text: string,
  matches: TermMatches = new TermMatches(),
): TermMatches {
  const fold = getFoldTable();
  const { rootNext, unitClass, denseRow, denseTable, firstChild, childCount, stateUnit, fail } = automaton;
  const { reportFrom, reportNext } = automaton;
  const { patternFirst, patternNext, patternLength, ringMask } = automaton;
  // Offsets of the last significant units, indexed by their count modulo the ring size.
  const ring = new Int32Array(ringMask + 1);
  let significant = 0;
  let state = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    let unit = fold[text.charCodeAt(index)];
    if (unit === skipUnit) continue;
    if (unit === surrogateUnit) {
      if (isAstralSeparator(text, index)) {
        index++;
        continue;
      }
      unit = text.charCodeAt(index);
    }
    ring[significant & ringMask] = index;
    significant++;
    const classOfUnit = unitClass[unit];
    if (classOfUnit === 0) {
      state = 0;
      continue;
    }
    for (;;) {
      if (state === 0) {
        state = rootNext[unit];
        break;
      }
      const row = denseRow[state];
      const first = firstChild[state];
      const count = childCount[state];
      let next = 0;
      if (row >= 0) {
        next = denseTable[row + classOfUnit];
      } else if (count <= denseChildThreshold) {
        for (let child = first; child < first + count; child++) {
          if (stateUnit[child] === unit) {
            next = child;
            break;
          }
        }
      } else {
        next = findChild(first, count, stateUnit, unit);
      }
      if (next !== 0) {
        state = next;
        break;
      }
      state = fail[state];
    }
    let reporting = reportFrom[state];
    while (reporting !== -1) {
      for (let pattern = patternFirst[reporting]; pattern !== -1; pattern = patternNext[pattern]) {
        matches.push(pattern, ring[(significant - patternLength[pattern]) & ringMask], index + 1);
      }
      reporting = reportNext[reporting];
    }
  }
  return matches;
}
