/**
 * How a draft changes state, on the one rule for changing a record's state (src/shared/claimed-write.ts,
 * docs/how-to-change-a-record-state.md): load it, ask the rules, claim its revision by recording the
 * audit event (src/audit/audit-ledger.ts, key "draft:<id>:r<revision>"), write the new state by `_id` and
 * queue the messages. What is the drafts' own is the replay adapter: a claim's event carries the request,
 * so a writer that crashed after recording it is completed by re-running the same deterministic rule on
 * the draft (`replay`), by the next writer that meets the stale claim or by the sweep, which reads the
 * notes each claim leaves (draft-transition-notes.ts) instead of the audit trail.
 *
 * The other crash windows close when the request is repeated (the bot repeats a chat message whose
 * handling a crash cut short): the new state carries the messages it sends, and a repeated request
 * that is "already recorded" enqueues them again (skipped by key if they were enqueued); a submission
 * with a submission key always names the same draft id, so a repeat completes the stored draft.
 */
import { AppError, refusalError, ValidationError } from '../shared/errors';
import { changeRecordAnswering, isStale, staleClaimAfterMs, unknownClaim } from '../shared/claimed-write';
import type { ClaimLedger, HeldClaim } from '../shared/claimed-write';
import { auditLedger } from '../audit/audit-ledger';
import type { AuditClaim, RecordedClaim } from '../audit/audit-ledger';
import type { AuditEvent } from '../audit/audit-event-model';
import { DraftModel } from './draft-model';
import type { ContentFinding, Draft } from './draft-model';
import {
  notesPerSweepBatch,
  notingTransitions,
  removeTransitionNotes,
  staleTransitionNotes,
} from './draft-transition-notes';
import { currentVersionOf, describeBlockingFindings, nextVersionContent } from './draft-content-rules';
import { decide } from './draft-decision-rules';
import { handOver, reportPublished, revise, revokeApproval, withdraw } from './draft-lifecycle-rules';
import { handOverFromLeaver } from './leaver-handover-rules';
import { isRefusal } from './review-state';
import type { ReviewEvent, ReviewState, ReviewVersion, RuleOutcome, TransitionResult } from './review-state';
import { summarize, toReviewState } from './draft-state-mapping';
import { listingAfter, storedFields } from './draft-store';
import { withTimelineEntry } from './draft-listing-rules';
import type { DraftStore } from './draft-store';
import { draftRevisions } from './draft-lookups';
import type { DraftNotifications } from './draft-notifications';
import type { AlreadyRecorded, DraftActor, DraftChange, DraftServiceDependencies } from './draft-service-types';

/** A draft transition's claim: its audit event, and what the rule decided on the state as loaded. */
interface DraftClaim extends AuditClaim {
  state: ReviewState;
  outcome: TransitionResult;
}

export class DraftTransitions {
  /** The audit trail as the drafts' ledger, each claim noted first for the sweep. */
  private readonly ledger: ClaimLedger<AuditClaim, AuditEvent, RecordedClaim>;

  constructor(
    private readonly dependencies: DraftServiceDependencies,
    private readonly store: DraftStore,
    private readonly notifications: DraftNotifications,
  ) {
    this.ledger = notingTransitions(auditLedger(dependencies.audit, 'draft'));
  }

  /**
   * Loads, decides, claims the revision by recording the event, writes the state, queues messages.
   * A lost race reloads and decides again on the new state (so a second reply gets "already recorded").
   */
  transition(
    actor: DraftActor,
    code: string,
    command: Record<string, unknown>,
    rule: (state: ReviewState) => RuleOutcome,
  ): Promise<DraftChange> {
    // A repeat of what is recorded is an outcome: its messages are sent again (skipped if they were).
    let repeat: AlreadyRecorded | null = null;
    return changeRecordAnswering<Draft, DraftClaim, AuditEvent, DraftChange, RecordedClaim>(
      {
        ledger: this.ledger,
        clock: this.dependencies.clock,
        attempts: 5,
        load: () => this.store.loadByCode(code),
        decide: async (draft) => {
          const state = toReviewState(draft);
          const outcome = rule(state);
          repeat = null;
          if (isRefusal(outcome)) {
            if (!outcome.alreadyRecorded) throw refusalError(outcome);
            await this.resendLastMessages(draft);
            repeat = { alreadyRecorded: true, code: outcome.code, message: outcome.message };
            return null;
          }
          await this.checkNewVersion(draft, outcome);
          return { event: draftAuditEvent(draft, outcome.events[0], actor, command), state, outcome };
        },
        write: (draft, { state, outcome }, held) => this.commit(draft, state, outcome, held, held.event),
        complete: (draft, event) => this.completeFromEvent(draft, event),
        busy: () => new AppError('DRAFT_BUSY', '稿件正在被他人处理，请稍后再试', { status: 503, expose: true }),
      },
      // Nothing written means the request repeated what is recorded; otherwise the state the rule decided.
      (draft, written) =>
        repeat ?? summarize(written ? { ...written.state, ...written.outcome.changes } : toReviewState(draft)),
    );
  }

  /** A revised version is pre-checked like a new draft: blocking findings stop it before it is recorded. */
  private async checkNewVersion(draft: Draft, outcome: TransitionResult): Promise<void> {
    const added = outcome.changes.versions?.at(-1);
    if (!added || added.number === 1) return;
    const blocking = describeBlockingFindings(await this.findingsOf(draft, added));
    if (blocking) throw new ValidationError('DRAFT_BLOCKED_BY_CHECK', `修改未提交：${blocking}`);
  }

  /**
   * A new version's findings, as at submission: with its account's platform limits (a 公众号 title of at
   * most 32 字…) and the files it keeps from the version before.
   */
  private async findingsOf(draft: Draft, version: ReviewVersion): Promise<ContentFinding[]> {
    const accounts = this.dependencies.accounts;
    const platform =
      draft.accountId && accounts?.platformOf ? await accounts.platformOf(String(draft.accountId)) : null;
    const previous = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
    return this.dependencies.checkContent({ ...version, platform, attachments: previous?.attachments ?? [] });
  }

  /**
   * Writes the state the recorded `event` (claimed as `held`) describes, with the event in the draft's
   * timeline and the draft's listing, then queues its messages.
   */
  private async commit(
    draft: Draft,
    state: ReviewState,
    outcome: TransitionResult,
    held: HeldClaim,
    event: AuditEvent,
  ) {
    const now = this.dependencies.clock.now();
    const changes = storedFields(outcome.changes, state);
    const added = outcome.changes.versions?.filter((version) => version.number > draft.currentVersion) ?? [];
    let versions = draft.versions;
    if (added.length > 0) {
      // Earlier versions keep their stored findings and authors; only the new one is computed here.
      const previous = draft.versions.find((version) => version.number === draft.currentVersion);
      const findings = await Promise.all(added.map((version) => this.findingsOf(draft, version)));
      versions = [
        ...draft.versions,
        ...added.map((version, index) => ({
          ...version,
          attachments: previous?.attachments ?? [],
          findings: findings[index],
          createdById: draft.submitterId,
          createdAt: now,
        })),
      ];
      changes.versions = versions;
    }
    const next = { ...state, ...outcome.changes };
    const messages = await this.notifications.composeMessages(draft, next, outcome.notifications, draft.revision);
    // Kept with the state, so that repeating the request after a crash before the enqueue sends them.
    changes.lastMessages = messages;
    // The listing shows the same time of change as the draft.
    changes.updatedAt = now;
    // A draft the upgrade has not reached yet keeps no timeline until it does (its events are read then).
    if (draft.timeline) changes.timeline = withTimelineEntry(draft.timeline, event);
    const listing = listingAfter(draft, next, versions, draft.revision + 1, now);
    if (!(await this.store.write(draft, changes, listing, held, now))) return;
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
        const draft =
          revisions.get(String(note.draftId)) === note.revision
            ? await DraftModel.findById(note.draftId).lean<Draft>()
            : null;
        const outcome = draft?.revision === note.revision ? await this.completeIfStale(draft) : 'moved';
        if (outcome === 'too-recent') continue;
        if (outcome === 'completed') completed += 1;
        settled.push(note._id);
      }
      await removeTransitionNotes(settled);
      if (notes.length < notesPerSweepBatch || settled.length === 0) return completed;
    }
  }

  /** The claim on the draft's revision, completed once stale ('too-recent': its writer may be at work). */
  private async completeIfStale(draft: Draft): Promise<'too-recent' | 'not-recorded' | CompletionOutcome> {
    const claim = await this.ledger.find(draft);
    if (!claim) return 'not-recorded';
    if (!isStale(claim, this.dependencies.clock.now())) return 'too-recent';
    return this.completeFromEvent(draft, claim.carries);
  }

  /**
   * The replay adapter: the writer that recorded the event claiming the draft's revision crashed before
   * writing the state, so the recorded request is re-run on the draft and the transition finished.
   */
  private async completeFromEvent(draft: Draft, event: AuditEvent): Promise<CompletionOutcome> {
    // As it is now: a transition that another writer has finished since is not composed again.
    const current = await DraftModel.findById(draft._id).lean<Draft>();
    if (!current || current.revision !== draft.revision) return 'moved';
    const request = (event.details as { request?: Record<string, unknown> }).request;
    const outcome = request ? replay(toReviewState(current), request, event.at) : null;
    const log = { draft: String(draft._id), revision: draft.revision };
    if (!outcome || isRefusal(outcome)) {
      this.dependencies.logger?.error(log, 'recorded draft transition cannot be replayed');
      return 'not-replayable';
    }
    this.dependencies.logger?.warn(log, 'completing a draft transition left by a crashed writer');
    await this.commit(current, toReviewState(current), outcome, unknownClaim, event);
    return 'completed';
  }
}

type CompletionOutcome = 'completed' | 'moved' | 'not-replayable';

/**
 * The audit event of a draft's transition or submission (R3): who, what, on which version, and the
 * request that made it, from which a crashed writer's transition is completed.
 */
export function draftAuditEvent(
  draft: Draft,
  event: ReviewEvent,
  actor: DraftActor,
  command: Record<string, unknown>,
): AuditClaim['event'] {
  const version = draft.versions.find((candidate) => candidate.number === event.versionNumber) ?? draft.versions[0];
  return {
    actor: { personId: event.actorId, onBehalfOfId: event.onBehalfOfId, via: actor.via },
    action: event.action,
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
  };
}

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
