/**
 * Chat text → an inquiry command (R8), pure: 登记留言 (register one by hand), 答复 / 已答复 (answer, or confirm
 * an answer given in the platform's back office), 同意答复 / 驳回答复 (decide an answer the unit reviews), 延期 (a new promised date and its reason), 转办 (hand it
 * to another unit), 类型 (咨询/建议/投诉/其他), 无效 (spam or a duplicate) and 留言 (what waits on me).
 */
import { parseInquiryKind } from '../src/inquiries/inquiry-rules';
import type { InquiryKind, InvalidReason } from '../src/inquiries/inquiry-rules';
import { startsWithWord, takeCode } from './chat-text';

export type InquiryCommand =
  | { kind: 'inquiry-register'; accountName: string; text: string }
  | { kind: 'inquiry-answer'; code: string; text: string }
  | { kind: 'inquiry-answer-decision'; code: string; approve: boolean; reason: string }
  | { kind: 'inquiry-confirm'; code: string; note: string }
  | { kind: 'inquiry-extend'; code: string; dueOn: string; reason: string }
  | { kind: 'inquiry-transfer'; code: string; unitName: string }
  | { kind: 'inquiry-kind'; code: string; inquiryKind: InquiryKind }
  | { kind: 'inquiry-invalid'; code: string; reason: InvalidReason }
  | { kind: 'inquiry-list' };

export type InquiryParse = InquiryCommand | { kind: 'malformed'; message: string };

const keywords = [
  '登记留言',
  '同意答复',
  '驳回答复',
  '已答复',
  '答复',
  '延期',
  '转办',
  '留言类型',
  '类型',
  '无效留言',
  '无效',
  '留言',
] as const;

/**
 * The inquiry command the text starts with; null when it starts with none. `folded` is the text with
 * full-width ASCII folded, `written` the sender's own, position for position.
 */
export function parseInquiryCommand(folded: string, written: string): InquiryParse | null {
  const firstLine = folded.split('\n')[0];
  const keyword = startsWithWord(firstLine, keywords);
  if (!keyword) return null;
  const rest = written.slice(keyword.length);
  switch (keyword) {
    case '留言':
      // "留言" alone lists; a sentence that merely starts with 留言 is not a command.
      return rest.trim() === '' || /^\s*(列表|待办|待答复)\s*$/.test(rest) ? { kind: 'inquiry-list' } : null;
    case '登记留言': {
      const [head, ...lines] = rest.replace(/^[ \t:：,，]+/, '').split('\n');
      const name =
        head
          .trim()
          .split(/\s+/)[0]
          ?.replace(/^[@“"「『]+|[”"」』]+$/g, '') ?? '';
      const inline = head
        .trim()
        .slice(head.trim().split(/\s+/)[0]?.length ?? 0)
        .trim();
      const text = [inline, ...lines].join('\n').trim();
      if (!name || !text) return malformed('登记留言 账号名（换行）留言内容');
      return { kind: 'inquiry-register', accountName: name, text };
    }
  }
  const taken = takeCode(rest);
  const usage: Record<string, string> = {
    答复: '答复 Q7K2 答复内容',
    已答复: '已答复 Q7K2 [说明]（已在平台后台答复时登记）',
    延期: '延期 Q7K2 2026-12-20 理由',
    转办: '转办 Q7K2 单位名',
    类型: '类型 Q7K2 咨询|建议|投诉|其他',
    留言类型: '类型 Q7K2 咨询|建议|投诉|其他',
    无效: '无效 Q7K2 重复|垃圾',
    无效留言: '无效 Q7K2 重复|垃圾',
    同意答复: '同意答复 Q7K2',
    驳回答复: '驳回答复 Q7K2 理由',
  };
  // "答复" with no code is ordinary talk (“答复如下…”), not a command.
  if (!taken) return keyword === '答复' ? null : malformed(usage[keyword]);
  const after = taken.rest.trim();
  switch (keyword) {
    case '答复':
      return after ? { kind: 'inquiry-answer', code: taken.code, text: after } : malformed(usage.答复);
    case '已答复':
      return { kind: 'inquiry-confirm', code: taken.code, note: after };
    case '同意答复':
      return { kind: 'inquiry-answer-decision', code: taken.code, approve: true, reason: after };
    case '驳回答复':
      return after
        ? { kind: 'inquiry-answer-decision', code: taken.code, approve: false, reason: after }
        : malformed(`${usage.驳回答复}（驳回须写明理由）`);
    case '延期': {
      const date = readDate(after);
      if (!date) return malformed(usage.延期);
      const reason = after
        .slice(date.length)
        .replace(/^[\s:：,，]+/, '')
        .trim();
      return reason
        ? { kind: 'inquiry-extend', code: taken.code, dueOn: date.date, reason }
        : malformed(`${usage.延期}（延期须写明理由）`);
    }
    case '转办':
      return after ? { kind: 'inquiry-transfer', code: taken.code, unitName: after } : malformed(usage.转办);
    case '类型':
    case '留言类型': {
      const inquiryKind = parseInquiryKind(after);
      return inquiryKind ? { kind: 'inquiry-kind', code: taken.code, inquiryKind } : malformed(usage.类型);
    }
    default: {
      const reason = /重复/.test(after) ? 'duplicate' : /垃圾|广告|无效|骚扰/.test(after) ? 'spam' : null;
      return reason ? { kind: 'inquiry-invalid', code: taken.code, reason } : malformed(usage.无效);
    }
  }
}

/**
 * A date at the start of `text`: 2026-12-20, 2026/12/20, 2026年12月20日 ("2026-12-20"), or 12月20日 / 12-20
 * without a year ("--12-20", see `resolvePromiseDate`).
 */
function readDate(text: string): { date: string; length: number } | null {
  const pad = (value: string) => value.padStart(2, '0');
  const full = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?/.exec(text);
  if (full) return { date: `${full[1]}-${pad(full[2])}-${pad(full[3])}`, length: full[0].length };
  const short = /^(\d{1,2})[-/.月](\d{1,2})日?/.exec(text);
  return short ? { date: `--${pad(short[1])}-${pad(short[2])}`, length: short[0].length } : null;
}

/** A date as `延期` read it, on `today`: a date without a year is the next such date ("1月5日" in December is January). */
export function resolvePromiseDate(date: string, today: string): string {
  if (!date.startsWith('--')) return date;
  const thisYear = `${today.slice(0, 4)}${date.slice(1)}`;
  return thisYear >= today ? thisYear : `${Number(today.slice(0, 4)) + 1}${date.slice(1)}`;
}

function malformed(usage: string): { kind: 'malformed'; message: string } {
  return { kind: 'malformed', message: `格式：${usage}` };
}
