/**
 * The fingerprints of what was approved, as the sweep matches articles against them (R10): kept current
 * from the drafts changed since the last read (one query however many drafts there are), and read for
 * the accounts being swept (one query for all of them). See approval-fingerprint-model.ts.
 */
import { Types } from 'mongoose';
import type { Logger } from '../shared/logger';
import { insertSkippingDuplicates } from '../shared/database';
import type { DraftApproval } from '../drafts/draft-service-types';
import { fingerprintArticle } from './article-fingerprint-rules';
import { articleTextOf } from './article-html-rules';
import type { ApprovedArticle } from './sweep-match-rules';
import { ApprovalFingerprintModel } from './approval-fingerprint-model';
import type { ApprovalFingerprint } from './approval-fingerprint-model';
import { SweepStateModel, approvalsMarkId } from './sweep-state-model';

export interface FingerprintDrafts {
  approvalsChangedSince(since: Date): AsyncIterable<DraftApproval>;
}

/**
 * Drafts are read again from this long before the newest change last read: `updatedAt` is stamped by
 * each writing process's own clock, and a write stamped just before the newest may land just after it.
 */
const rereadMs = 5 * 60_000;

/** Drafts read and written at a time. */
const batchSize = 1000;

/** An approved version as the sweep matches it, with what the post it publishes counts as. */
export interface AccountApproval extends ApprovedArticle {
  submitterId: string;
  approverIds: string[];
  contentHash: string;
  /** false for a reprint (转载). */
  original: boolean;
}

export class ApprovalFingerprints {
  constructor(private readonly dependencies: { drafts: FingerprintDrafts; logger?: Logger }) {}

  /**
   * Brings the fingerprints up to date: each draft changed since the last read gets its approved
   * version's fingerprints, or loses them when it is not approved (any longer). Drafts are read and
   * written a batch at a time; the writes are idempotent, so concurrent sweeps may both do it.
   */
  async refresh(): Promise<void> {
    const mark = await SweepStateModel.findById(approvalsMarkId, { through: 1 }).lean();
    const since = new Date(Math.max(0, (mark?.through?.getTime() ?? 0) - rereadMs));
    let newest = 0;
    const batch: DraftApproval[] = [];
    let count = 0;
    for await (const approval of this.dependencies.drafts.approvalsChangedSince(since)) {
      batch.push(approval);
      newest = Math.max(newest, approval.changedAt.getTime());
      if (batch.length === batchSize) {
        count += batch.length;
        await store(batch.splice(0));
      }
    }
    count += batch.length;
    await store(batch);
    if (newest === 0) return;
    // A mark that only moves forward: two sweeps writing it in either order leave the later one.
    await SweepStateModel.updateOne(
      { _id: approvalsMarkId },
      { $max: { through: new Date(newest) } },
      { upsert: true },
    );
    this.dependencies.logger?.debug({ drafts: count, through: new Date(newest) }, 'approval fingerprints refreshed');
  }

  /**
   * The approved versions each account's articles may be: those of drafts naming the account, and of
   * drafts of its unit that name none.
   */
  async forAccounts(accounts: { id: string; unitId: string }[]): Promise<Map<string, AccountApproval[]>> {
    const byAccount = new Map<string, AccountApproval[]>(accounts.map((account) => [account.id, []]));
    if (accounts.length === 0) return byAccount;
    const fingerprints = await ApprovalFingerprintModel.find({
      $or: [
        { accountId: { $in: accounts.map((account) => new Types.ObjectId(account.id)) } },
        { accountId: null, unitId: { $in: [...new Set(accounts.map((account) => account.unitId))] } },
      ],
    })
      .batchSize(5000)
      .lean<ApprovalFingerprint[]>();
    const accountsOfUnit = new Map<string, string[]>();
    for (const account of accounts) {
      accountsOfUnit.set(account.unitId, [...(accountsOfUnit.get(account.unitId) ?? []), account.id]);
    }
    for (const fingerprint of fingerprints) {
      const owners = fingerprint.accountId
        ? [String(fingerprint.accountId)]
        : (accountsOfUnit.get(String(fingerprint.unitId)) ?? []);
      const approval = toApproval(fingerprint);
      for (const owner of owners) byAccount.get(owner)?.push(approval);
    }
    return byAccount;
  }
}

/**
 * Writes a batch: the approved drafts' fingerprints inserted (the usual case: a draft approved since the
 * last read), replaced where the draft had some (another version approved since); those of drafts not
 * approved removed. One insert and at most one write more of each kind, where upserting each would cost
 * the embedded database a lookup per draft.
 */
async function store(approvals: DraftApproval[]): Promise<void> {
  const approved = approvals.flatMap((approval) => {
    const { approvedAt, approvedHash } = approval;
    return approvedAt && approvedHash ? [toFingerprint(approval, approvedAt, approvedHash)] : [];
  });
  const collection = ApprovalFingerprintModel.collection;
  // Through the driver: the documents are built whole here, typed as stored.
  const taken = await insertSkippingDuplicates(collection, approved);
  if (taken.length > 0) {
    await collection.bulkWrite(
      taken.map((index) => {
        const { _id, ...replacement } = approved[index];
        return { replaceOne: { filter: { _id }, replacement, upsert: true } };
      }),
      { ordered: false },
    );
  }
  const withdrawn = approvals.filter((approval) => !approval.approvedAt || !approval.approvedHash);
  if (withdrawn.length > 0) {
    await collection.deleteMany({ _id: { $in: withdrawn.map((approval) => new Types.ObjectId(approval.id)) } });
  }
}

function toFingerprint(approval: DraftApproval, approvedAt: Date, contentHash: string): ApprovalFingerprint {
  const { version } = approval;
  const fingerprint = fingerprintArticle({ title: version.title, text: articleTextOf(version) });
  return {
    _id: new Types.ObjectId(approval.id),
    code: approval.code,
    accountId: approval.accountId ? new Types.ObjectId(approval.accountId) : null,
    unitId: new Types.ObjectId(approval.unitId),
    submitterId: new Types.ObjectId(approval.submitterId),
    approverIds: approval.approverIds.map((id) => new Types.ObjectId(id)),
    versionNumber: version.number,
    title: version.title,
    contentHash,
    whole: fingerprint.whole,
    text: fingerprint.text,
    titleKey: fingerprint.titleKey,
    original: !version.reprint,
    approvedAt,
  };
}

function toApproval(fingerprint: ApprovalFingerprint): AccountApproval {
  return {
    draftId: String(fingerprint._id),
    shortCode: fingerprint.code,
    versionNumber: fingerprint.versionNumber,
    title: fingerprint.title,
    approvedAt: fingerprint.approvedAt,
    fingerprint: { whole: fingerprint.whole, text: fingerprint.text, titleKey: fingerprint.titleKey },
    submitterId: String(fingerprint.submitterId),
    approverIds: fingerprint.approverIds.map(String),
    contentHash: fingerprint.contentHash,
    original: fingerprint.original,
  };
}
