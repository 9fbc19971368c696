/**
 * The API routes the mini-program calls, typed by the shared contracts in src/shared/contracts (type
 * imports only, erased when WeChat DevTools compiles): a contract change that breaks a page fails
 * `npm run typecheck`.
 */
import type {
  AccountCadenceListBody,
  AccountListBody,
  AccountReadinessReport,
  AccountSweepView,
  AccountStatusName,
  AccountView,
  AnnualReviewDecisionBody,
  AnnualReviewListBody,
  AnnualReviewView,
  ApprovalRouteList,
  AuditVerifyResponse,
  BindCodeResponse,
  CertificationBody,
  ClosureStepBody,
  ClosureWithdrawalBody,
  ConnectionSettingsBody,
  ConnectionView,
  Dashboard,
  DelegationList,
  DelegationRequest,
  DelegationView,
  DraftDetail,
  DraftDiff,
  DraftListPage,
  DraftListQuery,
  DraftTimeline,
  ExportQuery,
  FilingBody,
  InquiryAnswerResult,
  InquiryDetail,
  InquiryExportQuery,
  InquiryExtendResult,
  InquiryFiguresReport,
  InquiryList,
  InquiryListQuery,
  InquiryRegistration,
  InteractionBody,
  LoginResponse,
  MeResponse,
  MiniProgramBindRequest,
  OpeningDecisionBody,
  PersonPage,
  ReadinessOverview,
  ReadinessQuery,
  RefilingBody,
  RemovalResponse,
  SessionPerson,
  UnbindResponse,
  UnitList,
  WechatLoginRequest,
} from '../../../src/shared/contracts';
import { deployment } from '../config';
import type { EnvVersion } from '../config';
import { ApiClient } from './api-client';
import type { QueryValue } from './api-client';
import { SessionStore } from './session-store';

export const loginPagePath = '/pages/login/login';

/** The API base URL of the version running now: 开发版 develop, 体验版 trial, 正式版 release. */
export function apiBaseUrl(): string {
  const envVersion = wx.getAccountInfoSync().miniProgram.envVersion as EnvVersion;
  return deployment.apiBaseUrls[envVersion] ?? deployment.apiBaseUrls.release;
}

export const session = new SessionStore<SessionPerson>();

export const client = new ApiClient({
  baseUrl: apiBaseUrl,
  session,
  timeoutMs: deployment.requestTimeoutMs,
  refreshPath: '/api/v1/auth/refresh',
  onSignedOut: () => {
    void wx.reLaunch({ url: loginPagePath });
  },
});

const encode = encodeURIComponent;

export const api = {
  loginWithWechat: (body: WechatLoginRequest) =>
    client.post<LoginResponse>('/api/v1/auth/wechat', body, { authenticated: false }),
  bind: (body: MiniProgramBindRequest) =>
    client.post<LoginResponse>('/api/v1/auth/bind', body, { authenticated: false }),
  logout: (refreshToken: string) =>
    client.post<unknown>('/api/v1/auth/logout', { refreshToken }, { authenticated: false }),
  me: () => client.get<MeResponse>('/api/v1/me'),

  dashboard: () => client.get<Dashboard>('/api/v1/dashboard'),

  drafts: (query: DraftListQuery) => client.get<DraftListPage>('/api/v1/drafts', query as Record<string, QueryValue>),
  draft: (reference: string) => client.get<DraftDetail>(`/api/v1/drafts/${encode(reference)}`),
  draftDiff: (reference: string, from: number, to: number) =>
    client.get<DraftDiff>(`/api/v1/drafts/${encode(reference)}/diff`, { from, to }),
  draftTimeline: (reference: string) => client.get<DraftTimeline>(`/api/v1/drafts/${encode(reference)}/timeline`),
  verifyAudit: () => client.post<AuditVerifyResponse>('/api/v1/audit/verify', {}),

  units: () => client.get<UnitList>('/api/v1/units'),
  people: (query: { unitId?: string; q?: string; active?: 'true' | 'false'; cursor?: string; limit?: number }) =>
    client.get<PersonPage>('/api/v1/people', query),
  issueBindCode: (personId: string) =>
    client.post<BindCodeResponse>(`/api/v1/people/${encode(personId)}/bind-codes`, {}),
  removeBindings: (personId: string) =>
    client.request<UnbindResponse>('DELETE', `/api/v1/people/${encode(personId)}/bindings`),
  approvalRoutes: () => client.get<ApprovalRouteList>('/api/v1/approval-routes'),
  removeApprovalRoute: (id: string) =>
    client.request<RemovalResponse>('DELETE', `/api/v1/approval-routes/${encode(id)}`),
  delegations: () => client.get<DelegationList>('/api/v1/delegations'),
  /** Answers the person's current delegations, the new one included. */
  createDelegation: (body: DelegationRequest) => client.post<DelegationList>('/api/v1/delegations', body),
  endDelegation: (id: string) => client.request<DelegationView>('DELETE', `/api/v1/delegations/${encode(id)}`),

  accounts: (query: { status?: AccountStatusName; cursor?: string; limit?: number }) =>
    client.get<AccountListBody>('/api/v1/accounts', query),
  account: (id: string) => client.get<AccountView>(`/api/v1/accounts/${encode(id)}`),
  decideOpening: (id: string, body: OpeningDecisionBody) =>
    client.post<AccountView>(`/api/v1/accounts/${encode(id)}/opening-decision`, body),
  fileOpening: (id: string, body: FilingBody) =>
    client.post<AccountView>(`/api/v1/accounts/${encode(id)}/filing`, body),
  advanceClosure: (id: string, body: ClosureStepBody) =>
    client.post<AccountView>(`/api/v1/accounts/${encode(id)}/closure`, body),
  withdrawClosure: (id: string, body: ClosureWithdrawalBody) =>
    client.post<AccountView>(`/api/v1/accounts/${encode(id)}/closure/withdrawal`, body),
  setInteraction: (id: string, body: InteractionBody) =>
    client.put<AccountView>(`/api/v1/accounts/${encode(id)}/interaction`, body),
  setCertification: (id: string, body: CertificationBody) =>
    client.put<AccountView>(`/api/v1/accounts/${encode(id)}/certification`, body),
  refile: (id: string, body: RefilingBody) =>
    client.post<AccountView>(`/api/v1/accounts/${encode(id)}/re-filings`, body),
  /** A 微信公众号 account's connection to the platform; the secrets are write-only. */
  connection: (id: string) => client.get<ConnectionView>(`/api/v1/accounts/${encode(id)}/connection`),
  setConnection: (id: string, body: ConnectionSettingsBody) =>
    client.put<ConnectionView>(`/api/v1/accounts/${encode(id)}/connection`, body),
  testConnection: (id: string) => client.post<ConnectionView>(`/api/v1/accounts/${encode(id)}/connection/test`, {}),
  removeConnection: (id: string) =>
    client.request<ConnectionView>('DELETE', `/api/v1/accounts/${encode(id)}/connection`),
  /** The last platform sweep of a connected 公众号 (outcome null before the first). */
  accountSweep: (id: string) => client.get<AccountSweepView>(`/api/v1/accounts/${encode(id)}/sweep`),
  /** 立即巡查: sweeps the account's platform now and answers what it found. */
  sweepAccount: (id: string) => client.post<AccountSweepView>(`/api/v1/accounts/${encode(id)}/sweep`, {}),
  cadence: () => client.get<AccountCadenceListBody>('/api/v1/cadence'),
  /** The current cycle's reviews; with `accountId`, that account's reviews of every year. */
  annualReviews: (query: { accountId?: string; cursor?: string; limit?: number }) =>
    client.get<AnnualReviewListBody>('/api/v1/annual-reviews', query),
  decideAnnualReview: (id: string, body: AnnualReviewDecisionBody) =>
    client.post<AnnualReviewView>(`/api/v1/annual-reviews/${encode(id)}/decision`, body),

  /** 留言 (R8): the viewer's inquiries, newest first; one with its thread and timeline; a month's figures. */
  inquiries: (query: InquiryListQuery) =>
    client.get<InquiryList>('/api/v1/inquiries', query as Record<string, QueryValue>),
  inquiry: (reference: string) => client.get<InquiryDetail>(`/api/v1/inquiries/${encode(reference)}`),
  inquiryFigures: (month: string) =>
    client.get<InquiryFiguresReport>('/api/v1/inquiries/figures', { month, groupBy: 'account' }),
  /** Sent through the platform, recorded, or to be given in the platform's back office (outcome). */
  answerInquiry: (id: string, text: string) =>
    client.post<InquiryAnswerResult>(`/api/v1/inquiries/${encode(id)}/answer`, { text }),
  /** An approver's decision on an answer the unit reviews; `contentHash` is the text they read. */
  decideInquiryAnswer: (id: string, body: { decision: 'approve' | 'reject'; contentHash?: string; reason?: string }) =>
    client.post<InquiryDetail>(`/api/v1/inquiries/${encode(id)}/answer-decision`, body),
  confirmInquiryAnswered: (id: string, note: string) =>
    client.post<InquiryDetail>(`/api/v1/inquiries/${encode(id)}/confirm`, { note }),
  extendInquiry: (id: string, body: { dueOn: string; reason: string }) =>
    client.post<InquiryExtendResult>(`/api/v1/inquiries/${encode(id)}/extend`, body),
  setInquiryKind: (id: string, kind: InquiryDetail['kind']) =>
    client.post<InquiryDetail>(`/api/v1/inquiries/${encode(id)}/kind`, { kind }),
  markInquiryInvalid: (id: string, reason: 'spam' | 'duplicate') =>
    client.post<InquiryDetail>(`/api/v1/inquiries/${encode(id)}/invalid`, { reason }),
  /** 登记留言: one received elsewhere (微博私信, 电话…), for an account named by id or by its filed name. */
  registerInquiry: (body: InquiryRegistration) => client.post<InquiryDetail>('/api/v1/inquiries', body),
  /** 转办 to another unit, by its id or its full name; the promised date stays. */
  transferInquiry: (id: string, body: { unitId: string } | { unitName: string }) =>
    client.post<InquiryDetail>(`/api/v1/inquiries/${encode(id)}/transfer`, body),

  /** 考核自查 (R10): the viewer's units worst first (each with its accounts), one account's report, today or a past date. */
  readiness: (query: ReadinessQuery) =>
    client.get<ReadinessOverview>('/api/v1/readiness', query as Record<string, QueryValue>),
  accountReadiness: (id: string, query: ReadinessQuery) =>
    client.get<AccountReadinessReport>(`/api/v1/readiness/accounts/${encode(id)}`, query as Record<string, QueryValue>),

  /** Downloads an export (an audit event on the server) and answers the temporary file's path. */
  downloadExport: (kind: 'drafts' | 'audit', query: ExportQuery) =>
    client.download(`/api/v1/exports/${kind}`, query as Record<string, QueryValue>),
  /** The 留言台账 of a month (admins). */
  downloadInquiryLedger: (query: InquiryExportQuery) =>
    client.download('/api/v1/exports/inquiries', query as Record<string, QueryValue>),
};

/** Stores a fresh login and keeps the profile for role-aware pages. */
export function saveLogin(login: LoginResponse): void {
  session.write({ accessToken: login.accessToken, refreshToken: login.refreshToken, profile: login.person });
}

/** The signed-in person, or null (pages then send the admin to the login page). */
export function currentPerson(): SessionPerson | null {
  return session.read()?.profile ?? null;
}
