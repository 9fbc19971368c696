/**
 * The 留言 list (R8, 第十二条: every question to an official account answered, or a deadline promised and
 * kept): the filters it offers, the query they make, its rows, and the dashboard's 留言 figures card.
 */
import type { InquiryFiguresReport, InquiryListItem, InquiryListQuery } from '../../../src/shared/contracts';
import { formatTime, today } from './format';

export type InquiryStatusName = InquiryListItem['status'];

export const inquiryStatusWords: Record<InquiryStatusName, string> = {
  open: '办理中',
  answered: '已答复',
  invalid: '无效',
};

/** The status tag's look, in the drafts' colours: open amber, answered green, invalid grey. */
export const inquiryStatusTags: Record<InquiryStatusName, string> = {
  open: 'in_review',
  answered: 'approved',
  invalid: 'withdrawn',
};

export const inquiryStatusFilters: Array<{ value: InquiryStatusName | ''; text: string }> = [
  { value: '', text: '全部' },
  { value: 'open', text: inquiryStatusWords.open },
  { value: 'answered', text: inquiryStatusWords.answered },
  { value: 'invalid', text: inquiryStatusWords.invalid },
];

export const replyChannelWords = { platform: '平台客服消息', 'back-office': '平台后台' } as const;

export interface InquiryFilters {
  status: InquiryStatusName | '';
  /** Only the open ones past their promised date. */
  overdueOnly: boolean;
  /** "2026-11", or '' for every month. */
  month: string;
}

/** The list request for the filters; unset filters are left out. */
export function inquiryListQuery(filters: InquiryFilters, cursor?: string, limit = 20): InquiryListQuery {
  return {
    status: filters.status || undefined,
    overdue: filters.overdueOnly ? 'true' : undefined,
    month: filters.month || undefined,
    limit,
    cursor,
  };
}

/** This month in Asia/Shanghai, "2026-11". */
export function currentMonth(now = Date.now()): string {
  return today(now).slice(0, 7);
}

/** 2026年11月 */
export function monthText(month: string): string {
  const [year, number] = month.split('-');
  return `${year}年${Number(number)}月`;
}

export function toInquiryRow(item: InquiryListItem) {
  const answered = item.answeredAt
    ? `${formatTime(item.answeredAt)} 答复${item.answerChannel ? `（${replyChannelWords[item.answerChannel]}）` : ''}`
    : '';
  return {
    id: item.id,
    code: item.code,
    accountName: item.accountName || '（账号已删除）',
    unitName: item.unitName,
    kindText: item.kindText,
    status: item.status,
    statusText: inquiryStatusWords[item.status],
    statusTag: inquiryStatusTags[item.status],
    excerpt: item.excerpt || '（无文字内容）',
    overdue: item.overdue,
    dueText: `答复期限 ${item.answerDueOn}`,
    receivedText: `${formatTime(item.receivedAt)} 受理`,
    answeredText: answered,
  };
}

export type InquiryRow = ReturnType<typeof toInquiryRow>;

/** 85.7% · 100% · — (no inquiry to count) */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * The dashboard's 留言 card for a month (by receipt): 答复率 = 答复数 ÷ 有效留言数, 按期答复率, and the
 * open ones past their promised date, in red when there are any.
 */
export function toInquiryFiguresCard(report: InquiryFiguresReport) {
  const totals = report.totals;
  const median = totals.medianAnswerWorkingHours;
  return {
    title: `留言（${monthText(report.month)}）`,
    month: report.month,
    empty: totals.received === 0,
    figures: [
      { key: 'received', label: '留言数', value: String(totals.received), alert: false },
      { key: 'answer-rate', label: '答复率', value: formatRate(totals.answerRate), alert: false },
      {
        key: 'on-time-rate',
        label: '按期答复率',
        value: formatRate(totals.onTimeRate),
        alert: totals.onTimeRate !== null && totals.onTimeRate < 1,
      },
      { key: 'overdue', label: '逾期未答复', value: String(totals.overdue), alert: totals.overdue > 0 },
    ],
    footnote:
      `有效留言 ${totals.valid} 条，已答复 ${totals.answered} 条，其中按期 ${totals.answeredOnTime} 条` +
      (median !== null ? `；答复用时中位数 ${median} 个工作小时` : ''),
  };
}

export type InquiryFiguresCard = ReturnType<typeof toInquiryFiguresCard>;
