/** /api/v1/accounts — the account registry (R4) as the admins see it. */
import type { PersonReference } from './drafts';

export type AccountPlatformName =
  'wechat-official-account' | 'wechat-channels' | 'weibo' | 'toutiao' | 'douyin' | 'kuaishou' | 'app' | 'other';

export type AccountStatusName = 'applying' | 'rejected' | 'active' | 'closing' | 'closed';
export type ClosureStepName = 'requested' | 'approved' | 'stop-notice-published' | 'platform-cancelled' | 'filed';

/** POST /api/v1/accounts — an opening application (申请表). */
export interface AccountApplicationBody {
  unitId: string;
  platform: AccountPlatformName;
  name: string;
  purpose: string;
  scope: string;
  leaderInChargeId: string;
  backendAdminId: string;
  backendAdminPhone: string;
  /** "2026-11-02" */
  openedOn: string;
}

/** POST /api/v1/accounts/:id/opening-decision */
export interface OpeningDecisionBody {
  decision: 'approve' | 'reject';
  /** Required to reject. */
  reason?: string;
  documentNumber?: string;
}

/** POST /api/v1/accounts/:id/filing */
export interface FilingBody {
  note?: string;
}

/** POST /api/v1/accounts/:id/re-filings — a change of leader or admin. */
export interface RefilingBody {
  role: 'leader' | 'admin';
  personId: string;
  phone?: string;
  note: string;
}

/** PUT /api/v1/accounts/:id/interaction */
export interface InteractionBody {
  enabled: boolean;
  note?: string;
}

/** PUT /api/v1/accounts/:id/certification */
export interface CertificationBody {
  certified: boolean;
  /** "2027-03-01", or null for none. */
  expiresOn: string | null;
}

/** POST /api/v1/accounts/:id/closure — the next step of the closure workflow. */
export interface ClosureStepBody {
  step: ClosureStepName;
  note?: string;
  /** The stop notice's link; required for stop-notice-published. */
  url?: string;
}

export interface AccountFilingView {
  kind: 'opening' | 'leader-change' | 'admin-change' | 'closure';
  filedAt: string;
  filedBy: PersonReference;
  note: string;
  from: PersonReference | null;
  to: PersonReference | null;
}

export interface AccountView {
  id: string;
  unit: { id: string; name: string };
  platform: AccountPlatformName;
  platformText: string;
  name: string;
  purpose: string;
  scope: string;
  status: AccountStatusName;
  statusText: string;
  leaderInCharge: PersonReference;
  backendAdmin: PersonReference;
  backendAdminPhone: string;
  openingApproval: {
    decision: 'approved' | 'rejected' | null;
    by: PersonReference | null;
    at: string | null;
    reason: string;
    documentNumber: string;
  };
  openedAt: string | null;
  filingDueAt: string | null;
  filedAt: string | null;
  /** Not filed and past the deadline. */
  filingOverdue: boolean;
  filings: AccountFilingView[];
  certification: { certified: boolean; expiresAt: string | null };
  interactionEnabled: boolean;
  closure: { step: ClosureStepName; stepText: string; at: string; by: PersonReference; note: string; url: string }[];
  /** The closure step that comes next, or null (not closing, or done). */
  nextClosureStep: ClosureStepName | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/v1/accounts?status=&cursor=&limit= */
export interface AccountListBody {
  accounts: AccountView[];
  nextCursor: string | null;
}
