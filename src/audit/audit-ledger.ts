/**
 * The audit trail as a claim ledger (src/shared/claimed-write.ts): the event that records a change is
 * also its claim. Its key "<subject>:<id>:r<revision>" is unique in the trail, so exactly one writer
 * wins each revision, and event and record cannot disagree for long. `changeAudited` changes records
 * whose change is a plain set of fields (accounts, annual reviews): their events carry the fields they
 * set in `details.changes`, from which a crashed writer's change is completed.
 */
import type { Model } from 'mongoose';
import type { AuditEventInput, AuditTrail } from './audit-service';
import type { AuditEvent } from './audit-event-model';
import {
  changeRecord,
  fromFieldChanges,
  staleClaimAfterMs,
  toFieldChanges,
  unknownClaim,
  writeAtRevision,
} from '../shared/claimed-write';
import type { ClaimLedger, FieldChange, HeldClaim, RevisionedDocument, StoredClaim } from '../shared/claimed-write';

/**
 * An event to claim a revision with: its key follows from the record and the ledger, its subject too
 * unless it names one (a record kept in another subject's trail, see EventPlacement).
 */
export interface AuditClaim {
  event: Omit<AuditEventInput, 'key' | 'subject'> & { subject?: AuditEventInput['subject'] };
}

/** A claim held in the trail: the event that records the change (a draft's timeline keeps it). */
export interface RecordedClaim extends HeldClaim {
  event: AuditEvent;
}

/**
 * Where the events of a record that is no audit subject of its own go: under the subject it belongs
 * to (a draft's publications in the draft's trail, so its timeline and its readers are the draft's),
 * keyed by the record's own kind (`keyPrefix`) so its revisions are claimed apart from the subject's.
 */
export interface EventPlacement<T> {
  keyPrefix: string;
  subject: (record: T) => Pick<AuditEventInput, 'subject' | 'subjectVersion' | 'contentHash'>;
}

/**
 * The trail as the ledger of one subject type's revisions (or, with `keyPrefix`, of records placed in
 * that type's trail). A claim carries its whole event; it counts as abandoned `staleClaimAfterMs` after
 * the event was recorded.
 */
export function auditLedger(
  audit: Pick<AuditTrail, 'append' | 'findEvent'>,
  subjectType: AuditEventInput['subject']['type'],
  keyPrefix: string = subjectType,
): ClaimLedger<AuditClaim, AuditEvent, RecordedClaim> {
  const keyOf = (record: { _id: unknown; revision: number }) =>
    `${keyPrefix}:${String(record._id)}:r${record.revision}`;
  const stored = (event: AuditEvent): StoredClaim<AuditEvent> => ({
    claimedAt: event.at,
    staleAfterMs: staleClaimAfterMs,
    carries: event,
  });
  return {
    async claim(record, { event }, now) {
      const subject = event.subject ?? { type: subjectType, id: String(record._id) };
      const appended = await audit.append({ ...event, key: keyOf(record), subject });
      return appended.recorded
        ? { held: { claimedAt: now, staleAfterMs: staleClaimAfterMs, event: appended.event } }
        : { held: null, winner: stored(appended.event) };
    },
    async find(record) {
      const event = await audit.findEvent(keyOf(record));
      return event ? stored(event) : null;
    },
  };
}

/** A change a caller decided on: the audit action, its reason, the fields it sets and what else to record. */
export interface AuditedChange {
  action: string;
  reason?: string;
  changes: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export interface AuditedChangeOptions<T extends RevisionedDocument> {
  audit: AuditTrail;
  clock: { now(): Date };
  target: Model<T>;
  /** Reads the record as it is now (throws when it is gone). */
  load: () => Promise<T>;
  /** The change to make to the record as loaded, or null for none; may throw a refusal. */
  decide: (document: T) => AuditedChange | null | Promise<AuditedChange | null>;
  actor: AuditEventInput['actor'];
  subjectType: AuditEventInput['subject']['type'];
  /** Recorded with every event of this record, besides the change's own details. */
  subjectDetails?: (document: T) => Record<string, unknown>;
  /** The error when other writers keep winning (a few tries, a few hundred ms). */
  busy: () => Error;
  /** For a record recorded in another subject's trail: where its events go (see EventPlacement). */
  placement?: EventPlacement<T>;
  /**
   * Fields that keep the change's event with the record, written with the change (a publication keeps
   * its events for the draft's timeline): derived from the event, so a completion writes them too.
   */
  keepEvent?: (document: T, event: AuditEvent) => Record<string, unknown>;
}

/**
 * Load, decide, record the event (the claim) and write the fields (R3), again from the top when another
 * writer took the revision first. Returns the record after the change, or as loaded when `decide`
 * changed nothing.
 */
export function changeAudited<T extends RevisionedDocument>(options: AuditedChangeOptions<T>): Promise<T> {
  const { target } = options;
  return changeRecord<T, AuditClaim & { changes: Record<string, unknown> }, AuditEvent, RecordedClaim>({
    ledger: auditLedger(options.audit, options.subjectType, options.placement?.keyPrefix),
    clock: options.clock,
    load: options.load,
    decide: async (document) => {
      const decided = await options.decide(document);
      if (!decided) return null;
      const event = {
        actor: options.actor,
        action: decided.action,
        subjectVersion: document.revision + 1,
        ...options.placement?.subject(document),
        reason: decided.reason ?? '',
        details: {
          ...options.subjectDetails?.(document),
          ...decided.details,
          changes: toFieldChanges(decided.changes),
        },
      };
      return { event, changes: decided.changes };
    },
    write: (document, { changes }, held, now) =>
      writeAtRevision(target, document, { ...changes, ...options.keepEvent?.(document, held.event) }, held, now),
    complete: (document, event, now) => {
      const stored = (event.details.changes ?? []) as FieldChange[];
      const changes = { ...fromFieldChanges(stored), ...options.keepEvent?.(document, event) };
      return writeAtRevision(target, document, changes, unknownClaim, now);
    },
    busy: options.busy,
  });
}
