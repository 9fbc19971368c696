/**
 * The advertising check's price rule: a price next to a purchase call suggests an advertisement.
 * Pure code, no I/O.
 */
import type { ContentFinding, ContentRules } from './content-rule-set-rules';

/** A stretch of a field, as UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

const priceNumber = '(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?';
const pricePattern = new RegExp(`[¥￥]\\s*${priceNumber}(?:\\s*元)?|${priceNumber}\\s*(?:元|块钱)`, 'g');

/**
 * A price next to a purchase call (仅需99元，点击购买) suggests an advertisement: each purchase call
 * with prices within the configured window gives one finding spanning them, and overlapping
 * findings are merged. A price alone is not reported: government posts quote fees and ticket prices.
 */
export function findPriceWithCall(
  field: 'title' | 'body',
  text: string,
  rules: ContentRules,
  purchaseCalls: readonly Span[],
): ContentFinding[] {
  if (purchaseCalls.length === 0) return [];
  const prices: Span[] = [];
  for (const match of text.matchAll(pricePattern))
    prices.push({ start: match.index, end: match.index + match[0].length });
  if (prices.length === 0) return [];
  const { window } = rules.advertising;
  const spans: Span[] = [];
  // Calls and prices are both in order of start, and prices do not overlap, so a cursor skips the
  // prices that ended too far before the current call: linear in the number of calls and prices.
  let first = 0;
  for (const call of purchaseCalls) {
    while (first < prices.length && prices[first].end < call.start - window) first++;
    const span = { start: call.start, end: call.end };
    let withPrice = false;
    for (let index = first; index < prices.length && prices[index].start <= call.end + window; index++) {
      const price = prices[index];
      if (price.start < call.end && call.start < price.end) continue;
      span.start = Math.min(span.start, price.start);
      span.end = Math.max(span.end, price.end);
      withPrice = true;
    }
    if (withPrice) spans.push(span);
  }
  spans.sort((left, right) => left.start - right.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged.map(({ start, end }) => ({
    rule: 'advertising-price',
    category: rules.advertising.category,
    severity: rules.advertising.severity,
    field,
    start,
    end,
    excerpt: text.slice(start, end),
    suggestion:
      '价格与购买号召同时出现，疑似商业广告。政务新媒体严禁发布商业广告等经营性信息；如为公益惠民信息，请审核人确认。',
  }));
}
