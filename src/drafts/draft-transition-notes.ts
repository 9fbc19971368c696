/**
 * The notes of draft transitions (draft-transition-model.ts): written just before a transition claims
 * its revision, read by the sweep, which completes what a crash cut short and removes, in one delete per
 * batch, the notes of transitions that finished (one write per transition instead of two).
 */
import type { Types } from 'mongoose';
import { isUniqueConflict } from '../shared/database';
import type { ClaimLedger, HeldClaim, RevisionAt } from '../shared/claimed-write';
import { DraftTransitionModel } from './draft-transition-model';
import type { DraftTransitionInProgress } from './draft-transition-model';

/** Notes read per batch of the sweep: about the transitions of the last half minute, most of them finished. */
export const notesPerSweepBatch = 500;

/**
 * The key of a draft's transition from `revision`, or of its submission: the key of its audit event
 * and of its note, and the start of its messages' keys.
 */
export const transitionKey = (draftId: Types.ObjectId | string, revision: number | 'created') =>
  `draft:${String(draftId)}:${revision === 'created' ? revision : `r${revision}`}`;

/**
 * `ledger`, noting each claim before it is made: a crash after the claim leaves a note for the sweep,
 * which also removes the note once the state is written (see draft-transition-model.ts).
 */
export function notingTransitions<Intent, Carried, Held extends HeldClaim>(
  ledger: ClaimLedger<Intent, Carried, Held>,
): ClaimLedger<Intent, Carried, Held> {
  return {
    find: (record) => ledger.find(record),
    async claim(record, intent, now) {
      await noteTransitionStarted(record, now);
      return ledger.claim(record, intent, now);
    },
  };
}

/** Notes that a transition of the draft from its revision starts; a note already there stays. */
async function noteTransitionStarted(draft: RevisionAt, startedAt: Date): Promise<void> {
  try {
    await DraftTransitionModel.create({
      _id: transitionKey(draft._id, draft.revision),
      draftId: draft._id,
      revision: draft.revision,
      startedAt,
    });
  } catch (error) {
    // Another writer of the same revision noted it first: one note serves both.
    if (!isUniqueConflict(error)) throw error;
  }
}

/** Removes notes whose transition finished (or never happened). */
export async function removeTransitionNotes(noteIds: string[]): Promise<void> {
  if (noteIds.length > 0) await DraftTransitionModel.deleteMany({ _id: { $in: noteIds } });
}

/**
 * Notes older than `before`, oldest first: transitions that finished since, and any whose writer is gone
 * or very slow.
 */
export async function staleTransitionNotes(before: Date): Promise<DraftTransitionInProgress[]> {
  return DraftTransitionModel.find({ startedAt: { $lt: before } })
    .sort({ startedAt: 1 })
    .limit(notesPerSweepBatch)
    .lean<DraftTransitionInProgress[]>();
}
