/** The 留言 pages' pure parts: the list query, rates and months in words, the detail's deadlines and trail. */
import {
  answerOutcome,
  toInquiryDetailView,
  toInquiryTimelineRows,
} from '../../miniprogram/app/lib/inquiry-detail-view';
import {
  currentMonth,
  formatRate,
  inquiryListQuery,
  monthText,
  toInquiryFiguresCard,
  toInquiryRow,
} from '../../miniprogram/app/lib/inquiry-list-view';
import { inquiryFixtures } from './support/inquiry-fixtures';

describe('留言 list rules', () => {
  test('when filters are set, then only those are asked for, with the cursor of the next page', () => {
    expect(inquiryListQuery({ status: '', overdueOnly: false, month: '' })).toEqual({
      status: undefined,
      overdue: undefined,
      month: undefined,
      limit: 20,
      cursor: undefined,
    });
    expect(inquiryListQuery({ status: 'open', overdueOnly: true, month: '2026-11' }, 'next', 50)).toEqual({
      status: 'open',
      overdue: 'true',
      month: '2026-11',
      limit: 50,
      cursor: 'next',
    });
  });

  test('when a rate is shown, then it has one decimal at most, and none to count is a dash, not 0 %', () => {
    expect([0.8571, 1, 0, 0.5, 0.99996, null].map(formatRate)).toEqual(['85.7%', '100%', '0%', '50%', '100%', '—']);
  });

  test('when the month is read, then it is the Shanghai month (01:00 on 1 December there is still 30 November in UTC)', () => {
    expect(currentMonth(Date.parse('2026-11-30T17:00:00Z'))).toBe('2026-12');
    expect(monthText('2026-03')).toBe('2026年3月');
  });

  test('when an answered inquiry is a row, then it says when and through which channel; an open one does not', () => {
    const [open, , answered] = inquiryFixtures.listFirstPage.items;
    expect(toInquiryRow(answered)).toMatchObject({
      statusText: '已答复',
      statusTag: 'approved',
      answeredText: '2026-11-12 14:30 答复（平台客服消息）',
    });
    expect(toInquiryRow(open)).toMatchObject({ overdue: true, answeredText: '', dueText: '答复期限 2026-11-25' });
    expect(toInquiryRow({ ...open, excerpt: '', accountName: '' })).toMatchObject({
      excerpt: '（无文字内容）',
      accountName: '（账号已删除）',
    });
  });

  test('when a month has no inquiry, then the card says so and no rate alarms', () => {
    const zero = { ...inquiryFixtures.figures.totals, received: 0, valid: 0, answered: 0, answeredOnTime: 0 };
    const card = toInquiryFiguresCard({
      ...inquiryFixtures.figures,
      totals: { ...zero, answerRate: null, onTimeRate: null, medianAnswerWorkingHours: null, overdue: 0 },
    });
    expect(card.empty).toBe(true);
    expect(card.figures.map((figure) => `${figure.value} ${figure.label} ${figure.alert}`)).toEqual([
      '0 留言数 false',
      '— 答复率 false',
      '— 按期答复率 false',
      '0 逾期未答复 false',
    ]);
    expect(card.footnote).not.toContain('中位数');
  });
});

describe('留言 detail rules', () => {
  test('when nothing moved the promise, then no 原期限 shows; after an extension the first promise and the reason do', () => {
    expect(toInquiryDetailView(inquiryFixtures.detail).deadlines.originalDueText).toBe('');
    const extended = toInquiryDetailView(inquiryFixtures.extended).deadlines;
    expect(extended).toMatchObject({ answerDueText: '2026-12-04', originalDueText: '2026-11-25' });
    expect(extended.extensions).toEqual([
      {
        key: 'extension-0',
        changeText: '2026-11-25 → 2026-12-04',
        reason: '学区划分须与招生办核实',
        byText: '刘洋 · 2026-11-24 16:00',
      },
    ]);
  });

  test('when a message is ours, then it says 知晓性回复 or 答复, who sent it and the channel', () => {
    const view = toInquiryDetailView(inquiryFixtures.answeredDetail);
    expect(view.messages.map((message) => `${message.direction} ${message.who} | ${message.meta}`)).toEqual([
      'in 公众号用户 oX3k…9Qe | 2026-11-18 09:20',
      'out 知晓性回复 | 2026-11-18 09:20 · 平台客服消息',
      'out 答复 · 刘洋 | 2026-11-27 10:10 · 平台客服消息',
    ]);
    expect(view.actionable).toBe(false);
  });

  test('when the viewer may act on an open inquiry, then the steps are offered and the texts are not marked masked', () => {
    expect(toInquiryDetailView(inquiryFixtures.detail)).toMatchObject({
      actionable: true,
      masked: false,
      kindIndex: 0,
    });
    expect(toInquiryDetailView(inquiryFixtures.detailMasked)).toMatchObject({ actionable: false, masked: true });
  });

  test('when a step is unknown to the mini-program, then the trail shows its code rather than nothing', () => {
    const rows = toInquiryTimelineRows([
      { sequence: 1, at: '2026-11-27T02:00:00.000Z', action: 'inquiry.answered', by: null, reason: '', note: '' },
      { sequence: 2, at: '2026-11-27T02:00:00.000Z', action: 'inquiry.reopened', by: null, reason: '', note: '' },
    ]);
    expect(rows.map((row) => `${row.actionText} ${row.tone} ${row.who}`)).toEqual([
      '答复 good 系统',
      'inquiry.reopened plain 系统',
    ]);
  });

  test('when an answer cannot go through the platform, then the officer is told why and what to do', () => {
    const inquiry = inquiryFixtures.detail;
    expect(answerOutcome({ outcome: 'sent', why: '', inquiry })).toEqual({
      done: true,
      text: '答复已通过平台客服消息发给留言人',
    });
    expect(answerOutcome({ outcome: 'back-office', why: 'quota-used', inquiry })).toEqual({
      done: false,
      text: '本次回复窗口的客服消息条数已用完，答复无法经平台发出。请到平台后台答复留言人，再点“已在后台答复”确认。',
    });
  });
});
