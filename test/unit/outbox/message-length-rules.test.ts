import fc from 'fast-check';
import {
  channelMessageLimit,
  splitMessage,
  utf8Length,
  wechatMaxMessageBytes,
  wecomMaxMessageBytes,
} from '../../../src/outbox/message-length-rules';
import { hostileText, propertySeed } from '../../support/hostile-text';

const label = /^（(\d+)\/(\d+)）\n/;

describe('channel message limits', () => {
  test('when the configured limit is 0, then the channel decides: WeCom 2,048 bytes, WeChat 8,192', () => {
    expect(channelMessageLimit('wechaty-puppet-wecom', 0)).toBe(wecomMaxMessageBytes);
    expect(channelMessageLimit('wechaty-puppet-wechat4u', 0)).toBe(wechatMaxMessageBytes);
    expect(channelMessageLimit('wechaty-puppet-wecom', 1000)).toBe(1000);
  });
});

describe('splitting a long text', () => {
  test('when a text fits, then it goes as it is', () => {
    expect(splitMessage('同意', 2048)).toEqual(['同意']);
  });

  test('when paragraphs do not fit together, then each part ends at a paragraph end and is numbered', () => {
    const paragraphs = Array.from({ length: 6 }, (_, index) => `第${index + 1}段。${'文'.repeat(300)}`);
    const parts = splitMessage(paragraphs.join('\n\n'), wecomMaxMessageBytes);
    expect(parts.length).toBe(3);
    parts.forEach((part, index) => {
      expect(part).toMatch(new RegExp(`^（${index + 1}/3）\\n第`));
      expect(part.endsWith('文')).toBe(true);
      expect(utf8Length(part)).toBeLessThanOrEqual(wecomMaxMessageBytes);
    });
  });

  test('when one paragraph is too long, then it is cut at sentence ends', () => {
    const sentence = `${'句'.repeat(99)}。`;
    const parts = splitMessage(sentence.repeat(12), wecomMaxMessageBytes);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.replace(label, '')).toMatch(/。$/);
  });

  test('when a text would need more than 10 parts, then the tenth says the rest was not sent', () => {
    const parts = splitMessage('字'.repeat(50_000), wecomMaxMessageBytes);
    expect(parts).toHaveLength(10);
    expect(parts[9]).toMatch(/余下部分未发送）$/);
  });

  test('when any text is split, then every part fits, parts are numbered in order, and nothing is lost but whitespace', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { maxLength: 40 }), fc.integer({ min: 64, max: 4096 }), (texts, maxBytes) => {
        const text = texts.join('\n').toWellFormed();
        const parts = splitMessage(text, maxBytes, 1000);
        for (const part of parts) expect(utf8Length(part)).toBeLessThanOrEqual(maxBytes);
        if (parts.length === 1 && !label.test(parts[0])) return;
        parts.forEach((part, index) => expect(label.exec(part)?.slice(1)).toEqual([`${index + 1}`, `${parts.length}`]));
        const joined = parts.map((part) => part.replace(label, '')).join('');
        expect(joined.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { seed: propertySeed(), numRuns: 300 },
    );
  });
});
