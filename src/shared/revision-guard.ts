/**
 * Guarded state transitions that hold on every server we support. A transition of a document from
 * revision r is claimed by inserting a claim with the unique id "<model>:<id>:<r>" and only then
 * applied. Inserts against a unique index are the one write FerretDB v1 makes atomic: its conditional
 * updates (updateOne/findOneAndUpdate with a filter) read, then write by _id, so two writers can both
 * "win" a status + revision filter. The claim carries the change itself, so a crash between claiming
 * and applying is rolled forward by the next writer that meets the claim once it is stale (a fresh
 * claim belongs to a writer that is still applying it; writing it twice could race a later change).
 */
import { Schema, model } from 'mongoose';
import type { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from './database';

interface RevisionClaim {
  /** "<model>:<document id>:<revision the change starts from>" */
  _id: string;
  /** The change as path/value pairs: field paths may contain dots, which stored keys may not. */
  changes: { path: string; value: unknown }[];
  claimedAt: Date;
}

const revisionClaimSchema = new Schema<RevisionClaim>(
  {
    _id: { type: String, required: true },
    changes: { type: Schema.Types.Mixed, required: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const RevisionClaimModel = model<RevisionClaim>('RevisionClaim', revisionClaimSchema, 'revision_claims');

export interface RevisionedDocument {
  _id: Types.ObjectId;
  revision: number;
}

export type TransitionOutcome = 'applied' | 'lost';

/** A claim this old whose document still sits at the claimed revision was left by a crashed writer. */
export const staleClaimAfterMs = 10_000;

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
  const claimId = `${target.modelName}:${String(document._id)}:${document.revision}`;
  try {
    await RevisionClaimModel.create({ _id: claimId, changes: toPairs(changes), claimedAt: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await rollForwardStaleClaim(target, document, claimId, now);
    return 'lost';
  }
  await writeChanges(target, document, changes);
  return 'applied';
}

async function rollForwardStaleClaim<T extends RevisionedDocument>(
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  claimId: string,
  now: Date,
): Promise<void> {
  const claim = await RevisionClaimModel.findById(claimId).lean();
  if (claim && now.getTime() - claim.claimedAt.getTime() >= staleClaimAfterMs)
    await writeChanges(target, document, Object.fromEntries(claim.changes.map(({ path, value }) => [path, value])));
}

/** Stored as objects, not [path, value] tuples: FerretDB v1 does not store nested arrays. */
function toPairs(changes: Record<string, unknown>): RevisionClaim['changes'] {
  return Object.entries(changes).map(([path, value]) => ({ path, value }));
}

/** Idempotent: writing the same changes at the same revision twice leaves the same document. */
async function writeChanges<T extends RevisionedDocument>(
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  changes: Record<string, unknown>,
): Promise<void> {
  await target.collection.updateOne(
    { _id: document._id, revision: document.revision },
    { $set: { ...changes, revision: document.revision + 1 } },
  );
}
