/**
 * How long one chat message may be, per channel, and how a longer text becomes numbered parts. Pure.
 *
 * WeCom (企业微信/政务微信) application messages take at most 2,048 bytes of UTF-8 (longer ones are cut
 * off by the server). Personal WeChat has no published limit; very long texts are folded or refused
 * by clients, so 8,192 bytes (about 2,700 Chinese characters, two phone screens) is used. A deployment
 * can set its own (`bot.maxMessageBytes`), and a puppet that knows its channel's limit exposes it as
 * `maxMessageBytes`, which the delivery honours too.
 */

export const wecomMaxMessageBytes = 2_048;
export const wechatMaxMessageBytes = 8_192;
/** Beyond this many parts a text is cut short with a notice: nobody reads 70 messages in a row. */
export const maxMessageParts = 10;

const wecomPuppet = /wecom|wxwork|workwx|weixin-work|gov-?wx|zhengwu/i;

/** The limit for a channel: the configured one when set (non-zero), else the channel's known one. */
export function channelMessageLimit(puppet: string, configuredBytes: number): number {
  if (configuredBytes > 0) return configuredBytes;
  return wecomPuppet.test(puppet) ? wecomMaxMessageBytes : wechatMaxMessageBytes;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Room for "（10/10）\n" in front of each part. */
const partLabelBytes = utf8Length('（10/10）\n');
const cutNotice = '……（内容过长，余下部分未发送）';

/**
 * The text as it goes into a channel that takes at most `maxBytes` per message: itself when it fits,
 * else parts labelled "（1/3）", cut at paragraph ends, else sentence ends, else between characters,
 * at most `maxParts` of them (the last then ends with a notice that the rest was not sent).
 */
export function splitMessage(text: string, maxBytes: number, maxParts = maxMessageParts): string[] {
  if (utf8Length(text) <= maxBytes) return [text];
  const budget = maxBytes - partLabelBytes;
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces(text, budget)) {
    if (current && utf8Length(current + piece) > budget) {
      parts.push(current);
      current = '';
    }
    current += piece;
  }
  if (current.trim()) parts.push(current);
  const trimmed = parts.map((part) => part.trim()).filter(Boolean);
  const kept = trimmed.length > maxParts ? trimmed.slice(0, maxParts) : trimmed;
  if (trimmed.length > maxParts)
    kept[maxParts - 1] = cutToBytes(kept[maxParts - 1], budget - utf8Length(cutNotice)) + cutNotice;
  return kept.map((part, index) => `（${index + 1}/${kept.length}）\n${part}`);
}

/** Paragraphs (with their line breaks); a paragraph too long for a part in sentences; a sentence too long in slices. */
function pieces(text: string, budget: number): string[] {
  return (text.match(/[^\n]*\n*/g) ?? []).flatMap((paragraph) => {
    if (utf8Length(paragraph) <= budget) return [paragraph];
    return (paragraph.match(/[^。！？；!?;…]*[。！？；!?;…]*/g) ?? []).flatMap((sentence) =>
      utf8Length(sentence) <= budget ? [sentence] : slices(sentence, budget),
    );
  });
}

/** Consecutive slices of at most `budget` bytes, never splitting a character. */
function slices(text: string, budget: number): string[] {
  const result: string[] = [];
  let current = '';
  let bytes = 0;
  for (const character of text) {
    const size = utf8Length(character);
    if (bytes + size > budget) {
      result.push(current);
      current = '';
      bytes = 0;
    }
    current += character;
    bytes += size;
  }
  if (current) result.push(current);
  return result;
}

/** The longest start of `text` within `budget` bytes, never splitting a character. */
export function cutToBytes(text: string, budget: number): string {
  return slices(text, budget)[0] ?? '';
}
