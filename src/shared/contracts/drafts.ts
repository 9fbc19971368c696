/** GET /api/v1/drafts/:reference — one draft as the admins see it (DESIGN: draft detail). */
export type DraftStatusName = 'in_review' | 'approved' | 'published' | 'rejected' | 'withdrawn';

export interface PersonReference {
  id: string;
  /** '' when the person is no longer on record. */
  name: string;
}

/** A pre-check finding (R7) as stored with the version it was found in; excerpts are masked. */
export interface ContentFindingView {
  rule: string;
  category: string;
  severity: 'block' | 'warn' | 'info';
  field: 'title' | 'body' | 'reprint';
  start: number;
  end: number;
  excerpt: string;
  suggestion: string;
}

export interface DraftAttachmentView {
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface DraftVersionView {
  number: number;
  title: string;
  body: string;
  sourceUrl: string;
  reprint: { source: string; originalTitle: string } | null;
  /** SHA-256 of the normalized content; approvals bind to it (R2). */
  contentHash: string;
  createdAt: string;
  createdBy: PersonReference;
  attachments: DraftAttachmentView[];
  findings: ContentFindingView[];
}

export interface ApprovalDecisionView {
  approver: PersonReference;
  /** Set when a delegate or colleague decided for the designated approver. */
  onBehalfOf: PersonReference | null;
  decision: 'approve' | 'reject';
  comment: string;
  versionNumber: number;
  contentHash: string;
  decidedAt: string;
}

export interface ApprovalStepView {
  /** any: 或签; all: 会签. */
  mode: 'any' | 'all';
  status: 'waiting' | 'pending' | 'approved' | 'rejected';
  approvers: PersonReference[];
  backupApprovers: PersonReference[];
  decisions: ApprovalDecisionView[];
}

export interface DraftDetail {
  id: string;
  code: string;
  status: DraftStatusName;
  /** The status in words, e.g. 正在审核中. */
  statusText: string;
  unit: { id: string; name: string };
  submitter: PersonReference;
  currentVersion: number;
  /** 1-based step under review; null when the draft is not in review. */
  currentStep: number | null;
  steps: ApprovalStepView[];
  versions: DraftVersionView[];
  publication: { url: string; publishedAt: string | null };
  createdAt: string;
  updatedAt: string;
}
