/**
 * Official Account pushes already taken on, by account and receipt key (MsgId, or the event's sender,
 * time and publish_id): the platform retries a push it thinks went unanswered, and a captured push
 * replayed within the timestamp window carries the same key. The insert is the claim.
 *
 * The platform has its `success` before the push is handled, so the receipt also keeps the push until it
 * is handled: a process that stops in between leaves it pending, and the redelivery job hands it over
 * again (publication-push.ts). Handled, the push itself is dropped from the receipt.
 */
import { Schema, model } from 'mongoose';
import { isUniqueConflict } from '../shared/database';
import type { OfficialAccountPush } from './official-account-push-rules';

export interface PushReceipt {
  /** "<account id>:<receipt key>" */
  _id: string;
  receivedAt: Date;
  /** Taken on and not handled yet (absent on receipts from before redelivery: those count as handled). */
  pending?: boolean;
  accountId?: string;
  push?: OfficialAccountPush;
  /** Handovers tried by the redelivery job. */
  attempts?: number;
}

const pushReceiptSchema = new Schema<PushReceipt>(
  {
    _id: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    pending: { type: Boolean },
    accountId: { type: String },
    push: { type: Schema.Types.Mixed },
    attempts: { type: Number },
  },
  { versionKey: false },
);

// For pruning by age: a retry or replay comes within minutes (the timestamp window), never days later.
pushReceiptSchema.index({ receivedAt: 1 });
// The redelivery job: pushes still pending, oldest first.
pushReceiptSchema.index({ pending: 1, receivedAt: 1 });

export const PushReceiptModel = model<PushReceipt>(
  'OfficialAccountPushReceipt',
  pushReceiptSchema,
  'official_account_push_receipts',
);

/**
 * Takes on a push once: true for the first receipt of `key`, false for a retry or a replay. With the
 * push, the receipt keeps it pending until `markPushHandled`.
 */
export async function claimPushReceipt(
  key: string,
  receivedAt: Date,
  pending?: { accountId: string; push: OfficialAccountPush },
): Promise<boolean> {
  try {
    await PushReceiptModel.create(
      pending ? { _id: key, receivedAt, pending: true, attempts: 0, ...pending } : { _id: key, receivedAt },
    );
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

/** The push is handled: no longer pending, and its content is not kept. */
export async function markPushHandled(key: string): Promise<void> {
  await PushReceiptModel.updateOne({ _id: key }, { $set: { pending: false }, $unset: { push: 1 } });
}

/** Pushes taken on before `before` and still pending, with fewer than `maxAttempts` handovers. */
export async function findPendingPushes(before: Date, maxAttempts: number, limit: number): Promise<PushReceipt[]> {
  const found = await PushReceiptModel.find({ pending: true, receivedAt: { $lt: before } })
    .sort({ receivedAt: 1 })
    .limit(limit)
    .lean<PushReceipt[]>();
  return found.filter((receipt) => (receipt.attempts ?? 0) < maxAttempts);
}

/** Counts one more handover of a pending push (before it is tried, so a crash mid-way counts too). */
export async function countPushAttempt(key: string, attempts: number): Promise<void> {
  await PushReceiptModel.updateOne({ _id: key }, { $set: { attempts } });
}
