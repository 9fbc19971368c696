/**
 * The outbox's archive: sent messages leave the live outbox, which every drain scans, once the rate
 * limits no longer count them (outbox-delivery.ts), and are deleted from the archive after a while
 * (`Outbox.pruneSent`).
 */
import { insertIgnoringDuplicates } from '../shared/database';
import { RevisionClaimModel, revisionClaimIds } from '../shared/claimed-write';
import { OutboxMessageModel } from './outbox-message-model';
import type { OutboxMessage } from './outbox-message-model';
import { OutboxArchiveModel, OutboxSentKeyModel } from './outbox-archive-model';

/**
 * Moves messages sent before `sentBefore` from the live outbox to the archive, with their
 * revision claims deleted, in batches. Safe to repeat after a crash at any step: the archive insert
 * skips messages already there (same `_id`), and a message leaves the live outbox only once archived.
 */
export async function archiveSentMessages(sentBefore: Date, batchSize = 500): Promise<number> {
  let archived = 0;
  for (;;) {
    const batch = await OutboxMessageModel.find({ status: 'sent', sentAt: { $lt: sentBefore } })
      .limit(batchSize)
      .lean<OutboxMessage[]>();
    if (batch.length === 0) return archived;
    await insertIgnoringDuplicates(OutboxArchiveModel.collection, batch);
    // Messages sent before the registry existed get their keys now, before they leave the live outbox.
    await insertIgnoringDuplicates(
      OutboxSentKeyModel.collection,
      batch.map((message) => ({ _id: message.idempotencyKey, messageId: message._id, registeredAt: message.sentAt })),
    );
    const ids = batch.map((message) => message._id);
    await RevisionClaimModel.deleteMany({
      _id: { $in: batch.flatMap((message) => revisionClaimIds(OutboxMessageModel, message)) },
    });
    await OutboxMessageModel.deleteMany({ _id: { $in: ids } });
    archived += batch.length;
    if (batch.length < batchSize) return archived;
  }
}
