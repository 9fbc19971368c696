/**
 * The notes of draft transitions (draft-transition-model.ts): written before a transition's event, read
 * by the sweep, which completes what a crash cut short and removes, in one delete per batch, the notes of
 * transitions that finished (one write per transition instead of two).
 */
import type { Types } from 'mongoose';
import { isUniqueConflict } from '../shared/database';
import { DraftTransitionModel } from './draft-transition-model';
import type { DraftTransitionInProgress } from './draft-transition-model';

/** Notes read per batch of the sweep: about the transitions of the last half minute, most of them finished. */
export const notesPerSweepBatch = 500;

const noteId = (draftId: Types.ObjectId, claim: string) => `draft:${String(draftId)}:${claim}`;

/** Notes that a transition of the draft from `claim` ("r<revision>") starts; a note already there stays. */
export async function noteTransitionStarted(
  draft: { _id: Types.ObjectId; revision: number },
  claim: string,
  startedAt: Date,
): Promise<void> {
  try {
    await DraftTransitionModel.create({
      _id: noteId(draft._id, claim),
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
