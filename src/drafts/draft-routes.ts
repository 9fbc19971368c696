/**
 * /api/v1/drafts for the admins' mini-program: the draft detail (versions with their content hash and
 * pre-check findings, approval steps and decisions, publication).
 */
import Router from '@koa/router';
import type { AdminState } from '../api/auth-middleware';
import type { DraftDetail, PersonReference } from '../shared/contracts';
import type { DraftRecord, DraftService } from './draft-service';
import { statusWord } from './draft-rules';

export function createDraftRouter(dependencies: { drafts: Pick<DraftService, 'findDraftForAdmin'> }) {
  const router = new Router<AdminState>({ prefix: '/drafts' });

  router.get('/:reference', async (ctx) => {
    const record = await dependencies.drafts.findDraftForAdmin(ctx.state.admin, ctx.params.reference);
    const body: DraftDetail = toDraftDetail(record);
    ctx.body = body;
  });

  return router;
}

function toDraftDetail({ draft, people, unitName }: DraftRecord): DraftDetail {
  const person = (id: unknown): PersonReference => ({ id: String(id), name: people.get(String(id))?.name ?? '' });
  return {
    id: String(draft._id),
    code: draft.shortCode,
    status: draft.status,
    statusText: statusWord(draft.status),
    unit: { id: String(draft.unitId), name: unitName },
    submitter: person(draft.submitterId),
    currentVersion: draft.currentVersion,
    currentStep: draft.status === 'in_review' ? draft.currentStepIndex + 1 : null,
    steps: draft.steps.map((step) => ({
      mode: step.mode,
      status: step.status,
      approvers: step.approverIds.map(person),
      backupApprovers: step.backupApproverIds.map(person),
      decisions: step.decisions.map((decision) => ({
        approver: person(decision.approverId),
        onBehalfOf: decision.onBehalfOfId ? person(decision.onBehalfOfId) : null,
        decision: decision.decision,
        comment: decision.comment,
        versionNumber: decision.versionNumber,
        contentHash: decision.contentHash,
        decidedAt: decision.decidedAt.toISOString(),
      })),
    })),
    versions: draft.versions.map((version) => ({
      number: version.number,
      title: version.title,
      body: version.body,
      sourceUrl: version.sourceUrl,
      reprint: version.reprint
        ? { source: version.reprint.source, originalTitle: version.reprint.originalTitle }
        : null,
      contentHash: version.contentHash,
      createdAt: version.createdAt.toISOString(),
      createdBy: person(version.createdById),
      attachments: version.attachments.map(({ name, mimeType, size, sha256 }) => ({ name, mimeType, size, sha256 })),
      findings: version.findings.map(({ rule, category, severity, field, start, end, excerpt, suggestion }) => ({
        rule,
        category,
        severity,
        field,
        start,
        end,
        excerpt,
        suggestion,
      })),
    })),
    publication: {
      url: draft.publication.url,
      publishedAt: draft.publication.publishedAt ? draft.publication.publishedAt.toISOString() : null,
    },
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
  };
}
