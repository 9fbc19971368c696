/**
 * Fixture answers of the admin API, typed by the shared contracts: the tests and `npm run mp:preview`
 * render the pages from these.
 */
import type {
  ApprovalRouteList,
  AuditVerifyResponse,
  BindCodeResponse,
  Dashboard,
  DelegationList,
  DraftDetail,
  DraftDiff,
  DraftListItem,
  DraftListPage,
  DraftTimeline,
  LoginResponse,
  PersonPage,
  SessionPerson,
  UnbindResponse,
  UnitList,
} from '../../../src/shared/contracts';

const id = (n: number): string => `665f1c2e8b3e4a00123456${String(n).padStart(2, '0')}`;
const hash = (seed: string): string => seed.repeat(64).slice(0, 64);

const units = {
  county: { id: id(1), name: '清河县人民政府' },
  office: { id: id(2), name: '县政府办公室' },
  education: { id: id(3), name: '县教育局' },
  health: { id: id(4), name: '县卫生健康局' },
  town: { id: id(5), name: '城关镇人民政府' },
};
const people = {
  lijing: { id: id(11), name: '李静' },
  liuyang: { id: id(12), name: '刘洋' },
  sunli: { id: id(13), name: '孙丽' },
  qian: { id: id(14), name: '钱卫东' },
  zhou: { id: id(15), name: '周敏' },
};

const admin: SessionPerson = { id: people.lijing.id, name: '李静', title: '网信办主任', roles: ['admin'] };
const officer: SessionPerson = { id: people.liuyang.id, name: '刘洋', title: '信息员', roles: ['officer'] };
const leader: SessionPerson = { id: people.sunli.id, name: '孙丽', title: '办公室主任', roles: ['leader'] };

const login: LoginResponse = {
  accessToken: 'access-token-1',
  accessTokenExpiresAt: '2026-11-27T02:15:00.000Z',
  refreshToken: 'refresh-token-000000000001',
  refreshTokenExpiresAt: '2026-12-27T02:00:00.000Z',
  person: admin,
};

const dashboard: Dashboard = {
  generatedAt: '2026-11-27T02:00:00.000Z',
  countsByStatus: { in_review: 7, approved: 3, published: 42, rejected: 5, withdrawn: 2 },
  turnaround: {
    windowDays: 30,
    units: [
      { unit: units.office, approved: 18, medianMinutes: 95, p90Minutes: 420 },
      { unit: units.education, approved: 11, medianMinutes: 260, p90Minutes: 1430 },
      { unit: units.health, approved: 9, medianMinutes: 45, p90Minutes: 180 },
      { unit: { id: id(6), name: '县农业农村局（乡村振兴局）' }, approved: 4, medianMinutes: 1500, p90Minutes: 2900 },
    ],
  },
  waitingLongest: [
    {
      id: id(31),
      code: 'K7Q2',
      title: '关于开展2026年冬季消防安全检查的通知',
      unit: units.education,
      pendingApprovers: [people.sunli, people.qian],
      waitingSince: '2026-11-24T01:30:00.000Z',
      waitingMinutes: 4350,
    },
    {
      id: id(32),
      code: 'M3XD',
      title: '城关镇老旧小区改造项目公示',
      unit: units.town,
      pendingApprovers: [people.zhou],
      waitingSince: '2026-11-26T06:10:00.000Z',
      waitingMinutes: 1190,
    },
  ],
  accountsAtRisk: null,
  registry: null,
};

const accountsAtRisk: NonNullable<Dashboard['accountsAtRisk']> = [
  {
    account: { id: id(81), name: '清河教育', platform: '微信公众号' },
    unit: units.education,
    reasons: [
      {
        kind: 'cadence',
        severity: 'critical',
        message: '已 12 天未更新，满 14 天将被单项否决',
        since: '2026-11-15T02:00:00.000Z',
      },
      { kind: 'annual-review', severity: 'warn', message: '年度报告未提交，截止 11 月 30 日', since: null },
    ],
  },
  {
    account: { id: id(82), name: '城关镇发布', platform: '微博' },
    unit: units.town,
    reasons: [{ kind: 'interaction', severity: 'warn', message: '互动留言功能未开启', since: null }],
  },
];

function listItem(n: number, overrides: Partial<DraftListItem> = {}): DraftListItem {
  return {
    id: id(40 + n),
    code: `D${String(n).padStart(3, '0')}`,
    title: `第${n}期 清河政务简报：县域营商环境优化举措`,
    status: 'published',
    statusText: '已发布',
    unit: units.office,
    accountId: null,
    submitter: people.liuyang,
    currentVersion: 1,
    currentStep: null,
    stepCount: 2,
    pendingApprovers: [],
    createdAt: '2026-11-20T02:00:00.000Z',
    updatedAt: `2026-11-${String(26 - (n % 20)).padStart(2, '0')}T03:00:00.000Z`,
    ...overrides,
  };
}

const draftsFirstPage: DraftListPage = {
  items: [
    listItem(1, {
      id: id(31),
      code: 'K7Q2',
      title: '关于开展2026年冬季消防安全检查的通知',
      status: 'in_review',
      statusText: '审核中',
      unit: units.education,
      currentVersion: 2,
      currentStep: 2,
      pendingApprovers: [people.sunli, people.qian],
    }),
    listItem(2, {
      code: 'R8TW',
      title: '县卫健局关于流感疫苗接种点的公告',
      status: 'rejected',
      statusText: '已驳回',
      unit: units.health,
    }),
    listItem(3, { code: 'P2LA', status: 'approved', statusText: '已同意' }),
    listItem(4),
  ],
  nextCursor: 'cursor-page-2',
};

const draftsSecondPage: DraftListPage = {
  items: [
    listItem(5, { code: 'H6NB', title: '城关镇2026年度河道清淤工程完工' }),
    listItem(6, { code: 'Z9QE', status: 'withdrawn', statusText: '已撤回' }),
  ],
  nextCursor: null,
};

const bodyV1 =
  '各学校、幼儿园：\n为切实做好冬季消防安全工作，县教育局决定于12月1日至12月15日开展消防安全检查。请各单位于11月30日前完成自查，联系人张老师，电话 138****5678。';
const bodyV2 =
  '各学校、幼儿园：\n为切实做好冬季消防安全工作，县教育局决定于12月1日至12月20日开展消防安全专项检查。请各单位于11月30日前完成自查并报送自查表。联系人张老师，电话 0310-1234567。';

const draftDetail: DraftDetail = {
  id: id(31),
  code: 'K7Q2',
  status: 'in_review',
  statusText: '正在审核中',
  unit: units.education,
  submitter: people.liuyang,
  currentVersion: 2,
  currentStep: 2,
  steps: [
    {
      mode: 'any',
      status: 'approved',
      approvers: [people.zhou],
      backupApprovers: [],
      decisions: [
        {
          approver: people.qian,
          onBehalfOf: people.zhou,
          decision: 'approve',
          comment: '同意，注意核实日期',
          versionNumber: 2,
          contentHash: hash('3fa9c2e1'),
          decidedAt: '2026-11-24T03:10:00.000Z',
        },
      ],
    },
    {
      mode: 'all',
      status: 'pending',
      approvers: [people.sunli, people.qian],
      backupApprovers: [people.lijing],
      decisions: [],
    },
  ],
  versions: [
    {
      number: 1,
      title: '关于开展冬季消防安全检查的通知',
      body: bodyV1,
      sourceUrl: '',
      reprint: null,
      contentHash: hash('a1b2c3d4'),
      createdAt: '2026-11-23T01:00:00.000Z',
      createdBy: people.liuyang,
      attachments: [],
      findings: [
        {
          rule: 'personal-data/phone',
          category: '个人信息',
          severity: 'block',
          field: 'body',
          start: 80,
          end: 91,
          excerpt: '电话 138****5678',
          suggestion: '手机号码须脱敏或改为办公电话',
        },
      ],
    },
    {
      number: 2,
      title: '关于开展2026年冬季消防安全检查的通知',
      body: bodyV2,
      sourceUrl: '',
      reprint: null,
      contentHash: hash('3fa9c2e1'),
      createdAt: '2026-11-24T01:30:00.000Z',
      createdBy: people.liuyang,
      attachments: [
        { name: '消防安全自查表.xlsx', mimeType: 'application/vnd.ms-excel', size: 48213, sha256: hash('9e8d') },
      ],
      findings: [
        {
          rule: 'expression/official-name',
          category: '表述',
          severity: 'warn',
          field: 'body',
          start: 20,
          end: 25,
          excerpt: '县教育局',
          suggestion: '首次出现请使用全称“清河县教育局”',
        },
      ],
    },
  ],
  publication: { url: '', publishedAt: null },
  createdAt: '2026-11-23T01:00:00.000Z',
  updatedAt: '2026-11-24T03:10:00.000Z',
};

const draftDiff: DraftDiff = {
  from: { number: 1, title: draftDetail.versions[0].title, contentHash: draftDetail.versions[0].contentHash },
  to: { number: 2, title: draftDetail.versions[1].title, contentHash: draftDetail.versions[1].contentHash },
  title: [
    { kind: 'same', text: '关于开展' },
    { kind: 'added', text: '2026年' },
    { kind: 'same', text: '冬季消防安全检查的通知' },
  ],
  body: [
    { kind: 'same', text: '各学校、幼儿园：\n为切实做好冬季消防安全工作，县教育局决定于12月1日至12月' },
    { kind: 'removed', text: '15' },
    { kind: 'added', text: '20' },
    { kind: 'same', text: '日开展消防安全' },
    { kind: 'added', text: '专项' },
    { kind: 'same', text: '检查。请各单位于11月30日前完成自查' },
    { kind: 'removed', text: '，' },
    { kind: 'added', text: '并报送自查表。' },
    { kind: 'same', text: '联系人张老师，电话 ' },
    { kind: 'removed', text: '138****5678' },
    { kind: 'added', text: '0310-1234567' },
    { kind: 'same', text: '。' },
  ],
};

const draftTimeline: DraftTimeline = {
  draftId: id(31),
  code: 'K7Q2',
  events: [
    {
      sequence: 1201,
      at: '2026-11-23T01:00:00.000Z',
      action: 'draft.submitted',
      actionText: '投稿',
      actor: people.liuyang,
      onBehalfOf: null,
      via: '工作群（政务微信）',
      versionNumber: 1,
      contentHash: hash('a1b2c3d4'),
      reason: '',
    },
    {
      sequence: 1207,
      at: '2026-11-23T06:20:00.000Z',
      action: 'draft.rejected',
      actionText: '驳回',
      actor: people.zhou,
      onBehalfOf: null,
      via: '工作群（政务微信）',
      versionNumber: 1,
      contentHash: hash('a1b2c3d4'),
      reason: '正文含个人手机号，请改为办公电话；标题请写明年份',
    },
    {
      sequence: 1215,
      at: '2026-11-24T01:30:00.000Z',
      action: 'draft.revised',
      actionText: '修改',
      actor: people.liuyang,
      onBehalfOf: null,
      via: '工作群（政务微信）',
      versionNumber: 2,
      contentHash: hash('3fa9c2e1'),
      reason: '',
    },
    {
      sequence: 1219,
      at: '2026-11-24T03:10:00.000Z',
      action: 'draft.approved',
      actionText: '同意',
      actor: people.qian,
      onBehalfOf: people.zhou,
      via: '工作群（政务微信）',
      versionNumber: 2,
      contentHash: hash('3fa9c2e1'),
      reason: '同意，注意核实日期',
    },
  ],
};

const verifyOk: AuditVerifyResponse = {
  ok: true,
  count: 1532,
  head: { sequence: 1532, hash: hash('7c41e0aa') },
  digestsChecked: 26,
  problem: null,
  brokenAtSequence: null,
  checkedAt: '2026-11-27T02:01:00.000Z',
};

const verifyBroken: AuditVerifyResponse = {
  ok: false,
  count: 1206,
  head: null,
  digestsChecked: 25,
  problem: 'event 1207: hash does not match its content',
  brokenAtSequence: 1207,
  checkedAt: '2026-11-27T02:01:00.000Z',
};

const unitList: UnitList = {
  items: [
    { id: units.county.id, name: units.county.name, kind: 'government', parentId: null, mainLeader: people.sunli },
    {
      id: units.office.id,
      name: units.office.name,
      kind: 'office',
      parentId: units.county.id,
      mainLeader: people.zhou,
    },
    {
      id: units.education.id,
      name: units.education.name,
      kind: 'department',
      parentId: units.county.id,
      mainLeader: people.qian,
    },
    { id: units.health.id, name: units.health.name, kind: 'department', parentId: units.county.id, mainLeader: null },
    { id: units.town.id, name: units.town.name, kind: 'town', parentId: units.county.id, mainLeader: people.zhou },
  ],
};

const personPage: PersonPage = {
  items: [
    {
      id: people.lijing.id,
      name: '李静',
      code: 'P001',
      title: '网信办主任',
      roles: ['admin'],
      units: [units.county],
      active: true,
      bindings: [{ kind: 'mini-program', provider: 'wechat', boundAt: '2026-10-08T02:00:00.000Z' }],
    },
    {
      id: people.liuyang.id,
      name: '刘洋',
      code: 'P002',
      title: '信息员',
      roles: ['officer'],
      units: [units.education],
      active: true,
      bindings: [{ kind: 'chat', provider: 'wechaty-puppet-service', boundAt: '2026-10-09T02:00:00.000Z' }],
    },
    {
      id: people.sunli.id,
      name: '孙丽',
      code: 'P003',
      title: '办公室主任',
      roles: ['leader'],
      units: [units.office, units.education],
      active: true,
      bindings: [],
    },
  ],
  nextCursor: 'people-page-2',
};

const bindCode: BindCodeResponse = {
  code: '482913',
  expiresAt: '2026-11-28T02:00:00.000Z',
  person: people.sunli,
  instruction: '请孙丽在聊天中向机器人发送“绑定 482913”，24 小时内有效。',
};

const unbind: UnbindResponse = {
  person: people.liuyang,
  bindingsRemoved: 1,
  movedDrafts: [{ code: 'K7Q2', to: [people.lijing] }],
  unassignedDrafts: [],
};

const approvalRoutes: ApprovalRouteList = {
  items: [
    {
      id: id(61),
      unit: units.education,
      accountId: null,
      steps: [
        { mode: 'any', approvers: [people.zhou], backupApprovers: [] },
        { mode: 'all', approvers: [people.sunli, people.qian], backupApprovers: [people.lijing] },
      ],
      cc: [people.lijing],
      updatedAt: '2026-11-01T02:00:00.000Z',
    },
    {
      id: id(62),
      unit: units.health,
      accountId: null,
      steps: [{ mode: 'any', approvers: [people.qian], backupApprovers: [people.zhou] }],
      cc: [],
      updatedAt: '2026-11-02T02:00:00.000Z',
    },
  ],
};

const delegations: DelegationList = {
  items: [
    {
      id: id(71),
      person: people.sunli,
      delegate: people.qian,
      from: '2026-11-30T16:00:00.000Z',
      until: '2026-12-08T15:59:59.999Z',
      cancelledAt: null,
      createdAt: '2026-11-25T02:00:00.000Z',
    },
  ],
};

export const fixtures = {
  admin,
  officer,
  leader,
  login,
  dashboard,
  accountsAtRisk,
  draftsFirstPage,
  draftsSecondPage,
  draftDetail,
  draftDiff,
  draftTimeline,
  verifyOk,
  verifyBroken,
  unitList,
  personPage,
  bindCode,
  unbind,
  approvalRoutes,
  delegations,
};

/** Stores a signed-in session for `person`, as a login would. */
export function signIn(storage: Map<string, unknown>, person: SessionPerson = admin): void {
  storage.set('shenfa.session', { accessToken: login.accessToken, refreshToken: login.refreshToken, profile: person });
}
