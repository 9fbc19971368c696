/**
 * The recent changes of draft listings (draft-listing-cache.ts): one small document per listing write,
 * inserted just after the listing, kept a few minutes; and the `generation` marker, whose token a
 * process's cache was loaded under (gone or replaced — an emptied database, an upgrade that wrote
 * listings in bulk — means load again). Kept small on purpose: the embedded database reads all of it
 * for any query but one by `_id`.
 */
import type { Types } from 'mongoose';
import { Schema, model } from 'mongoose';

export interface DraftListingChange {
  /** A new ObjectId per change; `generationId` for the marker. */
  _id: Types.ObjectId | string;
  /** The listing written; null in the marker. */
  listingId: Types.ObjectId | null;
  /** When it was written, on the writer's clock. */
  at: Date;
  /** The marker's token. */
  token?: string;
}

export const generationId = 'generation';

const draftListingChangeSchema = new Schema<DraftListingChange>(
  {
    _id: { type: Schema.Types.Mixed, required: true },
    listingId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    token: { type: String },
  },
  { versionKey: false },
);

// The changes since a time (each cache's refresh), and the prune of old ones.
draftListingChangeSchema.index({ at: 1 });

export const DraftListingChangeModel = model<DraftListingChange>(
  'DraftListingChange',
  draftListingChangeSchema,
  'draft_listing_changes',
);
