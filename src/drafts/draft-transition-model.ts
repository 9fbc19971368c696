/**
 * Draft transitions of the last half minute: a note written before a transition's audit event. The
 * sweep job (every 20 s) removes the notes of transitions whose state is written, and completes the
 * ones a crash cut short between event and state. The collection holds only recent transitions (a few
 * hundred at most), so the sweep reads it without touching the audit trail.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface DraftTransitionInProgress {
  /** The transition's audit event key, "draft:<draft id>:r<revision>". */
  _id: string;
  draftId: Types.ObjectId;
  /** The draft's revision the transition starts from. */
  revision: number;
  startedAt: Date;
}

const draftTransitionSchema = new Schema<DraftTransitionInProgress>(
  {
    _id: { type: String, required: true },
    draftId: { type: Schema.Types.ObjectId, ref: 'Draft', required: true },
    revision: { type: Number, required: true },
    startedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

draftTransitionSchema.index({ startedAt: 1 });

export const DraftTransitionModel = model<DraftTransitionInProgress>(
  'DraftTransition',
  draftTransitionSchema,
  'draft_transitions_in_progress',
);
