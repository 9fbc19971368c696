/**
 * A state change of a record together with the audit event that records it (R3), for records whose
 * change is a plain set of fields (accounts, annual reviews). The event is the claim: its key
 * "<subject>:<id>:r<revision>" is unique in the trail, so exactly one writer wins each revision (FerretDB
 * v1 makes only inserts atomic, see src/shared/revision-guard.ts), and it carries the fields it sets. A
 * writer that crashed between recording the event and writing the record is completed by the next writer
 * that meets the event once it is stale; event and record cannot disagree for long.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Model } from 'mongoose';
import type { AuditEventInput, AuditTrail } from './audit-service';
import { staleClaimAfterMs, unknownClaim, writeAtRevision } from '../shared/revision-guard';
import type { RevisionedDocument } from '../shared/revision-guard';

export type AuditedTransitionOutcome = 'applied' | 'lost';

type FieldChange = { path: string; value: unknown };

/**
 * Records `event` for `document` at its current revision and sets `changes`; 'lost' when another writer
 * took that revision first (the caller reloads and decides again).
 */
export async function applyAuditedTransition<T extends RevisionedDocument>(
  audit: AuditTrail,
  target: Model<T>,
  document: Pick<T, '_id' | 'revision'>,
  changes: Record<string, unknown>,
  event: Omit<AuditEventInput, 'key' | 'subjectVersion'>,
  now: Date,
): Promise<AuditedTransitionOutcome> {
  const key = `${event.subject.type}:${String(document._id)}:r${document.revision}`;
  const fieldChanges: FieldChange[] = Object.entries(changes).map(([path, value]) => ({ path, value }));
  const { event: recorded, recorded: won } = await audit.append({
    ...event,
    key,
    subjectVersion: document.revision + 1,
    details: { ...event.details, changes: fieldChanges },
  });
  if (won) {
    await writeAtRevision(target, document, changes, { claimedAt: now, staleAfterMs: staleClaimAfterMs }, now);
    return 'applied';
  }
  if (now.getTime() - recorded.at.getTime() >= staleClaimAfterMs) {
    // The winner recorded its change long ago and the record is still at this revision: it crashed.
    const stored = (recorded.details.changes ?? []) as FieldChange[];
    await writeAtRevision(
      target,
      document,
      Object.fromEntries(stored.map(({ path, value }) => [path, value])),
      unknownClaim,
      now,
    );
  }
  return 'lost';
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
}

const maxAttempts = 8;

/**
 * Load, decide, record and write, again from the top when another writer took the revision first (the
 * decision is then made on what that writer left). Returns the record after the change, or as loaded
 * when `decide` changed nothing.
 */
export async function changeAudited<T extends RevisionedDocument>(options: AuditedChangeOptions<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const document = await options.load();
    const decided = await options.decide(document);
    if (!decided) return document;
    const outcome = await applyAuditedTransition(
      options.audit,
      options.target,
      document as Pick<T, '_id' | 'revision'>,
      decided.changes,
      {
        actor: options.actor,
        action: decided.action,
        subject: { type: options.subjectType, id: String(document._id) },
        reason: decided.reason ?? '',
        details: { ...options.subjectDetails?.(document), ...decided.details },
      },
      options.clock.now(),
    );
    if (outcome === 'applied') return options.load();
    if (attempt >= maxAttempts) throw options.busy();
    await sleep(20 * attempt);
  }
}
