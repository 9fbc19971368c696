/**
 * Fixture answers of the admin API, typed by the shared contracts: the tests and `npm run mp:preview`
 * render the pages from these.
 */
import type {
  AccountCadenceListBody,
  AccountListBody,
  AccountView,
  AnnualReviewListBody,
  AnnualReviewView,
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
  accountsAtRisk: [
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
      account: { id: id(83), name: '健康清河', platform: '抖音' },
      unit: units.health,
      reasons: [
        { kind: 'certification', severity: 'critical', message: '平台认证 12 月 2 日到期，仅剩 5 天', since: null },
        { kind: 'cadence', severity: 'warn', message: '已 15 天没有原创内容', since: null },
      ],
    },
    {
      account: { id: id(82), name: '城关镇发布', platform: '微博' },
      unit: units.town,
      reasons: [{ kind: 'interaction', severity: 'warn', message: '互动留言功能未开启', since: null }],
    },
  ],
  registry: {
    accounts: {
      byStatus: { applying: 1, rejected: 0, active: 12, closing: 1, closed: 2 },
      filingOverdue: 1,
      certificationExpiring: 2,
      interactionOff: 1,
    },
    annualReview: { year: 2026, open: 4, submitted: 3, passed: 5, failed: 0, toClose: 0 },
  },
  publications: {
    windowDays: 30,
    connectedAccounts: 3,
    verified: 18,
    mismatched: 1,
    unapproved: 2,
    changedLater: 0,
    latestUnapproved: [
      {
        accountId: id(81),
        accountName: '清河教育',
        title: '关于调整冬季作息时间的通知',
        url: 'https://mp.weixin.qq.com/s/qinghe-jiaoyu-zuoxi',
        publishedAt: '2026-11-26T12:40:00.000Z',
      },
      {
        accountId: id(84),
        accountName: '平安清河',
        title: '转发：全省道路交通安全提示',
        url: 'https://mp.weixin.qq.com/s/pingan-qinghe-jiaotong',
        publishedAt: '2026-11-21T09:15:00.000Z',
      },
    ],
    lastSweptAt: '2026-11-27T00:30:00.000Z',
  },
};

const accountsAtRisk: NonNullable<Dashboard['accountsAtRisk']> = dashboard.accountsAtRisk ?? [];

/** The moment the registry fixtures are seen from (certification days count from it): 2026-11-27 10:00 in Beijing. */
const now = '2026-11-27T02:00:00.000Z';

function account(n: number, overrides: Partial<AccountView>): AccountView {
  return {
    id: id(n),
    unit: units.education,
    platform: 'wechat-official-account',
    platformText: '微信公众号',
    name: '清河教育',
    purpose: '发布全县教育政策、招生考试和校园安全信息',
    scope: '县内教育政务信息',
    status: 'active',
    statusText: '运行中',
    leaderInCharge: people.sunli,
    backendAdmin: people.liuyang,
    backendAdminPhone: '0311-5551234',
    openingApproval: {
      decision: 'approved',
      by: people.lijing,
      at: '2025-03-02T02:00:00.000Z',
      reason: '',
      documentNumber: '清网信〔2025〕3号',
    },
    openedAt: '2025-03-01T16:00:00.000Z',
    filingDueAt: '2025-03-04T16:00:00.000Z',
    filedAt: '2025-03-03T02:00:00.000Z',
    filingOverdue: false,
    filings: [
      {
        kind: 'opening',
        filedAt: '2025-03-03T02:00:00.000Z',
        filedBy: people.lijing,
        note: '',
        from: null,
        to: null,
      },
      {
        kind: 'leader-change',
        filedAt: '2026-06-10T02:00:00.000Z',
        filedBy: people.lijing,
        note: '分管领导调整',
        from: people.qian,
        to: people.sunli,
      },
    ],
    certification: { certified: true, expiresAt: '2026-12-16T16:00:00.000Z' },
    interactionEnabled: true,
    closure: [],
    nextClosureStep: null,
    createdAt: '2025-02-27T02:00:00.000Z',
    updatedAt: '2026-11-20T02:00:00.000Z',
    ...overrides,
  };
}

const accountList: AccountListBody = {
  accounts: [
    account(81, {}),
    account(82, {
      unit: units.town,
      platform: 'weibo',
      platformText: '微博',
      name: '城关镇发布',
      leaderInCharge: people.zhou,
      backendAdmin: people.qian,
      interactionEnabled: false,
      certification: { certified: true, expiresAt: '2027-06-29T16:00:00.000Z' },
    }),
    account(83, {
      unit: units.health,
      platform: 'douyin',
      platformText: '抖音',
      name: '健康清河',
      leaderInCharge: people.qian,
      backendAdmin: people.zhou,
      certification: { certified: true, expiresAt: '2026-12-01T16:00:00.000Z' },
    }),
    account(84, {
      unit: units.office,
      platform: 'toutiao',
      platformText: '头条号',
      name: '清河政务头条',
      status: 'applying',
      statusText: '开办申请待审批',
      openingApproval: { decision: null, by: null, at: null, reason: '', documentNumber: '' },
      openedAt: null,
      filingDueAt: null,
      filedAt: null,
      filings: [],
      certification: { certified: false, expiresAt: null },
    }),
    account(85, {
      unit: units.town,
      platform: 'wechat-channels',
      platformText: '视频号',
      name: '城关镇视频号',
      status: 'closing',
      statusText: '关停办理中',
      leaderInCharge: people.zhou,
      backendAdmin: people.qian,
      closure: [
        {
          step: 'requested',
          stepText: '申请关停',
          at: '2026-11-10T02:00:00.000Z',
          by: people.qian,
          note: '与“城关镇发布”合并运营',
          url: '',
        },
        {
          step: 'approved',
          stepText: '批准关停',
          at: '2026-11-12T02:00:00.000Z',
          by: people.lijing,
          note: '',
          url: '',
        },
      ],
      nextClosureStep: 'stop-notice-published',
    }),
  ],
  nextCursor: null,
};

const cadence: AccountCadenceListBody = {
  accounts: [
    {
      accountId: id(81),
      name: '清河教育',
      platform: 'wechat-official-account',
      unitId: units.education.id,
      unitName: units.education.name,
      lastPostDate: '2026-11-15',
      lastOriginalPostDate: '2026-11-15',
      daysSincePost: 12,
      daysSinceOriginal: 12,
      baselineDays: 7,
      risk: 'leader-warned',
    },
    {
      accountId: id(82),
      name: '城关镇发布',
      platform: 'weibo',
      unitId: units.town.id,
      unitName: units.town.name,
      lastPostDate: '2026-11-26',
      lastOriginalPostDate: '2026-11-20',
      daysSincePost: 1,
      daysSinceOriginal: 7,
      baselineDays: 7,
      risk: 'ok',
    },
    {
      accountId: id(83),
      name: '健康清河',
      platform: 'douyin',
      unitId: units.health.id,
      unitName: units.health.name,
      lastPostDate: '2026-11-12',
      lastOriginalPostDate: '2026-11-02',
      daysSincePost: 15,
      daysSinceOriginal: 25,
      baselineDays: 7,
      risk: 'veto',
    },
  ],
};

function review(n: number, accountNumber: number, overrides: Partial<AnnualReviewView>): AnnualReviewView {
  const listed = accountList.accounts.find((entry) => entry.id === id(accountNumber));
  return {
    id: id(90 + n),
    year: 2026,
    account: {
      id: id(accountNumber),
      name: listed?.name ?? '',
      platform: listed?.platform ?? 'other',
      status: listed?.status ?? 'active',
    },
    unitId: listed?.unit.id ?? units.county.id,
    status: 'open',
    statusText: '未提交报告',
    toClose: false,
    toCloseSince: null,
    reports: [],
    decision: null,
    ...overrides,
  };
}

const report = (submittedAt: string, late = false) => ({
  text: '2026 年度运行情况报告',
  file: null,
  submittedAt,
  submittedBy: people.liuyang,
  late,
});

const annualReviews: AnnualReviewListBody = {
  reviews: [
    review(1, 81, {}),
    review(2, 82, { status: 'submitted', statusText: '已提交，待审核', reports: [report('2026-11-20T03:00:00.000Z')] }),
    review(3, 83, {
      status: 'failed',
      statusText: '未通过',
      reports: [report('2026-11-05T03:00:00.000Z')],
      decision: { passed: false, by: people.lijing, at: '2026-11-08T02:00:00.000Z', reason: '缺少留言办理情况' },
    }),
    review(4, 85, {
      status: 'passed',
      statusText: '已通过',
      reports: [report('2026-11-03T03:00:00.000Z')],
      decision: { passed: true, by: people.lijing, at: '2026-11-04T02:00:00.000Z', reason: '' },
    }),
  ],
  nextCursor: null,
};

/** 清河教育's reviews of every year: this cycle's (open) and last year's (passed late, after 待关停). */
const accountReviews: AnnualReviewListBody = {
  reviews: [
    annualReviews.reviews[0],
    review(9, 81, {
      year: 2025,
      status: 'passed',
      statusText: '已通过',
      reports: [report('2025-12-03T03:00:00.000Z', true)],
      decision: { passed: true, by: people.lijing, at: '2025-12-04T02:00:00.000Z', reason: '补交后通过' },
    }),
  ],
  nextCursor: null,
};

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
  publicationCheck: null,
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
      // The signed-in admin herself: nobody acts on an admin of equal or wider scope through the API.
      manageable: false,
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
      manageable: true,
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
      manageable: true,
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
  now,
  accountList,
  cadence,
  annualReviews,
  accountReviews,
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

/** Makes the pages' "today" the fixtures' (certification days are counted from it). */
export function pinClock(): void {
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse(now));
}
