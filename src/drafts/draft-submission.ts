/**
 * A new draft (投稿): the pre-checks (R7), the account and the route of approval, a short code, then
 * straight into review at step 1 — stored, recorded and announced. Handling the same submission again
 * after a crash completes the draft stored the first time.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { ForbiddenError, refusalError, ValidationError } from '../shared/errors';
import type { ContentFinding } from './draft-model';
import { describeBlockingFindings, hashContent } from './draft-content-rules';
import { drawShortCode } from '../shared/short-codes';
import { startReview } from './draft-lifecycle-rules';
import { isRefusal } from './review-state';
import type { ReviewVersion } from './review-state';
import { summarize, toReviewState } from './draft-state-mapping';
import { storedFields, unsubmitted } from './draft-store';
import type { DraftStore } from './draft-store';
import type { DraftNotifications } from './draft-notifications';
import { transitionKey } from './draft-transition-notes';
import { draftAuditEvent } from './draft-transitions';
import type { DraftActor, DraftServiceDependencies, DraftSummary, SubmitInput } from './draft-service-types';

const maxTitleLength = 100;
export const maxBodyLength = 50_000;

export class DraftSubmission {
  constructor(
    private readonly dependencies: DraftServiceDependencies,
    private readonly store: DraftStore,
    private readonly notifications: DraftNotifications,
  ) {}

  /** A new draft: pre-checks, route, short code, then straight into review. */
  async submitDraft(actor: DraftActor, input: SubmitInput): Promise<DraftSummary> {
    const title = input.title.trim();
    const body = input.body.trim();
    if (!title) throw new ValidationError('DRAFT_TITLE_MISSING', '请写明标题：投稿 后第一行为标题，换行后为正文');
    if (title.length > maxTitleLength) {
      throw new ValidationError(
        'DRAFT_TITLE_TOO_LONG',
        `标题过长（${title.length}字），请控制在${maxTitleLength}字以内`,
      );
    }
    if (!body && !input.sourceUrl && !input.attachments?.length) {
      throw new ValidationError('DRAFT_BODY_MISSING', '请附上正文、文章链接或文件');
    }
    if (body.length > maxBodyLength) {
      throw new ValidationError(
        'DRAFT_BODY_TOO_LONG',
        `正文过长（${body.length}字），请控制在${maxBodyLength}字以内，或以文件形式提交`,
      );
    }
    const reprint = input.reprint ?? null;
    const attachments = input.attachments ?? [];
    const attachmentHashes = attachments.map((attachment) => attachment.sha256);
    const submitter = (await this.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    const unitId = input.unitId ?? submitter?.unitIds[0];
    if (!submitter || !unitId) throw new ForbiddenError('PERSON_HAS_NO_UNIT', '您尚未归属任何单位，请联系管理员');
    const account = input.accountId
      ? null
      : await this.dependencies.accounts?.accountForDraft(unitId, input.accountName ?? null, {
          // A file or a forwarded article cannot name an account; it goes unassigned rather than refused.
          strict: attachmentHashes.length === 0 && !input.sourceUrl,
        });
    const accountId = input.accountId ?? account?.id ?? null;
    // The account's platform brings its limits (a 公众号 title of at most 32 字…), checked with the rest.
    const findings = this.dependencies.checkContent({
      title,
      body,
      reprint,
      platform: account?.platform ?? null,
      attachments,
    });
    const blocking = describeBlockingFindings(findings);
    if (blocking) throw new ValidationError('DRAFT_BLOCKED_BY_CHECK', `稿件未提交：${blocking}`);
    const route = await this.dependencies.people.resolveRoute({
      unitId,
      accountId,
      submitterId: actor.personId,
    });
    const now = this.dependencies.clock.now();
    const version: ReviewVersion & { findings: ContentFinding[] } = {
      number: 1,
      title,
      body,
      sourceUrl: input.sourceUrl ?? '',
      reprint,
      attachmentHashes,
      contentHash: hashContent({ title, body, sourceUrl: input.sourceUrl, reprint, attachmentHashes }),
      findings,
    };
    const outcome = startReview({
      submitterId: actor.personId,
      version,
      now,
      route: {
        steps: route.steps.map((step) => ({
          mode: step.mode,
          approverIds: step.approverIds.map(String),
          backupApproverIds: step.backupApproverIds.map(String),
        })),
        ccIds: route.ccIds.map(String),
      },
    });
    if (isRefusal(outcome)) throw refusalError(outcome);

    const id = input.submissionKey ? draftIdFor(input.submissionKey) : new Types.ObjectId();
    const { draft: stored, resumed } = await this.store.insert(
      {
        _id: id,
        unitId: new Types.ObjectId(unitId),
        accountId: accountId ? new Types.ObjectId(accountId) : null,
        submitterId: new Types.ObjectId(actor.personId),
        ccIds: route.ccIds,
        revision: 0,
        publication: { url: '', publishedAt: null, reportedById: null },
        ...storedFields(outcome.changes, unsubmitted(String(id))),
        versions: [{ ...version, attachments, createdById: new Types.ObjectId(actor.personId), createdAt: now }],
        timeline: [],
      },
      drawShortCode,
      Boolean(input.submissionKey),
    );
    if (resumed) {
      this.dependencies.logger?.warn({ draft: String(id) }, 'submission handled again; completing the stored draft');
    }
    const state = toReviewState(stored);
    const { event } = await this.dependencies.audit.append({
      ...draftAuditEvent(stored, outcome.events[0], actor, { command: 'submit' }),
      key: transitionKey(id, 'created'),
      subject: { type: 'draft', id: String(id) },
    });
    await this.store.recordSubmission(stored, event);
    await this.notifications.notify(stored, state, outcome.notifications, 'created');
    return summarize(state);
  }
}

/** The draft id a submission key stands for, so the same submission always names the same draft. */
function draftIdFor(submissionKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`draft:${submissionKey}`).digest('hex').slice(0, 24));
}
