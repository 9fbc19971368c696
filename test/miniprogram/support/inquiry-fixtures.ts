/** Fixture answers of /api/v1/inquiries (留言, R8), typed by the contracts; "today" is the fixtures' 2026-11-27. */
import type { InquiryDetail, InquiryFiguresReport, InquiryList, InquiryListItem } from '../../../src/shared/contracts';
import { fixtures } from './fixtures';

const id = (n: number): string => `665f1c2e8b3e4a00123457${String(n).padStart(2, '0')}`;
const education = fixtures.accountList.accounts[0];
const town = fixtures.accountList.accounts[1];
const liuyang = { id: fixtures.officer.id, name: '刘洋' };

function item(n: number, overrides: Partial<InquiryListItem>): InquiryListItem {
  return {
    id: id(n),
    code: 'Q7K2',
    accountId: education.id,
    accountName: education.name,
    unitId: education.unit.id,
    unitName: education.unit.name,
    kind: 'consultation',
    kindText: '咨询',
    status: 'open',
    receivedAt: '2026-11-18T01:20:00.000Z',
    answerDueOn: '2026-11-25',
    overdue: false,
    answeredAt: null,
    answerChannel: null,
    excerpt: '',
    ...overrides,
  };
}

const overdue = item(1, {
  overdue: true,
  excerpt: '孩子明年上小学，户口在城关镇，住在滨河小区，请问学区怎么划分？电话138****5678',
});
const complaint = item(2, {
  code: 'R4MN',
  accountId: town.id,
  accountName: town.name,
  unitId: town.unit.id,
  unitName: town.unit.name,
  kind: 'complaint',
  kindText: '投诉',
  receivedAt: '2026-11-26T07:45:00.000Z',
  answerDueOn: '2026-12-07',
  excerpt: '城关镇东街的路灯坏了两个星期了，晚上很黑，老人孩子出门不安全…',
});
const answered = item(3, {
  code: 'A9TX',
  kind: 'suggestion',
  kindText: '建议',
  status: 'answered',
  receivedAt: '2026-11-10T02:00:00.000Z',
  answerDueOn: '2026-11-17',
  answeredAt: '2026-11-12T06:30:00.000Z',
  answerChannel: 'platform',
  excerpt: '建议在公众号上公布各校课后服务的收费标准',
});
const invalid = item(4, {
  code: 'Z2WD',
  kind: 'other',
  kindText: '其他',
  status: 'invalid',
  receivedAt: '2026-11-05T02:00:00.000Z',
  answerDueOn: '2026-11-12',
  excerpt: '加微信领红包',
});

const listFirstPage: InquiryList = { items: [overdue, complaint, answered], nextCursor: 'inquiry-cursor-2' };
const listSecondPage: InquiryList = { items: [invalid], nextCursor: null };

/** #Q7K2: acknowledged, extended once, now overdue; the viewer answers it (texts as written). */
const detail: InquiryDetail = {
  ...overdue,
  pendingAnswer: null,
  excerpt: '孩子明年上小学，户口在城关镇，住在滨河小区，请问学区怎么划分？电话13812345678',
  source: 'platform',
  citizenLabel: '公众号用户 oX3k…9Qe',
  invalidReason: '',
  accountUnitId: education.unit.id,
  mayAct: true,
  deadlines: {
    acknowledgeDueAt: '2026-11-18T05:20:00.000Z',
    acknowledgedAt: '2026-11-18T01:20:05.000Z',
    originalDueOn: '2026-11-25',
    answerDueOn: '2026-11-25',
  },
  answerText: '',
  answeredBy: null,
  messages: [
    {
      at: '2026-11-18T01:20:00.000Z',
      direction: 'in',
      text: '孩子明年上小学，户口在城关镇，住在滨河小区，请问学区怎么划分？电话13812345678',
      purpose: '',
      by: null,
      channel: null,
    },
    {
      at: '2026-11-18T01:20:05.000Z',
      direction: 'out',
      text: '您的留言已收到，我们将于11月25日前答复。',
      purpose: 'acknowledgement',
      by: null,
      channel: 'platform',
    },
  ],
  extensions: [],
  timeline: [
    { sequence: 2101, at: '2026-11-18T01:20:00.000Z', action: 'inquiry.received', by: null, reason: '', note: '' },
    {
      sequence: 2102,
      at: '2026-11-18T01:20:05.000Z',
      action: 'inquiry.acknowledged',
      by: null,
      reason: '',
      note: '承诺 2026-11-25 前答复',
    },
  ],
};

/** The same seen by someone outside the answering unit: masked texts, no steps. */
const detailMasked: InquiryDetail = {
  ...detail,
  mayAct: false,
  excerpt: overdue.excerpt,
  messages: detail.messages.map((message) =>
    message.direction === 'in' ? { ...message, text: message.text.replace('13812345678', '138****5678') } : message,
  ),
};

/** After an extension to 2026-12-04 with its reason, then the officer's answer through the platform. */
const extended: InquiryDetail = {
  ...detail,
  overdue: false,
  answerDueOn: '2026-12-04',
  deadlines: { ...detail.deadlines, answerDueOn: '2026-12-04' },
  extensions: [
    {
      at: '2026-11-24T08:00:00.000Z',
      by: liuyang,
      fromDueOn: '2026-11-25',
      toDueOn: '2026-12-04',
      reason: '学区划分须与招生办核实',
    },
  ],
  timeline: [
    ...detail.timeline,
    {
      sequence: 2230,
      at: '2026-11-24T08:00:00.000Z',
      action: 'inquiry.extended',
      by: liuyang,
      reason: '学区划分须与招生办核实',
      note: '答复期限 2026-11-25 → 2026-12-04',
    },
  ],
};

const answeredDetail: InquiryDetail = {
  ...extended,
  status: 'answered',
  answeredAt: '2026-11-27T02:10:00.000Z',
  answerChannel: 'platform',
  answerText: '滨河小区属城关镇第二小学学区，详见县教育局官网公告。',
  answeredBy: liuyang,
  messages: [
    ...extended.messages,
    {
      at: '2026-11-27T02:10:00.000Z',
      direction: 'out',
      text: '滨河小区属城关镇第二小学学区，详见县教育局官网公告。',
      purpose: 'answer',
      by: liuyang,
      channel: 'platform',
    },
  ],
  timeline: [
    ...extended.timeline,
    {
      sequence: 2301,
      at: '2026-11-27T02:10:00.000Z',
      action: 'inquiry.answered',
      by: liuyang,
      reason: '',
      note: '经平台客服消息答复',
    },
  ],
};

const figures: InquiryFiguresReport = {
  month: '2026-11',
  groupBy: 'account',
  groups: [],
  totals: {
    received: 23,
    valid: 21,
    answered: 18,
    answerRate: 0.8571,
    answeredOnTime: 16,
    onTimeRate: 0.8421,
    medianAnswerWorkingHours: 9.5,
    p90AnswerWorkingHours: 30,
    overdue: 1,
  },
};

export const inquiryFixtures = {
  listFirstPage,
  listSecondPage,
  detail,
  detailMasked,
  extended,
  answeredDetail,
  figures,
};
