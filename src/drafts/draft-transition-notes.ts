/**
 * The notes of draft transitions under way (draft-transition-model.ts): written before a transition's
 * event, removed once its state is written, read by the sweep that completes what a crash cut short.
 */
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../shared/database';
import { isAppError } from '../shared/errors';
import { DraftTransitionModel } from './draft-transition-model';
import type { DraftTransitionInProgress } from './draft-transition-model';

/** At most this many notes per sweep: a crash leaves one per draft it was changing. */
const notesPerSweep = 100;

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
    if (!isDuplicateKeyError(error) && !(isAppError(error) && error.status === 409)) throw error;
  }
}

/** Removes the note: the transition's state is written (or it never happened). */
export async function noteTransitionEnded(draft: { _id: Types.ObjectId }, claim: string): Promise<void> {
  await DraftTransitionModel.deleteOne({ _id: noteId(draft._id, claim) });
}

/** Notes older than `before`, oldest first: transitions whose writer is gone or very slow. */
export async function staleTransitionNotes(before: Date): Promise<DraftTransitionInProgress[]> {
  return DraftTransitionModel.find({ startedAt: { $lt: before } })
    .sort({ startedAt: 1 })
    .limit(notesPerSweep)
    .lean<DraftTransitionInProgress[]>();
}
