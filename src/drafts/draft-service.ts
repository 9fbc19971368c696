/**
 * The review-before-publish flow as the chat bot and the API use it: load the draft, ask the rules,
 * then record the event, write the new state and queue the messages.
 *
 * Every transition of a draft from revision r is claimed by appending its audit event with the key
 * "draft:<id>:r<r>": the audit trail's unique key lets exactly one writer win revision r (FerretDB v1
 * makes no conditional update atomic, see src/shared/revision-guard.ts), and the event and the state
 * change cannot disagree for long: the event carries the request, so a writer that crashed after
 * recording it is completed by the next writer that meets it, re-running the same deterministic rule.
 *
 * The other crash windows close when the request is repeated (the bot repeats a chat message whose
 * handling a crash cut short): the new state carries the messages it sends, and a repeated request
 * that is "already recorded" enqueues them again (skipped by key if they were enqueued); a submission
 * with a submission key always names the same draft id, so a repeat completes the stored draft.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import type { AuditTrail } from '../audit/audit-service';
import { staleClaimAfterMs, unknownClaim, writeAtRevision } from '../shared/claimed-write';
import type { HeldClaim } from '../shared/claimed-write';
import { DraftModel } from './draft-model';
import {
  notesPerSweepBatch,
  noteTransitionStarted,
  removeTransitionNotes,
  staleTransitionNotes,
} from './draft-transition-notes';
import type { ContentFinding, Draft, DraftAttachment, DraftMessage } from './draft-model';
import type { DraftContent } from '../content-check/content-check-rules';
import {
  currentVersionOf,
  decide,
  generateShortCode,
  handOver,
  hashContent,
  isRefusal,
  nextVersionContent,
  reportPublished,
  revise,
  revokeApproval,
  normalizeShortCode,
  startReview,
  withdraw,
} from './draft-rules';
import type {
  Decision,
  Reprint,
  ReviewChanges,
  ReviewNotification,
  ReviewState,
  ReviewVersion,
  RuleOutcome,
  RuleRefusal,
} from './draft-rules';
import { draftHeading, fullTextFileName, isLongBody, renderDraftView, renderNotification } from './draft-messages';
import { handOverFromLeaver } from './leaver-handover-rules';
import type { LeaverHandoverInput } from './leaver-handover-rules';
import type { StoredTextFile, TextFileStore } from '../shared/text-files';
import type { MessageContext } from './draft-messages';

/** Who acts: a bound person, and the identity the request came through (for the audit trail). */
export interface DraftActor {
  personId: string;
  via: string;
}

export interface PersonName {
  id: string;
  name: string;
  title: string;
  unitIds: string[];
}

/** What the flow needs from the people feature. */
export interface DraftPeople {
  resolveRoute(input: { unitId: string; accountId?: string | null; submitterId: string }): Promise<{
    steps: { mode: 'any' | 'all'; approverIds: Types.ObjectId[]; backupApproverIds: Types.ObjectId[] }[];
    ccIds: Types.ObjectId[];
  }>;
  findPeople(ids: (Types.ObjectId | string)[]): Promise<Map<string, PersonName>>;
  findPersonByName(name: string): Promise<PersonName[]>;
  delegatorsOf(delegateId: string, at: Date): Promise<string[]>;
  unitName(unitId: string): Promise<string>;
}

/** A draft with the names an admin's view shows. */
export interface DraftRecord {
  draft: Draft;
  /** Everyone the draft names, by id (people no longer on record are absent). */
  people: Map<string, PersonName>;
  unitName: string;
}

/** What the flow needs from the account registry: the account a draft goes to (R4), and its name. */
export interface DraftAccounts {
  /**
   * The account named, or the unit's only running account; null when none is registered (or, when not
   * `strict`, when several are and none is named). Refuses an unknown name or a closing account.
   */
  accountForDraft(
    unitId: string,
    name: string | null,
    options: { strict: boolean },
  ): Promise<{ id: string; name: string } | null>;
  accountNameOf(accountId: string): Promise<string>;
}

export interface DraftOutbox {
  enqueue(entries: DraftMessage[]): Promise<void>;
}

export type ContentChecker = (content: DraftContent) => ContentFinding[];

export interface DraftServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  outbox: DraftOutbox;
  people: DraftPeople;
  accounts?: DraftAccounts;
  checkContent: ContentChecker;
  /** Masks ID, mobile and bank card numbers in a text ("脱敏"). */
  maskPersonalData: (text: string) => string;
  /** Keeps a text as a file to send: a long draft's full text goes with requests and "查看" that way. */
  storeTextFile: TextFileStore;
  /** Told of each publication reported with 已发布 (R6: the cadence check counts posts). */
  publications?: { recordPublication(publication: PublishedDraft): Promise<void> };
  logger?: Logger;
}

/** A published draft as the cadence check counts it. */
export interface PublishedDraft {
  draftId: string;
  unitId: string;
  accountId: string | null;
  publishedAt: Date;
  url: string;
  /** false for a reprint (转载). */
  original: boolean;
}

/** A draft in review as the approval nudges read it. */
export interface DraftInReview {
  state: ReviewState;
  unitId: string;
  title: string;
  /** When the current version was submitted: the first step's clock starts there. */
  versionCreatedAt: Date;
}

export interface SubmitInput {
  title: string;
  body: string;
  sourceUrl?: string;
  reprint?: Reprint | null;
  /** Files already stored (the bot keeps them under the data folder), with their SHA-256. */
  attachments?: DraftAttachment[];
  accountId?: string | null;
  /** "投稿 @账号名 标题": the account by name; without one, the unit's only account. */
  accountName?: string | null;
  unitId?: string | null;
  /**
   * Identifies the submission (e.g. the chat message it came in): handling it again after a crash
   * completes the draft stored the first time instead of creating a second one.
   */
  submissionKey?: string;
}

export interface DecideRequest {
  /** null: a plain "同意" — applies to the one pending item, if there is exactly one. */
  code: string | null;
  decision: Decision;
  comment: string;
  /** The version named by a quoted request, when the reply quotes one. */
  versionNumber: number | null;
  /** The step named by a quoted request or a card (see `refuseOtherStep`); absent or null when none. */
  stepNumber?: number | null;
}

/** "查看 K7Q2": the text to reply, and for a long draft its full text as a file to send after it. */
export interface DraftView {
  text: string;
  file: StoredTextFile | null;
}

export interface DraftSummary {
  id: string;
  code: string;
  title: string;
  status: ReviewState['status'];
  versionNumber: number;
  stepNumber: number;
  stepCount: number;
}

/** Open drafts whose code → id this process remembers; a county has a few hundred open at most. */
const maxRememberedCodes = 10_000;
const maxAttempts = 5;
const maxTitleLength = 100;
const maxBodyLength = 50_000;

export class DraftService {
  /**
   * Short code → id of the open draft holding it, as this process last saw it. A code is unique among
   * open drafts, so while the remembered draft is open it is the one the code means; reading it by id
   * costs FerretDB one index lookup, where a query by code reads every draft.
   */
  private readonly openDraftIds = new Map<string, Types.ObjectId>();

  constructor(private readonly dependencies: DraftServiceDependencies) {}

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
    const findings = this.dependencies.checkContent({ title, body, reprint });
    const blocking = findings.filter((finding) => finding.severity === 'block');
    if (blocking.length > 0) {
      throw new ValidationError(
        'DRAFT_BLOCKED_BY_CHECK',
        `稿件未提交：${blocking.map((finding) => `${finding.category}「${finding.excerpt}」${finding.suggestion ? `，${finding.suggestion}` : ''}`).join('；')}`,
      );
    }

    const submitter = (await this.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    const unitId = input.unitId ?? submitter?.unitIds[0];
    if (!submitter || !unitId) throw new ForbiddenError('PERSON_HAS_NO_UNIT', '您尚未归属任何单位，请联系管理员');
    const accountId =
      input.accountId ??
      (
        await this.dependencies.accounts?.accountForDraft(unitId, input.accountName ?? null, {
          // A file or a forwarded article cannot name an account; it goes unassigned rather than refused.
          strict: attachmentHashes.length === 0 && !input.sourceUrl,
        })
      )?.id ??
      null;
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
    let stored: Draft | undefined;
    for (let attempt = 1; !stored; attempt += 1) {
      const shortCode = generateShortCode();
      const draft = {
        _id: id,
        shortCode,
        closedKey: '',
        unitId: new Types.ObjectId(unitId),
        accountId: accountId ? new Types.ObjectId(accountId) : null,
        submitterId: new Types.ObjectId(actor.personId),
        ccIds: route.ccIds,
        revision: 0,
        publication: { url: '', publishedAt: null, reportedById: null },
        ...toStored(outcome.changes),
        versions: [{ ...version, attachments, createdById: new Types.ObjectId(actor.personId), createdAt: now }],
      };
      try {
        stored = (await DraftModel.create(draft)).toObject<Draft>();
      } catch (error) {
        if (!(error instanceof ConflictError && error.code === 'DRAFT_CODE_TAKEN') || attempt >= 10) throw error;
        // The servers do not say which unique index failed: with a submission key, the id may be the one taken.
        const resumed = input.submissionKey ? await DraftModel.findById(id).lean<Draft>() : null;
        if (resumed) {
          this.dependencies.logger?.warn(
            { draft: String(id) },
            'submission handled again; completing the stored draft',
          );
          stored = resumed;
        }
      }
    }
    this.rememberOpenDraft(stored);
    const state = toReviewState(stored);
    await this.record(stored, outcome.events[0], 'created', actor, { command: 'submit' });
    await this.notify(stored, state, outcome.notifications, 'created');
    return summarize(state);
  }

  /** 同意 / 驳回, by code, by a quoted request, or a plain 同意 with exactly one pending item. */
  async decide(actor: DraftActor, request: DecideRequest): Promise<DraftSummary> {
    const now = this.dependencies.clock.now();
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, now);
    const code = request.code ?? (await this.soleItemPendingFor(actor.personId, standsInFor));
    const stepNumber = request.stepNumber ?? null;
    return this.transition(actor, code, { command: 'decide', ...request, stepNumber, standsInFor }, (state) =>
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
  }

  async revise(actor: DraftActor, input: { code: string; title: string | null; body: string }): Promise<DraftSummary> {
    const body = input.body.trim();
    if (!body) throw new ValidationError('DRAFT_BODY_MISSING', `请在“修改 ${input.code}”后换行写上新内容`);
    if (body.length > maxBodyLength) {
      throw new ValidationError('DRAFT_BODY_TOO_LONG', `正文过长（${body.length}字），请控制在${maxBodyLength}字以内`);
    }
    const now = this.dependencies.clock.now();
    return this.transition(actor, input.code, { command: 'revise', title: input.title, body }, (state) => {
      const current = currentVersionOf(state);
      const title = input.title?.trim() || current.title;
      return revise(state, { byId: actor.personId, version: nextVersionContent(current, title, body), now });
    });
  }

  /** "脱敏 K7Q2": a new version with personal data masked, reviewed again like any revision. */
  async maskPersonalData(actor: DraftActor, code: string): Promise<DraftSummary> {
    const current = currentVersionOf(toReviewState(await this.loadByCode(code)));
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

  withdraw(actor: DraftActor, code: string): Promise<DraftSummary> {
    return this.transition(actor, code, { command: 'withdraw' }, (state) => withdraw(state, { byId: actor.personId }));
  }

  async reportPublished(actor: DraftActor, input: { code: string; url: string }): Promise<DraftSummary> {
    const now = this.dependencies.clock.now();
    const summary = await this.transition(actor, input.code, { command: 'publish', url: input.url }, (state) =>
      reportPublished(state, { byId: actor.personId, url: input.url, now }),
    );
    // The publication is recorded; counting the post may fail or be cut short by a crash without
    // undoing that: the daily cadence check reads recent publications again and makes it up.
    try {
      const published = await DraftModel.findById(summary.id).lean<Draft>();
      if (published) await this.dependencies.publications?.recordPublication(toPublishedDraft(published));
    } catch (error) {
      this.dependencies.logger?.error({ err: error, draft: summary.id }, 'post not recorded; the cadence check will');
    }
    return summary;
  }

  /** Drafts reported published since `since`. */
  async listPublishedSince(since: Date): Promise<PublishedDraft[]> {
    const drafts = await DraftModel.find({ status: 'published', 'publication.publishedAt': { $gte: since } }).lean<
      Draft[]
    >();
    return drafts.map(toPublishedDraft);
  }

  /** Every draft in review (a county has a few hundred at most), for the approval nudges and the dashboard. */
  async listInReview(): Promise<DraftInReview[]> {
    const drafts = await DraftModel.find({ status: 'in_review' }).sort({ updatedAt: -1 }).lean<Draft[]>();
    return drafts.map((draft) => {
      const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
      return {
        state: toReviewState(draft),
        unitId: String(draft.unitId),
        title: version?.title ?? '',
        versionCreatedAt: version?.createdAt ?? draft.createdAt,
      };
    });
  }

  revokeApproval(actor: DraftActor, input: { code: string; reason: string }): Promise<DraftSummary> {
    const now = this.dependencies.clock.now();
    return this.transition(actor, input.code, { command: 'revoke', reason: input.reason }, (state) =>
      revokeApproval(state, { byId: actor.personId, reason: input.reason, now }),
    );
  }

  async handOver(actor: DraftActor, input: { code: string; toName: string }): Promise<DraftSummary> {
    const now = this.dependencies.clock.now();
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, now);
    // Only the approver the draft waits on gets as far as the name: anyone else would learn from the
    // answer who exists by that name, and how many (issue 21).
    const draft = await this.loadByCode(input.code);
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
    return this.transition(actor, input.code, { command: 'hand-over', toId, standsInFor }, (state) =>
      handOver(state, { byId: actor.personId, toId, standsInFor, now }),
    );
  }

  /**
   * An admin's unbind of a person who left moves their items on this draft (see leaver-handover-rules);
   * `byId` is the admin ('' for the operator). Driven by src/drafts/leaver-handover.ts.
   */
  handOverFromLeaver(actor: DraftActor, code: string, input: Omit<LeaverHandoverInput, 'now'>): Promise<DraftSummary> {
    const now = this.dependencies.clock.now();
    return this.transition(actor, code, { command: 'leaver-handover', ...input }, (state) =>
      handOverFromLeaver(state, { ...input, now }),
    );
  }

  /** "查看 K7Q2": the full text, for the submitter, the draft's approvers and cc. */
  async viewDraft(actor: DraftActor, code: string): Promise<DraftView> {
    const draft = await this.loadByCode(code);
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
    const context = await this.messageContext(draft, state);
    return { text: renderDraftView(context), file: await this.fullTextFile(context.draft.shortCode, context.version) };
  }

  /** The full text of a long version as a file; null when the body fits a chat message. */
  private async fullTextFile(code: string, version: ReviewVersion): Promise<StoredTextFile | null> {
    if (!isLongBody(version.body)) return null;
    const name = fullTextFileName(code, version.title, version.number);
    return this.dependencies.storeTextFile(name, `${version.title}\n\n${version.body}\n`);
  }

  /** Items waiting for this person (or for those they stand in for). */
  async listPending(actor: DraftActor): Promise<DraftSummary[]> {
    const standsInFor = await this.dependencies.people.delegatorsOf(actor.personId, this.dependencies.clock.now());
    return this.pendingFor(actor.personId, standsInFor);
  }

  async listMine(actor: DraftActor, limit = 10): Promise<DraftSummary[]> {
    const drafts = await DraftModel.find({ submitterId: new Types.ObjectId(actor.personId) })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<Draft[]>();
    return drafts.map((draft) => summarize(toReviewState(draft)));
  }

  private async pendingFor(personId: string, standsInFor: string[]): Promise<DraftSummary[]> {
    const ids = [personId, ...standsInFor].map((id) => new Types.ObjectId(id));
    const drafts = await DraftModel.find({ pendingApproverIds: { $in: ids }, status: 'in_review' })
      .sort({ createdAt: 1 })
      .limit(50)
      .lean<Draft[]>();
    return drafts.map((draft) => summarize(toReviewState(draft)));
  }

  private async soleItemPendingFor(personId: string, standsInFor: string[]): Promise<string> {
    const pending = await this.pendingFor(personId, standsInFor);
    if (pending.length === 1) return pending[0].code;
    if (pending.length === 0) throw new NotFoundError('NOTHING_PENDING', '您当前没有待审核的稿件');
    const list = pending.map((item) => `${draftHeading(item.code, item.title)}`).join('\n');
    throw new ValidationError(
      'WHICH_DRAFT',
      `您有${pending.length}篇待审稿件，请写明编号，例如“同意 ${pending[0].code}”：\n${list}`,
    );
  }

  /**
   * Loads, decides, claims the revision by recording the event, writes the state, queues messages.
   * A lost race reloads and decides again on the new state (so a second reply gets "already recorded").
   */
  private async transition(
    actor: DraftActor,
    code: string,
    command: Record<string, unknown>,
    rule: (state: ReviewState) => RuleOutcome,
  ): Promise<DraftSummary> {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const draft = await this.loadByCode(code);
      const state = toReviewState(draft);
      const outcome = rule(state);
      if (isRefusal(outcome)) {
        if (outcome.alreadyRecorded) await this.resendLastMessages(draft);
        throw refusalError(outcome);
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
    const messages = await this.composeMessages(draft, next, outcome.notifications, claim);
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
  private async record(
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

  private async notify(draft: Draft, state: ReviewState, notifications: ReviewNotification[], claim: string) {
    await this.dependencies.outbox.enqueue(await this.composeMessages(draft, state, notifications, claim));
  }

  /** The outbox entries of a transition's notifications; keyed by draft, claim and recipient. */
  private async composeMessages(
    draft: Draft,
    state: ReviewState,
    notifications: ReviewNotification[],
    claim: string,
  ): Promise<DraftMessage[]> {
    if (notifications.length === 0) return [];
    const context = await this.messageContext(draft, state, notifications);
    const fullText = notifications.some((notification) => notification.kind === 'review-request')
      ? await this.fullTextFile(draft.shortCode, context.version)
      : null;
    const files = context.version.attachments;
    return notifications.flatMap((notification, index) => {
      const key = `draft:${String(draft._id)}:${claim}:${index}:${notification.kind}:${notification.recipientId}`;
      const recipient = { personId: notification.recipientId };
      const text = renderNotification(
        context,
        notification,
        notification.previousVersionNumber
          ? state.versions.find((version) => version.number === notification.previousVersionNumber)
          : undefined,
      );
      if (notification.kind !== 'review-request') return [{ idempotencyKey: key, recipient, text, file: null }];
      // An approver gets a long draft's full text and its files with the request, so they can open what they approve.
      const attached = [
        ...(fullText
          ? [{ idempotencyKey: `${key}:full-text`, recipient, text: `全文：${fullText.name}`, file: fullText }]
          : []),
        ...files.map((file, position) => ({
          idempotencyKey: `${key}:file:${position}`,
          recipient,
          text: `附件：${file.name}`,
          file: { path: file.storagePath, name: file.name },
        })),
      ];
      return [{ idempotencyKey: key, recipient, text, file: null }, ...attached];
    });
  }

  private async messageContext(
    draft: Draft,
    state: ReviewState,
    notifications: ReviewNotification[] = [],
  ): Promise<MessageContext> {
    // Everyone the route names: receipts say who has the draft, "查看" shows who decided what.
    const ids = new Set<string>([state.submitterId, ...state.ccIds]);
    for (const step of state.steps) {
      for (const id of [...step.approverIds, ...step.backupApproverIds]) ids.add(id);
      for (const decision of step.decisions)
        for (const id of [decision.approverId, decision.onBehalfOfId]) if (id) ids.add(id);
      for (const handover of step.handovers) for (const id of [handover.fromId, handover.toId]) ids.add(id);
    }
    for (const notification of notifications) {
      for (const id of [notification.deciderId, notification.onBehalfOfId]) if (id) ids.add(id);
    }
    const [people, submitterUnitName, accountName] = await Promise.all([
      this.dependencies.people.findPeople([...ids]),
      this.dependencies.people.unitName(String(draft.unitId)),
      draft.accountId && this.dependencies.accounts
        ? this.dependencies.accounts.accountNameOf(String(draft.accountId))
        : Promise.resolve(''),
    ]);
    const names = new Map(
      [...people].map(([id, person]) => [id, person.title ? `${person.name}（${person.title}）` : person.name]),
    );
    const stored = draft.versions.find((version) => version.number === state.currentVersion);
    const current = currentVersionOf(state);
    return {
      draft: state,
      version: {
        ...current,
        findings: stored?.findings ?? this.dependencies.checkContent(current),
        attachments: stored?.attachments ?? [],
      },
      names,
      submitterUnitName,
      accountName,
      mask: this.dependencies.maskPersonalData,
    };
  }

  private async loadByCode(code: string): Promise<Draft> {
    const normalized = normalizeShortCode(code);
    const knownId = this.openDraftIds.get(normalized);
    if (knownId) {
      const known = await DraftModel.findById(knownId).lean<Draft>();
      if (known?.closedKey === '') return known;
      // Closed since: a newer draft may hold the code now.
      this.openDraftIds.delete(normalized);
    }
    const drafts = await DraftModel.find({ shortCode: normalized }).sort({ createdAt: -1 }).limit(1).lean<Draft[]>();
    if (!drafts[0]) throw new NotFoundError('DRAFT_NOT_FOUND', `找不到编号为 #${normalized} 的稿件，请核对编号`);
    this.rememberOpenDraft(drafts[0]);
    return drafts[0];
  }

  private rememberOpenDraft(draft: Draft): void {
    if (draft.closedKey !== '') return;
    if (this.openDraftIds.size >= maxRememberedCodes) {
      // Forget the longest-remembered code; a forgotten one is found by the query again.
      const oldest = this.openDraftIds.keys().next().value;
      if (oldest !== undefined) this.openDraftIds.delete(oldest);
    }
    this.openDraftIds.set(draft.shortCode, draft._id);
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

function refusalError(refusal: RuleRefusal): AppError {
  if (refusal.alreadyRecorded) return new AppError(refusal.code, refusal.message, { status: 200, expose: true });
  if (refusal.code === 'NOT_DESIGNATED_APPROVER' || refusal.code === 'NOT_SUBMITTER' || refusal.code === 'OWN_DRAFT') {
    return new ForbiddenError(refusal.code, refusal.message);
  }
  if (refusal.code.endsWith('_REQUIRED') || refusal.code.endsWith('_INVALID') || refusal.code === 'DRAFT_UNCHANGED') {
    return new ValidationError(refusal.code, refusal.message);
  }
  return new ConflictError(refusal.code, refusal.message);
}

function toPublishedDraft(draft: Draft): PublishedDraft {
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

function toReviewState(draft: Draft): ReviewState {
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

/** The rules' changes as stored fields (mongoose casts the id strings when it writes them). */
function toStored(changes: ReviewChanges): Record<string, unknown> {
  const { versions, ...rest } = changes;
  return versions ? { ...rest, versions: versions.map((version) => ({ ...version })) } : { ...rest };
}

function fromChanges(changes: ReviewChanges, state: ReviewState): Partial<ReviewState> {
  const { pendingApproverIds: _pending, closedKey: _closed, ...rest } = changes;
  return { ...rest, versions: changes.versions ?? state.versions };
}

function summarize(state: ReviewState): DraftSummary {
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

/** The draft id a submission key stands for, so the same submission always names the same draft. */
function draftIdFor(submissionKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`draft:${submissionKey}`).digest('hex').slice(0, 24));
}

/** The current revision of each of these drafts, by id (one read, only the revision). */
async function draftRevisions(draftIds: Types.ObjectId[]): Promise<Map<string, number>> {
  if (draftIds.length === 0) return new Map();
  const drafts = await DraftModel.find({ _id: { $in: draftIds } }, { revision: 1 }).lean<
    Pick<Draft, '_id' | 'revision'>[]
  >();
  return new Map(drafts.map((draft) => [String(draft._id), draft.revision]));
}
