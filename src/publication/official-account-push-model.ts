/**
 * Official Account pushes already taken on, by account and receipt key (MsgId, or the event's sender,
 * time and publish_id): the platform retries a push it thinks went unanswered, and a captured push
 * replayed within the timestamp window carries the same key. The insert is the claim.
 */
import { Schema, model } from 'mongoose';
import { isUniqueConflict } from '../shared/database';

export interface PushReceipt {
  /** "<account id>:<receipt key>" */
  _id: string;
  receivedAt: Date;
}

const pushReceiptSchema = new Schema<PushReceipt>(
  {
    _id: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// For pruning by age: a retry or replay comes within minutes (the timestamp window), never days later.
pushReceiptSchema.index({ receivedAt: 1 });

export const PushReceiptModel = model<PushReceipt>(
  'OfficialAccountPushReceipt',
  pushReceiptSchema,
  'official_account_push_receipts',
);

/** Takes on a push once: true for the first receipt of `key`, false for a retry or a replay. */
export async function claimPushReceipt(key: string, receivedAt: Date): Promise<boolean> {
  try {
    await PushReceiptModel.create({ _id: key, receivedAt });
    return true;
  } catch (error) {
    if (isUniqueConflict(error)) return false;
    throw error;
  }
}

/** Deletes the receipts of pushes taken on before `before`; answers how many. */
export async function prunePushReceipts(before: Date): Promise<number> {
  return (await PushReceiptModel.deleteMany({ receivedAt: { $lt: before } })).deletedCount;
}
