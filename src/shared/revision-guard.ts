/**
 * Guarded state transitions that hold on every server we support. A transition of a document from
 * revision r is claimed by inserting a claim with the unique id "<model>:<id>:<r>" and only then
 * applied. Inserts against a unique index are the one write FerretDB v1 makes atomic: its conditional
 * updates (updateOne/findOneAndUpdate with a filter) read, then write by _id, so two writers can both
 * "win" a status + revision filter. The claim carries the change itself, so a crash between claiming
 * and applying is rolled forward by the next writer that meets the claim once it is stale (a fresh
 * claim belongs to a writer that is still applying it; writing it twice could race a later change).
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
import { Schema, model } from 'mongoose';
import type { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from './database';

interface RevisionClaimRecord {
  /** "<model>:<document id>:<revision the change starts from>" */
  _id: string;
  /** The change as path/value pairs: field paths may contain dots, which stored keys may not. */
  changes: { path: string; value: unknown }[];
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

export interface RevisionedDocument {
  _id: Types.ObjectId;
  revision: number;
}

export type TransitionOutcome = 'applied' | 'lost';

/** A claim this old whose document still sits at the claimed revision was left by a crashed writer. */
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

/**
 * Sets `changes` on the document and moves it from `revision` to `revision + 1`, if and only if this
 * caller is the first to claim that revision. 'lost' means another writer changed the document first
 * (its change is applied by now); the caller reloads and decides again.
 */
export async function applyAtRevision<T extends RevisionedDocument>(
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  changes: Record<string, unknown>,
  now: Date,
): Promise<TransitionOutcome> {
  const claim = await claimRevision(target, document, changes, now);
  if (!claim) return 'lost';
  await writeAtRevision(target, document, changes, claim, now);
  return 'applied';
}

/**
 * Claims the document's current revision for a change this caller writes later with
 * `writeAtRevision`; null when another writer claimed it first. `changes` is what a roll-forward
 * records if this caller disappears for longer than `staleAfterMs`.
 */
export async function claimRevision<T extends RevisionedDocument>(
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  changes: Record<string, unknown>,
  now: Date,
  staleAfterMs = staleClaimAfterMs,
): Promise<HeldClaim | null> {
  const claimId = claimIdOf(target, document._id, document.revision);
  try {
    await RevisionClaimModel.create({ _id: claimId, changes: toPairs(changes), claimedAt: now, staleAfterMs });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await rollForwardStaleClaim(target, document, claimId, now);
    return null;
  }
  return { claimedAt: now, staleAfterMs };
}

function claimIdOf(target: { modelName: string }, id: Types.ObjectId, revision: number): string {
  return `${target.modelName}:${String(id)}:${revision}`;
}

/** The ids of every claim a document's changes so far have left: for deleting them with the document. */
export function revisionClaimIds(
  target: { modelName: string },
  document: Pick<RevisionedDocument, '_id' | 'revision'>,
): string[] {
  return Array.from({ length: document.revision + 1 }, (_, revision) => claimIdOf(target, document._id, revision));
}

async function rollForwardStaleClaim<T extends RevisionedDocument>(
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  claimId: string,
  now: Date,
): Promise<void> {
  const claim = await RevisionClaimModel.findById(claimId).lean();
  if (!claim) return;
  if (now.getTime() - claim.claimedAt.getTime() < (claim.staleAfterMs ?? staleClaimAfterMs)) return;
  const changes = Object.fromEntries(claim.changes.map(({ path, value }) => [path, value]));
  await writeAtRevision(target, document, changes, unknownClaim, now);
}

/** Stored as objects, not [path, value] tuples: FerretDB v1 does not store nested arrays. */
function toPairs(changes: Record<string, unknown>): RevisionClaimRecord['changes'] {
  return Object.entries(changes).map(([path, value]) => ({ path, value }));
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
  document: Pick<T, '_id' | 'revision'>,
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
