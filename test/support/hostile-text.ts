/**
 * fast-check arbitraries for text as careless or hostile clients send it: unpaired surrogates (half an
 * emoji from a truncating client), NUL and control characters, non-characters, combining marks,
 * bidirectional marks, astral-plane characters, quotes and backslashes, mixed with ordinary Chinese.
 */
import fc from 'fast-check';

const awkwardCharacters = [
  '\ud83d', // a high surrogate alone
  '\ude00', // a low surrogate alone
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ufffe',
  '\uffff',
  '\ufdd0',
  '\u{10ffff}',
  '\u0301',
  '\u0300\u0300\u0300',
  '\u202e',
  '\u200f',
  '\u200e',
  '\u2066',
  '\ufeff',
  '\u200b',
  '\u2028',
  '\ufffd',
  '😀',
  '👨‍👩‍👧',
  '𠀀',
  '"',
  '\\',
  '\n',
  '\r\n',
  '\t',
  '　',
];

/** Any UTF-16 code unit, so unpaired surrogates come up as often as any other. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const chineseWords = ['通知', '关于', '开展', '防汛', '安全', '检查', '的', '，', '。', '同意', '驳回', '吗'];

export const hostileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...awkwardCharacters) },
      { weight: 3, arbitrary: fc.constantFrom(...chineseWords) },
      { weight: 2, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    ),
    { maxLength: 16 },
  )
  .map((pieces) => pieces.join(''));

/** The seed of a property run: FC_SEED when set (to replay a failure), else a fresh one. */
export function propertySeed(): number {
  const given = process.env.FC_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}
