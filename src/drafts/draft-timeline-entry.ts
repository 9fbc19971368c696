/**
 * A draft's timeline entry: one of its audit events as the timeline shows it, kept with the record
 * whose change the event records (the draft, its publications, the sweep's findings), so a timeline is
 * read with those records and never by a scan of the trail.
 */
import type { Types } from 'mongoose';
import { Schema } from 'mongoose';

/**
 * Kept in the same write as the state its event records: the draft's timeline is then the draft, read
 * by `_id`. The event itself, with its chain, stays in the trail under its `sequence` (the embedded
 * database reads the trail by a numeric `_id` no faster than by a scan).
 */
export interface DraftTimelineEntry {
  /** The event's sequence number (`_id`) in the audit trail. */
  sequence: number;
  at: Date;
  action: string;
  actor: { personId: Types.ObjectId | null; onBehalfOfId: Types.ObjectId | null; via: string };
  subjectVersion: number | null;
  contentHash: string;
  reason: string;
  /** The few details the timeline's words need (timelineDetailKeys), absent when there are none. */
  details?: Record<string, unknown>;
}

export const timelineEntrySchema = new Schema<DraftTimelineEntry>(
  {
    sequence: { type: Number, required: true },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actor: {
      personId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      onBehalfOfId: { type: Schema.Types.ObjectId, ref: 'Person', default: null },
      via: { type: String, default: '' },
    },
    subjectVersion: { type: Number, default: null },
    contentHash: { type: String, default: '' },
    reason: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: undefined },
  },
  { _id: false },
);
