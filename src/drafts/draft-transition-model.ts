/**
 * Draft transitions under way: a note written before a transition's audit event and removed once its
 * state is written. A note that outlives its writer marks a transition a crash cut short, which the
 * sweep job completes. The collection holds only transitions in progress (a handful), so the sweep
 * reads it every few seconds without touching the audit trail or the drafts.
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
