import { buildTermAutomaton, normalizeText, scanTerms } from '../../../src/content-check/term-automaton';
import { seededRandom } from '../../../bench/seeded-random';

/** Every match of the automaton as [pattern, start, end], in the order reported. */
function scanAll(patterns: string[], text: string, denseEntryBudget?: number): Array<[number, number, number]> {
  const matches = scanTerms(buildTermAutomaton(patterns.map(normalizeText), { denseEntryBudget }), text);
  const found: Array<[number, number, number]> = [];
  for (let index = 0; index < matches.count; index++) {
    found.push([matches.patterns[index], matches.starts[index], matches.ends[index]]);
  }
  return found;
}

function sorted(matches: Array<[number, number, number]>) {
  return [...matches].sort((left, right) => left[1] - right[1] || left[2] - right[2] || left[0] - right[0]);
}

describe('normalisation', () => {
  test.each([
    ['full-width letters and digits', 'ＡＢＣ１２３', 'abc123'],
    ['upper case', 'VPN', 'vpn'],
    ['spaces, ideographic spaces and punctuation', '敏 感\u3000词，！', '敏感词'],
    ['symbols and zero-width characters', '敏★感\u200b词·', '敏感词'],
    ['emoji between characters', '敏😀感👍🏻词', '敏感词'],
    ['Kangxi radicals', '⼈⺠', '人⺠'],
  ])('when a text has %s, then they fold or drop: %s → %s', (_case, text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  test('when a text has characters outside the BMP that are not symbols, then they stay', () => {
    expect(normalizeText('𠀀𠀁')).toBe('𠀀𠀁');
  });
});

describe('automaton', () => {
  test('when patterns overlap and are suffixes of each other, then every occurrence is reported', () => {
    expect(sorted(scanAll(['he', 'she', 'his', 'hers'], 'ushers'))).toEqual([
      [1, 1, 4],
      [0, 2, 4],
      [3, 2, 6],
    ]);
  });

  test('when a term is split by spaces or punctuation, then the match spans the original characters', () => {
    const text = '前文 敏 感、词 后文';
    const [[, start, end]] = scanAll(['敏感词'], text);
    expect(text.slice(start, end)).toBe('敏 感、词');
  });

  test('when the text uses full-width and upper-case forms, then the positions still point at them', () => {
    const text = '含有ＶＰＮ软件';
    const [[, start, end]] = scanAll(['vpn'], text);
    expect(text.slice(start, end)).toBe('ＶＰＮ');
  });

  test('when the same term is listed twice, then both entries are reported', () => {
    expect(sorted(scanAll(['秘密', '秘 密'], '秘密'))).toEqual([
      [0, 0, 2],
      [1, 0, 2],
    ]);
  });

  test('when a term has characters outside the BMP, then it is matched whole', () => {
    const text = '古字𠀀𠀁出现';
    const [[, start, end]] = scanAll(['𠀀𠀁'], text);
    expect(text.slice(start, end)).toBe('𠀀𠀁');
  });

  test('when a pattern is empty or too long, then building refuses it', () => {
    expect(() => buildTermAutomaton([''])).toThrow(RangeError);
    expect(() => buildTermAutomaton(['字'.repeat(65)])).toThrow(RangeError);
  });

  const largeAlphabet = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会';

  test.each([
    ['a small alphabet, few patterns (children searched linearly)', '政务新媒体审核发布', 40, undefined],
    ['a larger alphabet, many patterns (states with dense rows)', largeAlphabet, 600, undefined],
    ['no budget for dense rows (children searched by bisection)', largeAlphabet, 600, 0],
  ])(
    'when compared with a brute-force search with %s, then the matches are the same',
    (_case, alphabet, maxPatterns, budget) => {
      const random = seededRandom(42);
      for (let round = 0; round < 20; round++) {
        const patterns = Array.from({ length: 1 + Math.floor(random() * maxPatterns) }, () => {
          const length = 1 + Math.floor(random() * 4);
          let pattern = '';
          for (let index = 0; index < length; index++) pattern += alphabet[Math.floor(random() * alphabet.length)];
          return pattern;
        });
        let text = '';
        for (let index = 0; index < 400; index++) text += alphabet[Math.floor(random() * alphabet.length)];
        const expected: Array<[number, number, number]> = [];
        patterns.forEach((pattern, patternIndex) => {
          for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) {
            expected.push([patternIndex, at, at + pattern.length]);
          }
        });
        expect(sorted(scanAll(patterns, text, budget))).toEqual(sorted(expected));
      }
    },
  );

  test('when a state has many children, then it gets a dense row unless the budget is spent', () => {
    const patterns = [...largeAlphabet].map((character) => `审${character}`);
    const withRows = buildTermAutomaton(patterns);
    const withoutRows = buildTermAutomaton(patterns, { denseEntryBudget: 0 });
    expect(withRows.denseRow.filter((row) => row >= 0)).toHaveLength(1);
    expect(withoutRows.denseRow.every((row) => row === -1)).toBe(true);
    const text = `审${largeAlphabet}审会`;
    expect(scanTerms(withRows, text).count).toBe(2);
    expect(scanTerms(withoutRows, text).count).toBe(2);
  });
});
