/**
 * The one way a feature changes a stored record's state (docs/how-to-change-a-record-state.md).
 *
 * The rule. A record whose state changes carries a `revision`. A writer that means to move it from
 * revision r:
 *   1. loads it and decides on what it sees (a pure rule; a refusal changes nothing);
 *   2. claims r by a unique insert into a ledger: a claim "<model>:<id>:<r>" in `revision_claims`
 *      (`revisionClaims`, for changes that are not audit events, or that are held while work is done),
 *      or the audit event keyed "<subject>:<id>:r<r>", unique in the trail (src/audit/audit-ledger.ts,
 *      for changes the trail records anyway: R3). Exactly one writer's insert succeeds; the others
 *      reload and decide again on what the winner left (`changeRecord` does this loop);
 *   3. writes the change by `_id` alone and moves the record to r + 1 (`writeAtRevision`);
 *   4. records the event: with the audit ledger the claim is the event; otherwise, where the change
 *      has one, it is appended after the write;
 *   5. the claim carries the change (or the request that makes it), so a writer that crashed between
 *      2 and 3 is completed by the next writer that meets its claim once the claim is stale. A fresh
 *      claim belongs to a writer still at work: writing it twice could race a later change.
 *
 * Why. Inserts against a unique index are the one write FerretDB v1 makes atomic: its conditional
 * updates (updateOne/findOneAndUpdate with a filter) read, then write by _id, so two writers can both
 * "win" a status + revision filter. Production runs MongoDB, where the rule holds as well.
 *
 * Writes filter by `_id` alone. FerretDB v1 passes a filter down to SQLite only when it is exactly
 * `{ _id }`; any other filter makes it decode every document of the collection (measured on the
 * approval-flow bench: an outbox update took 49 ms with `{ _id, revision }`, 20 ms with `{ _id }`), and
 * its conditional updates are not atomic anyway. What a revision in the filter would guard against is
 * a writer so slow that its claim went stale, was rolled forward and built upon; such a writer, and
 * every roll-forward, re-reads the revision first (`writeAtRevision`).
 *
 * A claim can also be held while the work it stands for is done (the outbox holds one while a message
 * is sent): `claimRevision` now, `writeAtRevision` with the outcome later. The claim then carries what
 * a roll-forward should record if the holder disappears, and how long the work may take.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, model } from 'mongoose';
import type { Model, Types } from 'mongoose';
import { isUniqueConflict } from './database';

export interface RevisionedDocument {
  _id: Types.ObjectId;
  revision: number;
}

/** The record as a claim names it: which record, at which revision. */
export type RevisionAt = Pick<RevisionedDocument, '_id' | 'revision'>;

/** 'lost': another writer claimed the revision first (its change is applied, or being applied, by now). */
export type ClaimedWriteOutcome = 'applied' | 'lost';

/** A claim this old whose record still sits at the claimed revision was left by a crashed writer. */
export const staleClaimAfterMs = 10_000;

/**
 * A claim this writer holds: when it was claimed and after how long others may roll it forward, both
 * on the clock the roll-forward judges staleness by.
 */
export interface HeldClaim {
  claimedAt: Date;
  staleAfterMs: number;
}

/** For roll-forwards and other writes on behalf of a claim of unknown age: always re-reads first. */
export const unknownClaim: HeldClaim = { claimedAt: new Date(0), staleAfterMs: staleClaimAfterMs };

/** A claim as its ledger stores it: its age, and what it carries for completing its change. */
export interface StoredClaim<Carried> extends HeldClaim {
  carries: Carried;
}

/** This writer now holds the claim, or another writer's claim was there first (null: it is gone). */
export type ClaimAttempt<Carried> = { held: HeldClaim } | { held: null; winner: StoredClaim<Carried> | null };

/**
 * Where revisions are claimed, by a unique insert: the claims collection (`revisionClaims`) or the
 * audit trail (src/audit/audit-ledger.ts). `Intent` is what a writer claims with; `Carried`, what a
 * stored claim carries for completing its change after a crash.
 */
export interface ClaimLedger<Intent, Carried> {
  claim(record: RevisionAt, intent: Intent, now: Date): Promise<ClaimAttempt<Carried>>;
  /** The claim on the record's current revision, if any (for a sweep that completes crashed writers). */
  find(record: RevisionAt): Promise<StoredClaim<Carried> | null>;
}

/** Whether a claim's writer may be presumed dead (see rule 5). */
export function isStale(claim: HeldClaim, now: Date): boolean {
  return now.getTime() - claim.claimedAt.getTime() >= claim.staleAfterMs;
}

/** A field change as ledgers store it: paths may contain dots, which stored keys may not. */
export interface FieldChange {
  path: string;
  value: unknown;
}

/** Stored as objects, not [path, value] tuples: FerretDB v1 does not store nested arrays. */
export function toFieldChanges(changes: Record<string, unknown>): FieldChange[] {
  return Object.entries(changes).map(([path, value]) => ({ path, value }));
}

export function fromFieldChanges(changes: readonly FieldChange[]): Record<string, unknown> {
  return Object.fromEntries(changes.map(({ path, value }) => [path, value]));
}

// --- The claims collection ---------------------------------------------------------------------------

interface RevisionClaimRecord {
  /** "<model>:<document id>:<revision the change starts from>" */
  _id: string;
  changes: FieldChange[];
  claimedAt: Date;
  /** How long the holder may take before the claim counts as abandoned; staleClaimAfterMs when absent. */
  staleAfterMs?: number;
}

const revisionClaimSchema = new Schema<RevisionClaimRecord>(
  {
    _id: { type: String, required: true },
    changes: { type: Schema.Types.Mixed, required: true },
    claimedAt: { type: Date, required: true },
    staleAfterMs: { type: Number },
  },
  { versionKey: false },
);

export const RevisionClaimModel = model<RevisionClaimRecord>('RevisionClaim', revisionClaimSchema, 'revision_claims');

/** A change of fields, the intent and the carried part of the claims collection's claims. */
export interface FieldChanges {
  changes: Record<string, unknown>;
}

/**
 * The claims collection as the ledger of `target`'s revisions. A claim carries the fields it sets and
 * counts as abandoned after `staleAfterMs`.
 */
export function revisionClaims(
  target: { modelName: string },
  staleAfterMs = staleClaimAfterMs,
): ClaimLedger<FieldChanges, FieldChanges> {
  const find = async (record: RevisionAt): Promise<StoredClaim<FieldChanges> | null> => {
    const claim = await RevisionClaimModel.findById(claimIdOf(target, record._id, record.revision)).lean();
    if (!claim) return null;
    return {
      claimedAt: claim.claimedAt,
      staleAfterMs: claim.staleAfterMs ?? staleClaimAfterMs,
      carries: { changes: fromFieldChanges(claim.changes) },
    };
  };
  return {
    find,
    async claim(record, { changes }, now) {
      const _id = claimIdOf(target, record._id, record.revision);
      try {
        await RevisionClaimModel.create({ _id, changes: toFieldChanges(changes), claimedAt: now, staleAfterMs });
      } catch (error) {
        if (!isUniqueConflict(error)) throw error;
        return { held: null, winner: await find(record) };
      }
      return { held: { claimedAt: now, staleAfterMs } };
    },
  };
}

function claimIdOf(target: { modelName: string }, id: Types.ObjectId, revision: number): string {
  return `${target.modelName}:${String(id)}:${revision}`;
}

/** The ids of every claim a document's changes so far have left: for deleting them with the document. */
export function revisionClaimIds(target: { modelName: string }, document: RevisionAt): string[] {
  return Array.from({ length: document.revision + 1 }, (_, revision) => claimIdOf(target, document._id, revision));
}

/**
 * Empties what the claim on `record`'s revision carries, once its change is written: the record has
 * moved past that revision, so no roll-forward reads it again. For changes that carry secrets (sealed
 * as they are), which should not outlive the record's own copy.
 */
export async function forgetClaimCarries(target: { modelName: string }, record: RevisionAt): Promise<void> {
  await RevisionClaimModel.updateOne(
    { _id: claimIdOf(target, record._id, record.revision) },
    { $set: { changes: [] } },
  );
}

/**
 * Claims the document's current revision in the claims collection for a change this caller writes
 * later with `writeAtRevision`; null when another writer claimed it first (whose claim is completed
 * here when it is stale). `changes` is what a roll-forward records if this caller disappears for
 * longer than `staleAfterMs`.
 */
export async function claimRevision<T extends RevisionedDocument>(
  target: Model<T>,
  document: RevisionAt,
  changes: Record<string, unknown>,
  now: Date,
  staleAfterMs = staleClaimAfterMs,
): Promise<HeldClaim | null> {
  const attempt = await revisionClaims(target, staleAfterMs).claim(document, { changes }, now);
  if (attempt.held) return attempt.held;
  if (attempt.winner && isStale(attempt.winner, now)) {
    await writeAtRevision(target, document, attempt.winner.carries.changes, unknownClaim, now);
  }
  return null;
}

/**
 * Sets `changes` on the document and moves it from `revision` to `revision + 1`, if and only if this
 * caller is the first to claim that revision in the claims collection. 'lost': the caller reloads and
 * decides again.
 */
export async function applyAtRevision<T extends RevisionedDocument>(
  target: Model<T>,
  document: RevisionAt,
  changes: Record<string, unknown>,
  now: Date,
): Promise<ClaimedWriteOutcome> {
  const held = await claimRevision(target, document, changes, now);
  if (!held) return 'lost';
  await writeAtRevision(target, document, changes, held, now);
  return 'applied';
}

/**
 * Writes `changes` and moves the document from `document.revision` to the next, for the writer that
 * holds the claim on that revision. Idempotent: the same changes at the same revision leave the same
 * document. A claim held for half its stale age or more may have been rolled forward and built upon
 * by now, so the revision is read first and nothing is written when the document has moved on.
 * Returns whether it wrote.
 */
export async function writeAtRevision<T extends RevisionedDocument>(
  target: Model<T>,
  document: RevisionAt,
  changes: Record<string, unknown>,
  claim: HeldClaim,
  now: Date,
): Promise<boolean> {
  if (now.getTime() - claim.claimedAt.getTime() >= claim.staleAfterMs / 2) {
    const current = await target.collection.findOne({ _id: document._id }, { projection: { revision: 1 } });
    if (current?.revision !== document.revision) return false;
  }
  // Through the model, so values are cast to the schema (ids given as strings are stored as ObjectIds).
  await target.updateOne({ _id: document._id }, { $set: { ...changes, revision: document.revision + 1 } });
  return true;
}

// --- The change loop ---------------------------------------------------------------------------------

/** How one feature changes one record: the steps of the rule that differ from feature to feature. */
export interface RecordChange<T extends RevisionedDocument, Intent, Carried> {
  ledger: ClaimLedger<Intent, Carried>;
  clock: { now(): Date };
  /** Reads the record as it is now (throws when it is gone). */
  load: () => Promise<T>;
  /** The change to make to the record as loaded, or null for none; may throw a refusal. */
  decide: (record: T) => Intent | null | Promise<Intent | null>;
  /** Writes the decided change by `_id` for the holder of the claim (through `writeAtRevision`). */
  write: (record: T, intent: Intent, held: HeldClaim, now: Date) => Promise<unknown>;
  /** Completes a crashed writer's change from what its stale claim carries (through `writeAtRevision`). */
  complete: (record: T, carried: Carried, now: Date) => Promise<unknown>;
  /** The error when other writers keep winning (a few tries, a few hundred ms). */
  busy: () => Error;
  /** How many tries before `busy` (8 unless said). */
  attempts?: number;
}

const defaultAttempts = 8;

/** One try: claim the record's revision for `intent` and write it, or complete a stale winner and lose. */
export async function applyClaimed<T extends RevisionedDocument, Intent, Carried>(
  change: Pick<RecordChange<T, Intent, Carried>, 'ledger' | 'write' | 'complete'>,
  record: T,
  intent: Intent,
  now: Date,
): Promise<ClaimedWriteOutcome> {
  const attempt = await change.ledger.claim(record, intent, now);
  if (attempt.held) {
    await change.write(record, intent, attempt.held, now);
    return 'applied';
  }
  // The winner claimed long ago and the record is still at this revision: it crashed.
  if (attempt.winner && isStale(attempt.winner, now)) await change.complete(record, attempt.winner.carries, now);
  return 'lost';
}

/**
 * Load, decide, claim and write, again from the top when another writer took the revision first (the
 * decision is then made on what that writer left). Returns the record after the change, or as loaded
 * when `decide` changed nothing.
 */
export function changeRecord<T extends RevisionedDocument, Intent, Carried>(
  change: RecordChange<T, Intent, Carried>,
): Promise<T> {
  return changeRecordAnswering(change, (record, intent) => (intent ? change.load() : record));
}

/**
 * `changeRecord` for a writer that can answer without reading the record again (the drafts answer
 * with the state their rule decided, sparing a read on every transition): `answer` gets the record as
 * loaded and the intent it wrote, or null when `decide` changed nothing.
 */
export async function changeRecordAnswering<T extends RevisionedDocument, Intent, Carried, Answer>(
  change: RecordChange<T, Intent, Carried>,
  answer: (record: T, written: Intent | null) => Answer | Promise<Answer>,
): Promise<Answer> {
  const attempts = change.attempts ?? defaultAttempts;
  for (let attempt = 1; ; attempt += 1) {
    const record = await change.load();
    const intent = await change.decide(record);
    if (!intent) return answer(record, null);
    if ((await applyClaimed(change, record, intent, change.clock.now())) === 'applied') return answer(record, intent);
    if (attempt >= attempts) throw change.busy();
    await sleep(20 * attempt);
  }
}
