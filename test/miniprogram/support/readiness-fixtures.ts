/** Fixture answers of /api/v1/readiness (考核自查, R10), typed by the contracts; "today" is the fixtures' 2026-11-27. */
import type {
  AccountReadinessReport,
  AccountReadinessView,
  ReadinessLineView,
  ReadinessOverview,
} from '../../../src/shared/contracts';
import { inquiryFixtures } from './inquiry-fixtures';

const id = (n: number): string => `665f1c2e8b3e4a00123458${String(n).padStart(2, '0')}`;
const emergencyUnit = { id: id(1), name: '县应急管理局' };
const educationUnit = { id: id(2), name: '县教育局' };
const draftId = id(40);

const table = {
  name: '全国政务新媒体检查指标（默认）',
  passScore: 60,
  indicators: [
    { id: 'update-gap', name: '内容更新', group: 'veto' as const, clause: '单项否决：监测时间点前2周内无更新' },
  ],
};

function line(
  overrides: Partial<ReadinessLineView> & Pick<ReadinessLineView, 'indicatorId' | 'name'>,
): ReadinessLineView {
  return {
    group: 'scored',
    clause: '',
    description: '',
    value: 0,
    shown: '',
    status: 'pass',
    deduction: 0,
    advice: '',
    evidence: [],
    evidenceTotal: 0,
    ...overrides,
  };
}

/** 应急微博: nothing posted for 15 days (a veto), an inquiry left unanswered, not connected to its platform. */
const updateGap = line({
  indicatorId: 'update-gap',
  name: '内容更新',
  group: 'veto',
  clause: '《政府网站与政务新媒体检查指标》单项否决：监测时间点前2周内无更新',
  value: 15,
  shown: '15 天（上次更新：2026年11月12日）',
  status: 'fail',
  advice: '已满14天未更新，单项否决：今天就发布一条，并安排固定的更新人',
  evidence: [{ kind: 'draft', id: draftId, label: '《冬季防火安全提示》', at: '2026-11-12T08:00:00.000Z', url: '' }],
  evidenceTotal: 1,
});
const interactionResponse = line({
  indicatorId: 'interaction-response',
  name: '留言回应',
  group: 'veto',
  clause: '《政府网站与政务新媒体检查指标》单项否决：互动回应差（对网民留言长期不回应）',
  value: 1,
  shown: '1 件留言超期未答复（最久 9 个工作日）',
  status: 'risk',
  advice: '答复超期的留言，答复不了的先告知留言人答复期限',
  evidence: [
    {
      kind: 'inquiry',
      id: inquiryFixtures.detail.id,
      label: '留言 Q7K2（超期 2 天）',
      at: '2026-11-18T01:20:00.000Z',
      url: '',
    },
  ],
  evidenceTotal: 3,
});
const answerRate = line({
  indicatorId: 'answer-rate',
  name: '答复率',
  clause: '《政府网站与政务新媒体检查指标》扣分项：互动回应（留言办理）',
  value: null,
  shown: '未连接平台，也没有登记的留言',
  status: 'not-connected',
  advice: '在账号详情中连接平台，或把收到的留言登记进来',
});
const annualReview = line({
  indicatorId: 'annual-review',
  name: '年审',
  clause: '《新媒体平台管理办法》第五条：每年11月提交年审报告',
  shown: '2026年度年审已通过',
  evidence: [{ kind: 'annual-review', id: id(41), label: '2026年度年审', at: '', url: '' }],
  evidenceTotal: 1,
});
const filing = line({
  indicatorId: 'filing',
  name: '备案',
  clause: '各地办法：政务新媒体开设3日内通过管理系统备案',
  value: 2,
  shown: '逾期未备案（应于2026年3月4日前）',
  status: 'risk',
  deduction: 10,
  advice: '在账号台账中登记备案日期',
  evidence: [
    { kind: 'account', id: id(10), label: '账号登记：开设于2026年3月1日', at: '2026-03-01T02:00:00.000Z', url: '' },
  ],
  evidenceTotal: 1,
});

const weibo: AccountReadinessView = {
  account: {
    id: id(10),
    name: '应急微博',
    platform: 'weibo',
    unitId: emergencyUnit.id,
    unitName: emergencyUnit.name,
    leaderInChargeId: id(30),
  },
  status: 'fail',
  score: 52.5,
  lines: [updateGap, interactionResponse, filing, answerRate, annualReview],
  firstToFix: { indicatorId: 'update-gap', name: '内容更新', advice: updateGap.advice },
  notConnected: 1,
};

const douyin: AccountReadinessView = {
  account: { ...weibo.account, id: id(11), name: '应急抖音', platform: 'douyin' },
  status: 'risk',
  score: 78,
  lines: [filing, annualReview],
  firstToFix: { indicatorId: 'filing', name: '备案', advice: filing.advice },
  notConnected: 0,
};

const education: AccountReadinessView = {
  account: {
    id: id(12),
    name: '清河教育',
    platform: 'wechat-official-account',
    unitId: educationUnit.id,
    unitName: educationUnit.name,
    leaderInChargeId: id(31),
  },
  status: 'pass',
  score: 96,
  lines: [annualReview],
  firstToFix: null,
  notConnected: 0,
};

const moment = { date: '2026-11-27', at: '2026-11-27T02:00:00.000Z', table };

/** The county admin's view: the emergency bureau (one failing, one at risk) before the education bureau. */
const overview: ReadinessOverview = {
  ...moment,
  units: [
    {
      unit: emergencyUnit,
      status: 'fail',
      lowestScore: 52.5,
      counts: { pass: 0, risk: 1, fail: 1 },
      accounts: [weibo, douyin],
    },
    {
      unit: educationUnit,
      status: 'pass',
      lowestScore: 96,
      counts: { pass: 1, risk: 0, fail: 0 },
      accounts: [education],
    },
  ],
};

const weiboReport: AccountReadinessReport = { ...moment, account: weibo };
const educationReport: AccountReadinessReport = { ...moment, account: education };

export const readinessFixtures = { overview, weiboReport, educationReport, draftId, emergencyUnit, educationUnit };
