/**
 * A stored draft in the shapes the flow works with, pure: the rules' view of it (string ids), the summary
 * a reply names, and a publication as the cadence counts it. The way back, the rules' changes as stored
 * fields, is draft-store.ts's.
 */
import type { Types } from 'mongoose';
import type { Draft } from './draft-model';
import { currentVersionOf } from './draft-content-rules';
import type { ReviewState } from './review-state';
import type { DraftApproval, DraftForPublication, DraftSummary, PublishedDraft } from './draft-service-types';

/** A published draft as the cadence check counts it. */
export function toPublishedDraft(draft: Draft): PublishedDraft {
  const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
  return {
    draftId: String(draft._id),
    unitId: String(draft.unitId),
    accountId: draft.accountId ? String(draft.accountId) : null,
    publishedAt: draft.publication.publishedAt ?? draft.updatedAt,
    url: draft.publication.url,
    original: !version?.reprint,
  };
}

/** The parts of a stored draft the rules read, with ids as strings. */
export function toReviewState(draft: Draft): ReviewState {
  const ids = (values: Types.ObjectId[]) => values.map(String);
  return {
    id: String(draft._id),
    shortCode: draft.shortCode,
    status: draft.status,
    submitterId: String(draft.submitterId),
    versions: draft.versions.map((version) => ({
      number: version.number,
      title: version.title,
      body: version.body,
      sourceUrl: version.sourceUrl,
      reprint: version.reprint?.source
        ? { source: version.reprint.source, originalTitle: version.reprint.originalTitle }
        : null,
      attachmentHashes: (version.attachments ?? []).map((attachment) => attachment.sha256),
      contentHash: version.contentHash,
    })),
    currentVersion: draft.currentVersion,
    steps: draft.steps.map((step) => ({
      mode: step.mode,
      approverIds: ids(step.approverIds),
      backupApproverIds: ids(step.backupApproverIds),
      status: step.status,
      decisions: step.decisions.map((decision) => ({
        ...decision,
        approverId: String(decision.approverId),
        onBehalfOfId: decision.onBehalfOfId ? String(decision.onBehalfOfId) : null,
      })),
      handovers: (step.handovers ?? []).map(({ cause, replacedId, ...handover }) => ({
        ...handover,
        fromId: String(handover.fromId),
        toId: String(handover.toId),
        ...(cause ? { cause, replacedId: replacedId ? String(replacedId) : undefined } : {}),
      })),
      pendingSince: step.pendingSince ?? null,
    })),
    currentStepIndex: draft.currentStepIndex,
    ccIds: ids(draft.ccIds),
    ccInformed: draft.ccInformed ?? false,
    publication: {
      url: draft.publication.url,
      publishedAt: draft.publication.publishedAt,
      reportedById: draft.publication.reportedById ? String(draft.publication.reportedById) : null,
    },
  };
}

/** A draft as a reply names it: code, title, status, version and step. */
export function summarize(state: ReviewState): DraftSummary {
  const version = currentVersionOf(state);
  return {
    id: state.id,
    code: state.shortCode,
    title: version.title,
    status: state.status,
    versionNumber: version.number,
    stepNumber: state.currentStepIndex + 1,
    stepCount: state.steps.length,
  };
}

/** A draft as publishing reads it: its current version as stored, who approved it and the hash they bound. */
export function toDraftForPublication(draft: Draft): DraftForPublication {
  const state = toReviewState(draft);
  // The rules' view of the version, with the stored files (their paths) in place of their hashes.
  const { attachmentHashes: _hashes, contentHash: _hash, ...content } = currentVersionOf(state);
  const stored = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
  if (!stored) throw new Error(`draft has no version ${draft.currentVersion}`);
  const approvals = state.steps
    .flatMap((step) => step.decisions)
    .filter((decision) => decision.decision === 'approve' && decision.versionNumber === draft.currentVersion);
  const boundHashes = new Set(approvals.map((decision) => decision.contentHash));
  const involved = new Set([state.submitterId, ...state.ccIds]);
  for (const step of state.steps) {
    for (const id of [...step.approverIds, ...step.backupApproverIds]) involved.add(id);
    for (const handover of step.handovers) involved.add(handover.toId);
  }
  return {
    id: state.id,
    code: state.shortCode,
    status: state.status,
    unitId: String(draft.unitId),
    accountId: draft.accountId ? String(draft.accountId) : null,
    submitterId: state.submitterId,
    involvedIds: [...involved],
    approverIds: [
      ...new Set(approvals.flatMap((decision) => [decision.approverId, decision.onBehalfOfId ?? decision.approverId])),
    ],
    version: {
      ...content,
      attachments: (stored.attachments ?? []).map(({ name, mimeType, size, sha256, storagePath }) => ({
        name,
        mimeType,
        size,
        sha256,
        storagePath,
      })),
    },
    approvedHash: boundHashes.size === 1 ? [...boundHashes][0] : null,
  };
}

/** Statuses whose current version is approved: fully approved, and published after it. */
const approvedStatuses = new Set<Draft['status']>(['approved', 'published']);

/** A stored draft as the platform sweep reads it (see DraftApproval). */
export function toDraftApproval(draft: Draft): DraftApproval {
  const publication = toDraftForPublication(draft);
  const decidedAt = draft.steps
    .flatMap((step) => step.decisions)
    .filter((decision) => decision.decision === 'approve' && decision.versionNumber === draft.currentVersion)
    .map((decision) => decision.decidedAt.getTime());
  const approved = approvedStatuses.has(draft.status) && publication.approvedHash !== null && decidedAt.length > 0;
  return {
    ...publication,
    approvedAt: approved ? new Date(Math.max(...decidedAt)) : null,
    changedAt: draft.updatedAt,
  };
}
