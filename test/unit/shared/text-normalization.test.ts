import { cleanInputDeep, cleanInputText } from '../../../src/shared/text-normalization';
import { exceedsNestingDepth } from '../../../src/shared/nesting-depth-rules';

describe('cleaning text as it enters', () => {
  test.each([
    ['标题\u0000正文', '标题正文'],
    ['\u0001\u0008\u000b\u000c\u000e\u001b[31m红\u007f\u0085\u009f', '[31m红'],
    ['第一行\r\n第二行\r第三行\n第四行', '第一行\n第二行\n第三行\n第四行'],
    ['甲\t乙', '甲\t乙'],
    ['\ud83d半个表情', '\ufffd半个表情'],
    ['😀 通知\u2028', '😀 通知\u2028'],
  ])('when the text is %j, then it becomes %j', (text, expected) => {
    expect(cleanInputText(text)).toBe(expected);
  });
});

describe('cleaning a JSON-like value', () => {
  test('when strings and keys hold control characters, then both are cleaned and other values are kept', () => {
    const date = new Date('2026-11-02T00:00:00Z');
    const cleaned = cleanInputDeep({ 'ti\u0000tle': '防汛\u0000', list: ['a\r\nb', 1, null, true], at: date });
    expect(cleaned).toEqual({ title: '防汛', list: ['a\nb', 1, null, true], at: date });
    expect(cleaned.at).toBe(date);
  });

  test('when nothing needs a change, then the very same objects come back', () => {
    const value = { title: '通知', steps: [{ approvers: ['孙丽'] }], empty: {} };
    const cleaned = cleanInputDeep(value);
    expect(cleaned).toBe(value);
    const partly = cleanInputDeep({ keep: value.steps, change: ['\u0000'] });
    expect(partly.keep).toBe(value.steps);
    expect(partly.change).toEqual(['']);
  });

  test('when the value nests 100,000 levels deep, then it is cleaned without overflowing the stack', () => {
    const nested = JSON.parse(`${'['.repeat(100_000)}"\\u0000x"${']'.repeat(100_000)}`) as unknown;
    let cleaned = cleanInputDeep(nested);
    for (let level = 0; level < 100_000; level += 1) cleaned = (cleaned as unknown[])[0];
    expect(cleaned).toBe('x');
  });
});

describe('the nesting depth of a value', () => {
  test('when arrays and objects nest up to the limit, then it is within it; one more level is not', () => {
    expect(exceedsNestingDepth('text', 0)).toBe(false);
    expect(exceedsNestingDepth([], 0)).toBe(true);
    expect(exceedsNestingDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsNestingDepth({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(exceedsNestingDepth([1, [2, [3]], { c: 'd' }], 3)).toBe(false);
  });

  test('when a value nests 100,000 levels deep, then that is told without overflowing the stack', () => {
    const nested = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) as unknown;
    expect(exceedsNestingDepth(nested, 32)).toBe(true);
    expect(exceedsNestingDepth(nested, 100_000)).toBe(false);
  });
});
