/** /api/v1/annual-reviews — the annual review (R5) as the admins see it. */
import type { PersonReference } from './drafts';
import type { AccountPlatformName, AccountStatusName } from './accounts';

export type AnnualReviewStatusName = 'open' | 'submitted' | 'passed' | 'failed';

export interface AnnualReviewView {
  id: string;
  year: number;
  account: { id: string; name: string; platform: AccountPlatformName; status: AccountStatusName };
  unitId: string;
  status: AnnualReviewStatusName;
  statusText: string;
  /** 待关停 */
  toClose: boolean;
  toCloseSince: string | null;
  reports: {
    text: string;
    file: { name: string; mimeType: string; size: number; sha256: string } | null;
    submittedAt: string;
    submittedBy: PersonReference;
    late: boolean;
  }[];
  decision: { passed: boolean; by: PersonReference; at: string; reason: string } | null;
}

/** GET /api/v1/annual-reviews?year=&accountId=&status=&toClose=&cursor=&limit= (the current year unless year or accountId). */
export interface AnnualReviewListBody {
  reviews: AnnualReviewView[];
  nextCursor: string | null;
}

/** POST /api/v1/annual-reviews/:id/report */
export interface AnnualReportBody {
  text: string;
}

/** POST /api/v1/annual-reviews/:id/decision */
export interface AnnualReviewDecisionBody {
  passed: boolean;
  /** Required when not passed. */
  reason?: string;
}

/**
 * Registry and annual-review counts for the admin dashboard, within the admin's scope (the service
 * function AnnualReviewService.dashboardCounts gives them).
 */
export interface RegistryDashboardCountsBody {
  accounts: {
    byStatus: Record<AccountStatusName, number>;
    filingOverdue: number;
    certificationExpiring: number;
    interactionOff: number;
  };
  annualReview: { year: number; open: number; submitted: number; passed: number; failed: number; toClose: number };
}
