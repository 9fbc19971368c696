/**
 * The review-before-publish flow as the chat bot and the API use it: submit, decide, revise, withdraw,
 * report published, revoke, hand over, view and list. A thin face over its parts — submission
 * (draft-submission.ts), transitions and their recovery (draft-transitions.ts), messages
 * (draft-notifications.ts) and lookups (draft-lookups.ts) — each of which asks the pure rules.
 */
import { ConflictError, ForbiddenError, NotFoundError, refusalError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { currentVersionOf, nextVersionContent, normalizeShortCode } from './draft-content-rules';
import { decide } from './draft-decision-rules';
import { handOver, reportPublished, revise, revokeApproval, withdraw } from './draft-lifecycle-rules';
import { handOverFromLeaver } from './leaver-handover-rules';
import type { LeaverHandoverInput } from './leaver-handover-rules';
import { isRefusal } from './review-state';
import { renderDraftView } from './draft-messages';
import { toDraftForPublication, toPublishedDraft, toReviewState } from './draft-state-mapping';
import { DraftModel } from './draft-model';
import type { Draft } from './draft-model';
import { DraftLookups } from './draft-lookups';
import { DraftStore } from './draft-store';
import { DraftNotifications } from './draft-notifications';
import { DraftSubmission, maxBodyLength } from './draft-submission';
import { DraftTransitions } from './draft-transitions';
import { isAlreadyRecorded } from './draft-service-types';
import { upgradeDraftStorage } from './draft-storage-upgrade';
import { runOncePerDatabase } from '../shared/once-per-database';
import type { OnceOutcome } from '../shared/once-per-database';
import type {
  DecideRequest,
  DraftActor,
  DraftApproval,
  DraftChange,
  DraftForPublication,
  DraftInReview,
  DraftServiceDependencies,
  DraftSummary,
  DraftView,
  PublishedDraft,
  SubmitInput,
} from './draft-service-types';

/** How publishing through a platform's API names itself when it records a publication ("platform:<publish_id>"). */
export const platformVia = 'platform:';

export class DraftService {
  private readonly store = new DraftStore();
  private readonly lookups = new DraftLookups();
  private readonly notifications: DraftNotifications;
  private readonly transitions: DraftTransitions;
  private readonly submission: DraftSubmission;

  constructor(private readonly dependencies: DraftServiceDependencies) {
    this.notifications = new DraftNotifications(dependencies);
    this.transitions = new DraftTransitions(dependencies, this.store, this.notifications);
    this.submission = new DraftSubmission(dependencies, this.store, this.notifications);
  }

  /** A new draft: pre-checks, route, short code, then straight into review. */
  submitDraft(actor: DraftActor, input: SubmitInput): Promise<DraftSummary> {
    return this.submission.submitDraft(actor, input);
  }

  /** 同意 / 驳回, by code, by a quoted request, or a plain 同意 with exactly one pending item. */
  async decide(actor: DraftActor, request: DecideRequest): Promise<DraftChange> {
    const now = this.dependencies.clock.now();
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, now);
    const code = request.code ?? (await this.lookups.soleItemPendingFor(actor.personId, standsInFor));
    const stepNumber = request.stepNumber ?? null;
    const change = await this.transitions.transition(
      actor,
      code,
      { command: 'decide', ...request, stepNumber, standsInFor },
      (state) =>
        decide(state, {
          deciderId: actor.personId,
          standsInFor,
          decision: request.decision,
          comment: request.comment,
          versionNumber: request.versionNumber,
          stepNumber,
          now,
        }),
    );
    if (!isAlreadyRecorded(change) && change.status === 'approved') await this.tellApproved(change);
    return change;
  }

  /** The approval is recorded whatever its listener does: a failure there is logged, not answered. */
  private async tellApproved(draft: DraftSummary): Promise<void> {
    try {
      await this.dependencies.onApproved?.(draft);
    } catch (error) {
      this.dependencies.logger?.error({ err: error, draft: draft.id }, 'approval listener failed');
    }
  }

  async revise(actor: DraftActor, input: { code: string; title: string | null; body: string }): Promise<DraftChange> {
    const body = input.body.trim();
    if (!body) throw new ValidationError('DRAFT_BODY_MISSING', `请在“修改 ${input.code}”后换行写上新内容`);
    if (body.length > maxBodyLength) {
      throw new ValidationError('DRAFT_BODY_TOO_LONG', `正文过长（${body.length}字），请控制在${maxBodyLength}字以内`);
    }
    const now = this.dependencies.clock.now();
    return this.transitions.transition(actor, input.code, { command: 'revise', title: input.title, body }, (state) => {
      const current = currentVersionOf(state);
      const title = input.title?.trim() || current.title;
      return revise(state, { byId: actor.personId, version: nextVersionContent(current, title, body), now });
    });
  }

  /** "脱敏 K7Q2": a new version with personal data masked, reviewed again like any revision. */
  async maskPersonalData(actor: DraftActor, code: string): Promise<DraftChange> {
    const current = currentVersionOf(toReviewState(await this.store.loadByCode(code)));
    const title = this.dependencies.maskPersonalData(current.title);
    const body = this.dependencies.maskPersonalData(current.body);
    if (title === current.title && body === current.body) {
      throw new ValidationError(
        'NOTHING_TO_MASK',
        `稿件 #${normalizeShortCode(code)} 中没有需要脱敏的身份证号、手机号或银行卡号`,
      );
    }
    return this.revise(actor, { code, title, body });
  }

  withdraw(actor: DraftActor, code: string): Promise<DraftChange> {
    return this.transitions.transition(actor, code, { command: 'withdraw' }, (state) =>
      withdraw(state, { byId: actor.personId }),
    );
  }

  async reportPublished(actor: DraftActor, input: { code: string; url: string }): Promise<DraftChange> {
    const now = this.dependencies.clock.now();
    const change = await this.transitions.transition(
      actor,
      input.code,
      { command: 'publish', url: input.url },
      (state) => reportPublished(state, { byId: actor.personId, url: input.url, now }),
    );
    if (isAlreadyRecorded(change)) return change;
    // The publication is recorded; counting the post may fail or be cut short by a crash without
    // undoing that: the daily cadence check reads recent publications again and makes it up.
    try {
      const published = await DraftModel.findById(change.id).lean<Draft>();
      // Recorded by the platform's own result (publishing through its API) rather than an officer's word.
      const fromPlatform = actor.via.startsWith(platformVia);
      if (published)
        await this.dependencies.publications?.recordPublication(toPublishedDraft(published), { fromPlatform });
    } catch (error) {
      this.dependencies.logger?.error({ err: error, draft: change.id }, 'post not recorded; the cadence check will');
    }
    return change;
  }

  /** Drafts reported published since `since`. */
  listPublishedSince(since: Date): Promise<PublishedDraft[]> {
    return this.lookups.listPublishedSince(since);
  }

  /**
   * The approval of each draft changed since `since`, read in batches (the platform sweep's fingerprints
   * of what was approved, R10): the draft as publishing reads it, and when its version was approved.
   */
  approvalsChangedSince(since: Date): AsyncIterable<DraftApproval> {
    return this.lookups.approvalsChangedSince(since);
  }

  /**
   * A draft as publishing through a platform reads it (src/publication/): by the code people type, or
   * by id (a publication names its draft). DRAFT_NOT_FOUND when there is none; who may see or publish
   * it is the caller's to decide, from `involvedIds`.
   */
  async findForPublication(reference: { code: string } | { id: string }): Promise<DraftForPublication> {
    if ('code' in reference) return toDraftForPublication(await this.store.loadByCode(reference.code));
    const draft = isObjectIdText(reference.id) ? await DraftModel.findById(reference.id).lean<Draft>() : null;
    if (!draft) throw new NotFoundError('DRAFT_NOT_FOUND', '找不到该稿件');
    return toDraftForPublication(draft);
  }

  /** Every draft in review (a county has a few hundred at most), for the approval nudges and the dashboard. */
  listInReview(): Promise<DraftInReview[]> {
    return this.lookups.listInReview();
  }

  revokeApproval(actor: DraftActor, input: { code: string; reason: string }): Promise<DraftChange> {
    const now = this.dependencies.clock.now();
    return this.transitions.transition(actor, input.code, { command: 'revoke', reason: input.reason }, (state) =>
      revokeApproval(state, { byId: actor.personId, reason: input.reason, now }),
    );
  }

  async handOver(actor: DraftActor, input: { code: string; toName: string }): Promise<DraftChange> {
    const now = this.dependencies.clock.now();
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, now);
    // Only the approver the draft waits on gets as far as the name: anyone else would learn from the
    // answer who exists by that name, and how many (issue 21).
    const draft = await this.store.loadByCode(input.code);
    const waitingOn = draft.status === 'in_review' ? draft.pendingApproverIds.map(String) : [];
    if (![actor.personId, ...standsInFor].some((id) => waitingOn.includes(id))) {
      const outcome = handOver(toReviewState(draft), { byId: actor.personId, toId: '', standsInFor, now });
      throw isRefusal(outcome)
        ? refusalError(outcome)
        : new ForbiddenError('NOT_DESIGNATED_APPROVER', '您不是该稿件当前待审核人，不能转交');
    }
    const candidates = await this.dependencies.people.findPersonByName(input.toName.trim());
    if (candidates.length === 0) throw new NotFoundError('PERSON_NOT_FOUND', `找不到名为“${input.toName}”的人员`);
    if (candidates.length > 1) {
      throw new ConflictError('PERSON_AMBIGUOUS', `有${candidates.length}位“${input.toName}”，请联系管理员处理转交`);
    }
    const toId = candidates[0].id;
    return this.transitions.transition(actor, input.code, { command: 'hand-over', toId, standsInFor }, (state) =>
      handOver(state, { byId: actor.personId, toId, standsInFor, now }),
    );
  }

  /**
   * An admin's unbind of a person who left moves their items on this draft (see leaver-handover-rules);
   * `byId` is the admin ('' for the operator). Driven by src/drafts/leaver-handover.ts.
   */
  handOverFromLeaver(actor: DraftActor, code: string, input: Omit<LeaverHandoverInput, 'now'>): Promise<DraftChange> {
    const now = this.dependencies.clock.now();
    return this.transitions.transition(actor, code, { command: 'leaver-handover', ...input }, (state) =>
      handOverFromLeaver(state, { ...input, now }),
    );
  }

  /** "查看 K7Q2": the full text, for the submitter, the draft's approvers and cc. */
  async viewDraft(actor: DraftActor, code: string): Promise<DraftView> {
    const draft = await this.store.loadByCode(code);
    const state = toReviewState(draft);
    const involved = [
      state.submitterId,
      ...state.ccIds,
      ...state.steps.flatMap((step) => [...step.approverIds, ...step.backupApproverIds]),
    ];
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, this.dependencies.clock.now());
    const handedTo = state.steps.flatMap((step) => step.handovers.map((handover) => handover.toId));
    if (![actor.personId, ...standsInFor].some((id) => involved.includes(id) || handedTo.includes(id))) {
      throw new ForbiddenError('DRAFT_NOT_VISIBLE', `您与稿件 #${draft.shortCode} 无关，不能查看`);
    }
    const context = await this.notifications.messageContext(draft, state);
    return {
      draftId: String(draft._id),
      code: draft.shortCode,
      text: renderDraftView(context),
      file: await this.notifications.fullTextFile(context.draft.shortCode, context.version),
    };
  }

  /** Items waiting for this person (or for those they stand in for). */
  async listPending(actor: DraftActor): Promise<DraftSummary[]> {
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, this.dependencies.clock.now());
    return this.lookups.pendingFor(actor.personId, standsInFor);
  }

  listMine(actor: DraftActor, limit = 10): Promise<DraftSummary[]> {
    return this.lookups.listMine(actor, limit);
  }

  /**
   * Gives the drafts stored before listings and timelines were kept both (draft-storage-upgrade.ts),
   * once per database: at start, before the process serves anything; a process starting meanwhile waits.
   */
  upgradeStorage(): Promise<OnceOutcome> {
    const { clock, logger } = this.dependencies;
    return runOncePerDatabase('draft-listings-and-timelines', () => upgradeDraftStorage(logger).then(() => undefined), {
      clock,
      logger,
    });
  }

  /**
   * Completes the transitions a crash cut short between their audit event and their state (the sweep
   * job calls this every 20 seconds), and removes the notes of those that finished: a note older than
   * the stale age whose draft has moved past its revision is done with; one whose draft still sits at
   * it is completed from its event. Answers how many transitions it completed.
   */
  completeInterruptedTransitions(): Promise<number> {
    return this.transitions.completeInterruptedTransitions();
  }
}
