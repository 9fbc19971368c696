/**
 * How a draft changes state: load it, ask the rules, then record the event, write the new state and
 * queue the messages — and how a change a crash cut short is completed.
 *
 * Every transition of a draft from revision r is claimed by appending its audit event with the key
 * "draft:<id>:r<r>": the audit trail's unique key lets exactly one writer win revision r (FerretDB v1
 * makes no conditional update atomic, see src/shared/claimed-write.ts), and the event and the state
 * change cannot disagree for long: the event carries the request, so a writer that crashed after
 * recording it is completed by the next writer that meets it, re-running the same deterministic rule.
 *
 * The other crash windows close when the request is repeated (the bot repeats a chat message whose
 * handling a crash cut short): the new state carries the messages it sends, and a repeated request
 * that is "already recorded" enqueues them again (skipped by key if they were enqueued); a submission
 * with a submission key always names the same draft id, so a repeat completes the stored draft.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, refusalError, ValidationError } from '../shared/errors';
import { staleClaimAfterMs, unknownClaim, writeAtRevision } from '../shared/claimed-write';
import type { HeldClaim } from '../shared/claimed-write';
import { DraftModel } from './draft-model';
import type { Draft } from './draft-model';
import {
  notesPerSweepBatch,
  noteTransitionStarted,
  removeTransitionNotes,
  staleTransitionNotes,
} from './draft-transition-notes';
import { currentVersionOf, nextVersionContent } from './draft-content-rules';
import { decide } from './draft-decision-rules';
import { handOver, reportPublished, revise, revokeApproval, withdraw } from './draft-lifecycle-rules';
import { handOverFromLeaver } from './leaver-handover-rules';
import { isRefusal } from './review-state';
import type { ReviewState, RuleOutcome, RuleRefusal } from './review-state';
import { fromChanges, summarize, toReviewState, toStored } from './draft-state-mapping';
import { draftRevisions } from './draft-lookups';
import type { DraftLookups } from './draft-lookups';
import type { DraftNotifications } from './draft-notifications';
import type { DraftActor, DraftChange, DraftServiceDependencies } from './draft-service-types';

const maxAttempts = 5;

export class DraftTransitions {
  constructor(
    private readonly dependencies: DraftServiceDependencies,
    private readonly lookups: DraftLookups,
    private readonly notifications: DraftNotifications,
  ) {}

  /**
   * Loads, decides, claims the revision by recording the event, writes the state, queues messages.
   * A lost race reloads and decides again on the new state (so a second reply gets "already recorded").
   */
  async transition(
    actor: DraftActor,
    code: string,
    command: Record<string, unknown>,
    rule: (state: ReviewState) => RuleOutcome,
  ): Promise<DraftChange> {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const draft = await this.lookups.loadByCode(code);
      const state = toReviewState(draft);
      const outcome = rule(state);
      if (isRefusal(outcome)) {
        if (!outcome.alreadyRecorded) throw refusalError(outcome);
        await this.resendLastMessages(draft);
        return { alreadyRecorded: true, code: outcome.code, message: outcome.message };
      }
      const claim = `r${draft.revision}`;
      this.checkNewVersion(outcome);
      const held: HeldClaim = { claimedAt: this.dependencies.clock.now(), staleAfterMs: staleClaimAfterMs };
      // Noted before the event, so a crash after it leaves a note for the sweep, which also removes the
      // note once the state is written (see draft-transition-model.ts).
      await noteTransitionStarted(draft, claim, held.claimedAt);
      const recorded = await this.record(draft, outcome.events[0], claim, actor, command);
      if (!recorded) {
        await this.completeStaleTransition(draft, claim);
        await sleep(20 * attempt);
        continue;
      }
      await this.commit(draft, state, outcome, claim, held);
      return summarize({ ...state, ...fromChanges(outcome.changes, state) });
    }
    throw new AppError('DRAFT_BUSY', '稿件正在被他人处理，请稍后再试', { status: 503, expose: true });
  }

  /** A revised version is pre-checked like a new draft: blocking findings stop it before it is recorded. */
  private checkNewVersion(outcome: Exclude<RuleOutcome, RuleRefusal>): void {
    const added = outcome.changes.versions?.at(-1);
    if (!added || added.number === 1) return;
    const blocking = this.dependencies.checkContent(added).filter((finding) => finding.severity === 'block');
    if (blocking.length > 0) {
      throw new ValidationError(
        'DRAFT_BLOCKED_BY_CHECK',
        `修改未提交：${blocking.map((finding) => `${finding.category}「${finding.excerpt}」`).join('；')}`,
      );
    }
  }

  /** Writes the state the recorded event (`claim`, held as `held`) describes, then queues its messages. */
  private async commit(
    draft: Draft,
    state: ReviewState,
    outcome: Exclude<RuleOutcome, RuleRefusal>,
    claim: string,
    held: HeldClaim,
  ) {
    const changes: Record<string, unknown> = toStored(outcome.changes);
    const added = outcome.changes.versions?.filter((version) => version.number > draft.currentVersion) ?? [];
    if (added.length > 0) {
      // Earlier versions keep their stored findings and authors; only the new one is computed here.
      const createdAt = this.dependencies.clock.now();
      const previous = draft.versions.find((version) => version.number === draft.currentVersion);
      changes.versions = [
        ...draft.versions,
        ...added.map((version) => ({
          ...version,
          attachments: previous?.attachments ?? [],
          findings: this.dependencies.checkContent(version),
          createdById: draft.submitterId,
          createdAt,
        })),
      ];
    }
    const next = { ...state, ...fromChanges(outcome.changes, state) };
    const messages = await this.notifications.composeMessages(draft, next, outcome.notifications, claim);
    // Kept with the state, so that repeating the request after a crash before the enqueue sends them.
    changes.lastMessages = messages;
    if (!(await writeAtRevision(DraftModel, draft, changes, held, this.dependencies.clock.now()))) return;
    await this.dependencies.outbox.enqueue(messages);
  }

  /**
   * A request repeated after it was recorded (a retry, or a chat message handled again after a crash)
   * enqueues the messages of the draft's last transition again: already enqueued ones are skipped by
   * their keys, and any the crash kept from the outbox go out now.
   */
  private async resendLastMessages(draft: Draft): Promise<void> {
    if (draft.lastMessages?.length) await this.dependencies.outbox.enqueue(draft.lastMessages);
  }

  /** Appends the event; false when this revision was already claimed by another writer. */
  async record(
    draft: Draft,
    event: RuleOutcomeEvent,
    claim: string,
    actor: DraftActor,
    command: Record<string, unknown>,
  ): Promise<boolean> {
    const version = draft.versions.find((candidate) => candidate.number === event.versionNumber) ?? draft.versions[0];
    const result = await this.dependencies.audit.append({
      key: `draft:${String(draft._id)}:${claim}`,
      actor: { personId: event.actorId, onBehalfOfId: event.onBehalfOfId, via: actor.via },
      action: event.action,
      subject: { type: 'draft', id: String(draft._id) },
      subjectVersion: event.versionNumber,
      contentHash: version.contentHash,
      reason: event.reason,
      details: {
        code: draft.shortCode,
        ...event.details,
        request: { actorId: actor.personId, ...command },
        ...(event.action === 'draft.submitted' || event.action === 'draft.revised'
          ? { title: version.title, body: version.body }
          : {}),
      },
    });
    return result.recorded;
  }

  /**
   * Completes the transitions a crash cut short between their audit event and their state (the sweep
   * job calls this every 20 seconds), and removes the notes of those that finished: a note older than
   * the stale age whose draft has moved past its revision is done with; one whose draft still sits at
   * it is completed from its event. Answers how many transitions it completed.
   */
  async completeInterruptedTransitions(): Promise<number> {
    const before = new Date(this.dependencies.clock.now().getTime() - staleClaimAfterMs);
    let completed = 0;
    for (;;) {
      const notes = await staleTransitionNotes(before);
      const revisions = await draftRevisions(notes.map((note) => note.draftId));
      const settled: string[] = [];
      for (const note of notes) {
        const claim = `r${note.revision}`;
        const draft =
          revisions.get(String(note.draftId)) === note.revision
            ? await DraftModel.findById(note.draftId).lean<Draft>()
            : null;
        const outcome = draft?.revision === note.revision ? await this.completeStaleTransition(draft, claim) : 'moved';
        if (outcome === 'too-recent') continue;
        if (outcome === 'completed') completed += 1;
        settled.push(note._id);
      }
      await removeTransitionNotes(settled);
      if (notes.length < notesPerSweepBatch || settled.length === 0) return completed;
    }
  }

  /**
   * The writer that recorded revision r's event may have crashed before writing the state: once its
   * event is stale and the draft still sits at r, re-run the recorded request on the draft and finish.
   * 'too-recent' when the event may still belong to a writer at work.
   */
  private async completeStaleTransition(
    draft: Draft,
    claim: string,
  ): Promise<'completed' | 'too-recent' | 'moved' | 'not-recorded' | 'not-replayable'> {
    const event = await this.dependencies.audit.findEvent(`draft:${String(draft._id)}:${claim}`);
    if (!event) return 'not-recorded';
    if (this.dependencies.clock.now().getTime() - event.at.getTime() < staleClaimAfterMs) return 'too-recent';
    const current = await DraftModel.findById(draft._id).lean<Draft>();
    if (!current || current.revision !== draft.revision) return 'moved';
    const request = (event.details as { request?: Record<string, unknown> }).request;
    const outcome = request ? replay(toReviewState(current), request, event.at) : null;
    if (!outcome || isRefusal(outcome)) {
      this.dependencies.logger?.error(
        { draft: String(draft._id), claim },
        'recorded draft transition cannot be replayed',
      );
      return 'not-replayable';
    }
    this.dependencies.logger?.warn(
      { draft: String(draft._id), claim },
      'completing a draft transition left by a crashed writer',
    );
    await this.commit(current, toReviewState(current), outcome, claim, unknownClaim);
    return 'completed';
  }
}

type RuleOutcomeEvent = Exclude<RuleOutcome, RuleRefusal>['events'][number];

/** Re-runs a recorded request, at the time it was recorded, on the draft it was meant for. */
function replay(state: ReviewState, request: Record<string, unknown>, at: Date): RuleOutcome | null {
  const actorId = String(request.actorId);
  const standsInFor = Array.isArray(request.standsInFor) ? request.standsInFor.map(String) : [];
  switch (request.command) {
    case 'decide':
      return decide(state, {
        deciderId: actorId,
        standsInFor,
        decision: request.decision === 'reject' ? 'reject' : 'approve',
        comment: String(request.comment ?? ''),
        versionNumber: typeof request.versionNumber === 'number' ? request.versionNumber : null,
        // Recorded before replies named their step: it was decided on the step the draft still sits at.
        stepNumber:
          typeof request.stepNumber === 'number'
            ? request.stepNumber
            : 'stepNumber' in request
              ? null
              : state.currentStepIndex + 1,
        now: at,
      });
    case 'withdraw':
      return withdraw(state, { byId: actorId });
    case 'publish':
      return reportPublished(state, { byId: actorId, url: String(request.url), now: at });
    case 'revoke':
      return revokeApproval(state, { byId: actorId, reason: String(request.reason), now: at });
    case 'hand-over':
      return handOver(state, { byId: actorId, toId: String(request.toId), standsInFor, now: at });
    case 'leaver-handover':
      return handOverFromLeaver(state, {
        leaverId: String(request.leaverId),
        byId: String(request.byId ?? ''),
        delegateId: typeof request.delegateId === 'string' ? request.delegateId : null,
        unavailableIds: Array.isArray(request.unavailableIds) ? request.unavailableIds.map(String) : [],
        reason: typeof request.reason === 'string' ? request.reason : '解绑',
        now: at,
      });
    case 'revise': {
      const current = currentVersionOf(state);
      const title = typeof request.title === 'string' && request.title ? request.title : current.title;
      return revise(state, {
        byId: actorId,
        version: nextVersionContent(current, title, String(request.body)),
        now: at,
      });
    }
    default:
      return null;
  }
}
