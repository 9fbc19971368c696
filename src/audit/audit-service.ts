/**
 * The one way to record what happened (R3, R9): `append` adds an event to the hash-chained trail;
 * `createDigest` witnesses the head outside the database; `verifyAuditChain` recomputes the chain.
 * The chain's head and its hint are in audit-chain-head.ts, digests in audit-digests.ts, verifying in
 * audit-verify.ts; this module is the trail's entry point and re-exports what callers use from them.
 *
 * Appending claims the next sequence number by inserting the event with `_id` = sequence and the
 * previous event's hash already in it. The unique `_id` makes exactly one writer win each number, so
 * concurrent processes cannot fork the chain; a loser learns the new head and tries the next number.
 * An event is linked in the same single insert that records it, so a crash at any moment leaves either
 * no trace or a complete, linked event.
 */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isUniqueConflict, translateDatabaseError } from '../shared/database';
import { ValidationError } from '../shared/errors';
import { AuditEventModel } from './audit-event-model';
import type { AuditEvent } from './audit-event-model';
import { hashEvent } from './audit-chain-rules';
import type { AuditDigest } from './audit-chain-rules';
import { toObjectIdOrNull } from '../shared/ids';
import type { AuditSubjectType } from './audit-visibility-rules';
import { AuditHeadHint, emptyChain, followActiveWriter, readNewerHead } from './audit-chain-head';
import type { ChainHead } from './audit-chain-head';
import { createAuditDigest } from './audit-digests';

export { readDigests } from './audit-digests';
export { verifyAuditChain } from './audit-verify';
export type { VerifyOptions, VerifyReport } from './audit-verify';

type PersonReference = Types.ObjectId | string | null | undefined;

export interface AuditEventInput {
  /** Idempotency key: an event with the same key is recorded once. Random when not given. */
  key?: string;
  actor: { personId?: PersonReference; onBehalfOfId?: PersonReference; via?: string };
  action: string;
  /** Only the types audit-visibility-rules knows, so every event has a rule for who may read it. */
  subject: { type: AuditSubjectType; id: string };
  subjectVersion?: number | null;
  contentHash?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface AppendResult {
  event: AuditEvent;
  /** false when an event with the same key was already in the trail (and is returned instead). */
  recorded: boolean;
}

export interface AuditTrailDependencies {
  clock: Clock;
  logger?: Logger;
}

/** An append waiting for its batch: the input, its key and time fixed when it was asked for. */
interface PendingAppend {
  input: AuditEventInput;
  key: string;
  at: Date;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** The most events one insert carries. */
const maxBatchSize = 500;

export class AuditTrail {
  private head: ChainHead | null = null;
  /** Appends asked for while a batch is being stored; they form the next batch. */
  private waiting: PendingAppend[] = [];
  private committing: Promise<void> | null = null;
  private readonly hint: AuditHeadHint;

  constructor(private readonly dependencies: AuditTrailDependencies) {
    this.hint = new AuditHeadHint(dependencies.logger);
  }

  /**
   * Records an event; resolves once it is stored. Appends of one process are group-committed: while
   * one batch is being inserted, the appends that arrive wait and then go together, linked one to the
   * next, in one ordered insert. A process therefore never races itself for a number, and many
   * concurrent callers cost one round trip per batch instead of one each.
   */
  append(input: AuditEventInput): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ input, key: input.key ?? randomUUID(), at: this.dependencies.clock.now(), resolve, reject });
      this.committing ??= this.commitWaiting();
    });
  }

  private async commitWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, maxBatchSize);
      await this.commit(batch).catch((error: unknown) => {
        // Which of the batch were stored is unknown now: read the head again before the next batch.
        this.head = null;
        // Those answered already keep their answer; those put back for the next batch are still to come.
        for (const pending of batch) if (!this.waiting.includes(pending)) pending.reject(error);
      });
    }
    this.committing = null;
  }

  /**
   * Stores a batch in sequence order. The insert is ordered, so when it stops at a duplicate the events
   * before it are stored (and their callers answered) and the rest are linked again after the new head.
   * A duplicate is either a key recorded before (that caller gets the recorded event) or a number
   * another process took (this one follows it). A second append with a key already in the batch waits
   * for the next batch, where it meets the first as a recorded key.
   */
  private async commit(batch: PendingAppend[]): Promise<void> {
    const keys = new Set<string>();
    let remaining: PendingAppend[] = [];
    const deferred: PendingAppend[] = [];
    for (const pending of batch) {
      (keys.has(pending.key) ? deferred : remaining).push(pending);
      keys.add(pending.key);
    }
    this.waiting.unshift(...deferred);

    let head = this.head ?? (await readNewerHead(emptyChain));
    for (let lost = 0; remaining.length > 0;) {
      const events = linkEvents(remaining, head);
      let stored = events.length;
      let failure: unknown = null;
      try {
        await AuditEventModel.collection.insertMany(events as never[], { ordered: true });
      } catch (error) {
        stored = firstFailedIndex(error);
        if (stored < 0) translateDatabaseError(error);
        failure = error;
      }
      for (let index = 0; index < stored; index += 1)
        remaining[index].resolve({ event: events[index], recorded: true });
      if (stored > 0) {
        head = { sequence: events[stored - 1]._id, hash: events[stored - 1].hash };
        this.head = head;
        this.hint.publishHeadInBackground(head);
      }
      if (!failure) return;
      const refused = remaining[stored];
      remaining = remaining.slice(stored + 1);
      this.hint.noteContention();
      const existing = refused.input.key ? await this.findEvent(refused.key) : null;
      if (existing) {
        refused.resolve({ event: existing, recorded: false });
        continue;
      }
      remaining.unshift(refused);
      lost += 1;
      head = await followActiveWriter(head, lost);
    }
  }

  /** The event recorded under an idempotency key, if any. */
  async findEvent(key: string): Promise<AuditEvent | null> {
    return AuditEventModel.findOne({ key }).lean<AuditEvent>();
  }

  /** Writes the newest head hint now and resolves once it is written (for orderly shutdown and tests). */
  settle(): Promise<void> {
    return this.hint.settle();
  }

  /** Signs the current head and writes it to a digest file; see createAuditDigest. */
  async createDigest(options: { key: string; directory: string; timeZone: string }): Promise<{
    digest: AuditDigest;
    file: string;
  }> {
    return createAuditDigest(this.dependencies.clock, options);
  }
}

/** The batch as events, each linked to the one before it, the first to `head`. */
function linkEvents(batch: PendingAppend[], head: ChainHead): AuditEvent[] {
  let previous = head;
  return batch.map(({ input, key, at }) => {
    const event = buildEvent(input, key, at, previous);
    previous = { sequence: event._id, hash: event.hash };
    return event;
  });
}

/**
 * Where an ordered insert stopped at a duplicate: everything before that index is stored. -1 when the
 * error is anything else, which leaves unknown what was stored.
 */
function firstFailedIndex(error: unknown): number {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const first = (Array.isArray(writeErrors) ? writeErrors[0] : writeErrors) as
    { index?: unknown; code?: unknown; errmsg?: unknown } | undefined;
  if (!first || typeof first.index !== 'number') return -1;
  return isUniqueConflict({ code: first.code, message: first.errmsg }) ? first.index : -1;
}

function buildEvent(input: AuditEventInput, key: string, at: Date, head: ChainHead): AuditEvent {
  const content = {
    _id: head.sequence + 1,
    key,
    at,
    actor: {
      personId: toObjectIdOrNull(input.actor.personId, invalidActor),
      onBehalfOfId: toObjectIdOrNull(input.actor.onBehalfOfId, invalidActor),
      via: input.actor.via ?? '',
    },
    action: input.action,
    subject: { type: input.subject.type, id: input.subject.id },
    subjectVersion: input.subjectVersion ?? null,
    contentHash: input.contentHash ?? '',
    reason: input.reason ?? '',
    details: input.details ?? {},
    previousHash: head.hash,
  };
  return { ...content, hash: hashEvent(content) };
}

const invalidActor = () => new ValidationError('AUDIT_ACTOR_INVALID', '审计记录的操作人编号无效');
