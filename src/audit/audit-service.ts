/**
 * The one way to record what happened (R3, R9): `append` adds an event to the hash-chained trail;
 * `createDigest` witnesses the head outside the database; `verifyAuditChain` recomputes the chain.
 *
 * Appending claims the next sequence number by inserting the event with `_id` = sequence and the
 * previous event's hash already in it. The unique `_id` makes exactly one writer win each number, so
 * concurrent processes cannot fork the chain; a loser learns the new head and tries the next number.
 * An event is linked in the same single insert that records it, so a crash at any moment leaves either
 * no trace or a complete, linked event.
 */
import { setImmediate as setImmediatePromise, setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Types, mongo } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isDuplicateKeyError, translateDatabaseError } from '../shared/database';
import { ValidationError } from '../shared/errors';
import { AuditEventModel, AuditHeadModel } from './audit-event-model';
import type { AuditEvent } from './audit-event-model';
import {
  checkDigestSignature,
  checkStoredLink,
  describeLinkProblem,
  genesisHash,
  hashEvent,
  signDigest,
} from './audit-chain-rules';
import type { AuditDigest, ChainedEvent, LinkProblem, ReplacedCharacters } from './audit-chain-rules';
import { toObjectIdOrNull } from '../shared/ids';
import type { AuditSubjectType } from './audit-visibility-rules';

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

interface ChainHead {
  sequence: number;
  hash: string;
}

const emptyChain: ChainHead = { sequence: 0, hash: genesisHash };

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

  constructor(private readonly dependencies: AuditTrailDependencies) {}

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
        this.publishHeadInBackground(head);
      }
      if (!failure) return;
      const refused = remaining[stored];
      remaining = remaining.slice(stored + 1);
      this.noteContention();
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

  /**
   * The hint is written after the caller has its answer: this process knows its head already, and
   * other processes fall back to reading the trail when the hint lags. A lone writer (one bot process)
   * writes it, with the newest head, once `hintEveryEvents` events or `hintIntervalMs` have passed since
   * the last one, whichever comes first; a writer that lost a number recently is contending with
   * another process, which polls the hint, so it writes at once. Heads that arrive while a write is
   * under way are coalesced into the next one.
   */
  private hintToPublish: ChainHead | null = null;
  private publishing: Promise<void> | null = null;
  private hintTimer: NodeJS.Timeout | null = null;
  /** The newest head this process wrote as the hint. */
  private publishedSequence = 0;
  private lastLostAt = -Infinity;
  private lastSignalledAt = -Infinity;

  /**
   * This process lost a number: it writes its hints at once for a while, and tells the other writers
   * so through the hint document. A lone writer writes its hint only every `hintIntervalMs`, so a
   * process it beat would otherwise see a stale hint, retry into taken numbers and end up reading the
   * trail itself; told, the writer ahead writes its hint after every batch too.
   */
  private noteContention(): void {
    this.lastLostAt = performance.now();
    if (this.lastLostAt - this.lastSignalledAt < contendedForMs / 4) return;
    this.lastSignalledAt = this.lastLostAt;
    AuditHeadModel.updateOne({ _id: 'head' }, { $set: { contendedAt: new Date() } }).catch((error: unknown) =>
      this.dependencies.logger?.warn({ err: error }, 'audit contention not signalled'),
    );
  }

  private publishHeadInBackground(head: ChainHead): void {
    this.hintToPublish = head;
    if (this.publishing) return;
    if (this.hintDue(head)) {
      this.publishNow();
      return;
    }
    if (this.hintTimer) return;
    this.hintTimer = setTimeout(() => this.publishNow(), hintIntervalMs);
    this.hintTimer.unref();
  }

  /** Whether `head` is to be written as the hint at once rather than when the timer fires. */
  private hintDue(head: ChainHead): boolean {
    const contended = performance.now() - this.lastLostAt < contendedForMs;
    return contended || head.sequence - this.publishedSequence >= hintEveryEvents;
  }

  private publishNow(): void {
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = null;
    this.publishing ??= this.publishPendingHints();
  }

  /** Writes the newest head, then any newer one that is due by then; one that is not waits for the timer. */
  private async publishPendingHints(): Promise<void> {
    for (let head = this.hintToPublish; head; head = this.hintToPublish) {
      this.hintToPublish = null;
      const contendedAt = await publishHead(head).catch((error: unknown) => {
        this.dependencies.logger?.warn({ err: error }, 'audit head hint not updated');
        return null;
      });
      this.publishedSequence = Math.max(this.publishedSequence, head.sequence);
      // Another process lost a number lately: write hints at once, as if this one had.
      if (contendedAt && Date.now() - contendedAt.getTime() < contendedForMs) {
        this.lastLostAt = Math.max(this.lastLostAt, performance.now() - (Date.now() - contendedAt.getTime()));
      }
      if (this.hintToPublish && !this.hintDue(this.hintToPublish)) break;
    }
    this.publishing = null;
    if (this.hintToPublish) this.publishHeadInBackground(this.hintToPublish);
  }

  /** Writes the newest head hint now and resolves once it is written (for orderly shutdown and tests). */
  async settle(): Promise<void> {
    while (this.publishing) await this.publishing;
    if (!this.hintToPublish) return;
    this.publishNow();
    while (this.publishing) await this.publishing;
  }

  /**
   * Signs the current head and writes the digest to `<directory>/digest-<date>-<sequence>.json`.
   * The date is the calendar date in `timeZone`.
   */
  async createDigest(options: { key: string; directory: string; timeZone: string }): Promise<{
    digest: AuditDigest;
    file: string;
  }> {
    const head = await readNewerHead(emptyChain);
    const createdAt = this.dependencies.clock.now();
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: options.timeZone }).format(createdAt);
    const digest = signDigest(
      {
        date,
        createdAt: createdAt.toISOString(),
        count: head.sequence,
        headSequence: head.sequence,
        headHash: head.hash,
      },
      options.key,
    );
    fs.mkdirSync(options.directory, { recursive: true });
    const file = path.join(options.directory, `digest-${date}-${head.sequence}.json`);
    fs.writeFileSync(file, `${JSON.stringify(digest, null, 2)}\n`);
    return { digest, file };
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
  return isDuplicateKeyError({ code: first.code, message: first.errmsg }) ? first.index : -1;
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

/**
 * After losing a number: the writer that won knows the new head and usually appends its next events at
 * once, so while the head keeps moving this writer waits instead of retrying into numbers that are
 * being taken (which only adds failed writes); when the head stops moving, or after a bounded wait
 * that grows with each loss so nobody starves, it tries again.
 */
async function followActiveWriter(known: ChainHead, lost: number): Promise<ChainHead> {
  const deadline = Date.now() + Math.min(25 * lost, 250);
  let head = await readNewerHead(known);
  while (Date.now() < deadline) {
    await sleep(5 + Math.random() * 5);
    const hint = await AuditHeadModel.findById('head').lean();
    if (!hint || hint.sequence <= head.sequence) break;
    head = { sequence: hint.sequence, hash: hint.hash };
  }
  return head;
}

/**
 * The newest event after `known`. The head hint comes first: after losing a race, the winner's hint
 * usually lands within a millisecond or two, so it is polled briefly. Only then are the events after
 * `known` read (on MongoDB an index range; FerretDB v1 scans the collection, hence the hint).
 */
async function readNewerHead(known: ChainHead): Promise<ChainHead> {
  for (let poll = 0; poll < hintPolls; poll += 1) {
    const hint = await AuditHeadModel.findById('head').lean();
    if (hint && hint.sequence > known.sequence) return { sequence: hint.sequence, hash: hint.hash };
    if (known.sequence === 0 && !hint) break;
    await sleep(2 ** poll * (1 + Math.random()));
  }
  const newest = await AuditEventModel.find({ _id: { $gt: known.sequence } }, { _id: 1, hash: 1 })
    .sort({ _id: -1 })
    .limit(1)
    .lean();
  return newest[0] ? { sequence: newest[0]._id, hash: newest[0].hash } : known;
}

/**
 * About 250–500 ms of polling, ever less often, before the trail itself is read (a scan on FerretDB):
 * long enough for a writer ahead that is busy (and so writes its hint every `hintEveryEvents`) or has
 * been told of the contention. Polling longer only keeps a writer whose own head is newer than the
 * hint waiting (measured: 4 writers append at half the rate with 1–2 s of polling).
 */
const hintPolls = 8;
/**
 * A lone writer's hint lags its head by at most this long (or hintEveryEvents). Every hint is a write,
 * so a lone bot writes one every few seconds rather than one per approval (issue 14: ≤ 6 commands per
 * approval). Only another process needs it (a CLI command, a second bot): after losing a number it
 * polls the hint briefly, then reads the head from the trail (an index range on MongoDB).
 */
const hintIntervalMs = 5_000;
/** …or once this many events have been appended since the last hint, whichever comes first. */
const hintEveryEvents = 50;
/** How long after losing a number a writer counts as contending (and writes its hint at once). */
const contendedForMs = 2_000;

/** Moves the hint forward (never back); returns when another writer last signalled contention. */
async function publishHead(head: ChainHead): Promise<Date | null> {
  const before = await AuditHeadModel.findOneAndUpdate(
    { _id: 'head', sequence: { $lt: head.sequence } },
    { $set: { sequence: head.sequence, hash: head.hash } },
    // No projection: FerretDB v1 refuses findAndModify with one (NotImplemented), and the hint is tiny.
  ).lean();
  if (!before) {
    await AuditHeadModel.collection.insertOne({ _id: 'head', ...head } as never).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }
  return before?.contendedAt ?? null;
}

export interface VerifyOptions {
  /** Digests to check the chain against. */
  digests?: { file: string; digest: AuditDigest }[];
  /** The digest key (HMAC secret, Ed25519 private or public key); without it signatures are not checked. */
  digestKey?: string;
  /** Events read ahead of a gap before the gap counts as a missing event. */
  reorderWindow?: number;
  /** The events to verify; the audit trail of mongoose's connection when not given (db:copy names its target's). */
  events?: mongo.Collection;
}

const verifyBatchSize = 1000;

export type VerifyReport =
  | {
      ok: true;
      count: number;
      head: ChainHead;
      digestsChecked: number;
      /**
       * Events recorded with malformed text (before it was made well-formed on entry) whose unpaired
       * surrogates the database stored as U+FFFD: proven unchanged otherwise, see checkReplacedCharacters.
       */
      storedWithReplacedCharacters: ReplacedCharacters[];
    }
  | { ok: false; count: number; problem: string; sequence: number | null };

/**
 * Recomputes the whole chain, streaming in storage order (which is sequence order, because an event
 * is inserted only after the one it links to) with a small reorder buffer, so memory stays bounded.
 */
export async function verifyAuditChain(options: VerifyOptions = {}): Promise<VerifyReport> {
  const digests = options.digests ?? [];
  const reorderWindow = options.reorderWindow ?? 10_000;
  for (const { file, digest } of digests) {
    if (options.digestKey && !checkDigestSignature(digest, options.digestKey)) {
      return { ok: false, count: 0, sequence: null, problem: `digest ${file} has an invalid signature` };
    }
  }
  const wantedHashes = new Map(digests.map(({ digest }) => [digest.headSequence, '']));

  let expected = 1;
  let previousHash = genesisHash;
  const pending = new Map<number, ChainedEvent>();
  const storedWithReplacedCharacters: ReplacedCharacters[] = [];
  const fail = (problem: LinkProblem): VerifyReport => ({
    ok: false,
    count: expected - 1,
    sequence: typeof problem.sequence === 'number' ? problem.sequence : null,
    problem: describeLinkProblem(problem),
  });

  const cursor = (options.events ?? AuditEventModel.collection).find({}, { batchSize: verifyBatchSize });
  // While one batch is hashed, the next is on its way: the fetch is asked for (and given a turn of the
  // event loop to reach the server) before the hashing starts, so the rate is the cursor's.
  let more = cursor.hasNext();
  try {
    while (await more) {
      const batch = cursor.readBufferedDocuments();
      more = cursor.hasNext();
      await setImmediatePromise();
      for (const document of batch) {
        const event = document as unknown as ChainedEvent;
        if (!Number.isInteger(event._id) || event._id < expected) {
          return fail({ kind: 'unexpected', sequence: event._id, detail: 'not a sequence number of this chain' });
        }
        pending.set(event._id, event);
        for (let next = pending.get(expected); next; next = pending.get(expected)) {
          const { problem, replaced } = checkStoredLink(next, expected, previousHash);
          if (problem) return fail(problem);
          if (replaced) storedWithReplacedCharacters.push(replaced);
          pending.delete(expected);
          previousHash = next.hash;
          if (wantedHashes.has(expected)) wantedHashes.set(expected, next.hash);
          expected += 1;
        }
        if (pending.size > reorderWindow) return fail({ kind: 'missing', sequence: expected });
      }
    }
  } finally {
    more.catch(() => undefined);
    await cursor.close();
  }
  if (pending.size > 0) return fail({ kind: 'missing', sequence: expected });

  const count = expected - 1;
  for (const { file, digest } of digests) {
    if (digest.headSequence > count) {
      return {
        ok: false,
        count,
        sequence: count + 1,
        problem: `digest ${file} witnessed ${digest.headSequence} events on ${digest.date}, the chain has ${count}: the newest events were deleted`,
      };
    }
    if (digest.headSequence > 0 && wantedHashes.get(digest.headSequence) !== digest.headHash) {
      return {
        ok: false,
        count,
        sequence: digest.headSequence,
        problem: `event ${digest.headSequence} differs from the one digest ${file} witnessed on ${digest.date}`,
      };
    }
  }
  return {
    ok: true,
    count,
    head: { sequence: count, hash: previousHash },
    digestsChecked: digests.length,
    storedWithReplacedCharacters,
  };
}

/** Reads digest files; a directory means every digest-*.json in it. */
export function readDigests(paths: string[]): { file: string; digest: AuditDigest }[] {
  const files = paths.flatMap((entry) =>
    fs.existsSync(entry) && fs.statSync(entry).isDirectory()
      ? fs
          .readdirSync(entry)
          .filter((name) => /^digest-.*\.json$/.test(name))
          .sort()
          .map((name) => path.join(entry, name))
      : [entry],
  );
  return files.map((file) => ({ file, digest: JSON.parse(fs.readFileSync(file, 'utf8')) as AuditDigest }));
}
