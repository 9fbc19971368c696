/**
 * Reading the audit trail for the API: the events of one subject in order, page by page, and every
 * event of a time range as a stream (exports). Read-only; appending stays in audit-service.ts.
 */
import type { Cursor } from 'mongoose';
import { AuditEventModel } from './audit-event-model';
import type { AuditEvent } from './audit-event-model';

/** Events about a subject with a sequence above `afterSequence`, oldest first. */
export function findEventsBySubject(
  subject: { type: string; id: string },
  options: { afterSequence?: number; limit: number },
): Promise<AuditEvent[]> {
  return AuditEventModel.find({
    'subject.type': subject.type,
    'subject.id': subject.id,
    ...(options.afterSequence ? { _id: { $gt: options.afterSequence } } : {}),
  })
    .sort({ _id: 1 })
    .limit(options.limit)
    .lean<AuditEvent[]>();
}

/** Every event about a draft, in the order stored, read in batches (the drafts' one-off upgrade). */
export function streamDraftEvents(): AsyncIterable<AuditEvent> {
  return AuditEventModel.find({ 'subject.type': 'draft' })
    .lean<AuditEvent[]>()
    .cursor({ batchSize: 1000 }) as AsyncIterable<AuditEvent>;
}

/** Every event recorded in [from, until), oldest first, read in batches. */
export function streamEventsBetween(from: Date, until: Date): Cursor<AuditEvent, never> {
  return AuditEventModel.find({ at: { $gte: from, $lt: until } })
    .sort({ at: 1, _id: 1 })
    .lean<AuditEvent[]>()
    .cursor({ batchSize: 500 }) as unknown as Cursor<AuditEvent, never>;
}
