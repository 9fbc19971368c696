/**
 * The audit trail's head: the newest event's sequence and hash, which the next append links to.
 * Reading it after losing a number, following a writer ahead, and the head hint (a single document)
 * that spares other processes a read of the whole trail: written by each process after its appends,
 * at once while processes contend, else every `hintEveryEvents` events or `hintIntervalMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../shared/logger';
import { isUniqueConflict } from '../shared/database';
import { AuditEventModel, AuditHeadModel } from './audit-event-model';
import { genesisHash } from './audit-chain-rules';

export interface ChainHead {
  sequence: number;
  hash: string;
}

export const emptyChain: ChainHead = { sequence: 0, hash: genesisHash };

/** The head hint this process writes; one per AuditTrail. */
export class AuditHeadHint {
  /**
   * The hint is written after the caller has its answer: this process knows its head already, and
   * other processes fall back to reading the trail when the hint lags. A lone writer (one bot process)
   * writes it, with the newest head, once `hintEveryEvents` events or `hintIntervalMs` have passed since
   * the last one, whichever comes first; a writer that lost a number recently is contending with
   * another process, which polls the hint, so it writes at once. Heads that arrive while a write is
   * under way are coalesced into the next one.
   */
  private hintToPublish: ChainHead | null = null;
  private publishing: Promise<void> | null = null;
  private hintTimer: NodeJS.Timeout | null = null;
  /** The newest head this process wrote as the hint. */
  private publishedSequence = 0;
  private lastLostAt = -Infinity;
  private lastSignalledAt = -Infinity;

  constructor(private readonly logger: Logger | undefined) {}

  /**
   * This process lost a number: it writes its hints at once for a while, and tells the other writers
   * so through the hint document. A lone writer writes its hint only every `hintIntervalMs`, so a
   * process it beat would otherwise see a stale hint, retry into taken numbers and end up reading the
   * trail itself; told, the writer ahead writes its hint after every batch too.
   */
  noteContention(): void {
    this.lastLostAt = performance.now();
    if (this.lastLostAt - this.lastSignalledAt < contendedForMs / 4) return;
    this.lastSignalledAt = this.lastLostAt;
    AuditHeadModel.updateOne({ _id: 'head' }, { $set: { contendedAt: new Date() } }).catch((error: unknown) =>
      this.logger?.warn({ err: error }, 'audit contention not signalled'),
    );
  }

  publishHeadInBackground(head: ChainHead): void {
    this.hintToPublish = head;
    if (this.publishing) return;
    if (this.hintDue(head)) {
      this.publishNow();
      return;
    }
    if (this.hintTimer) return;
    this.hintTimer = setTimeout(() => this.publishNow(), hintIntervalMs);
    this.hintTimer.unref();
  }

  /** Whether `head` is to be written as the hint at once rather than when the timer fires. */
  private hintDue(head: ChainHead): boolean {
    const contended = performance.now() - this.lastLostAt < contendedForMs;
    return contended || head.sequence - this.publishedSequence >= hintEveryEvents;
  }

  private publishNow(): void {
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = null;
    this.publishing ??= this.publishPendingHints();
  }

  /** Writes the newest head, then any newer one that is due by then; one that is not waits for the timer. */
  private async publishPendingHints(): Promise<void> {
    for (let head = this.hintToPublish; head; head = this.hintToPublish) {
      this.hintToPublish = null;
      const contendedAt = await publishHead(head).catch((error: unknown) => {
        // One line: the hint is an optimisation, the chain does not depend on it.
        this.logger?.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'audit head hint not updated',
        );
        return null;
      });
      this.publishedSequence = Math.max(this.publishedSequence, head.sequence);
      // Another process lost a number lately: write hints at once, as if this one had.
      if (contendedAt && Date.now() - contendedAt.getTime() < contendedForMs) {
        this.lastLostAt = Math.max(this.lastLostAt, performance.now() - (Date.now() - contendedAt.getTime()));
      }
      if (this.hintToPublish && !this.hintDue(this.hintToPublish)) break;
    }
    this.publishing = null;
    if (this.hintToPublish) this.publishHeadInBackground(this.hintToPublish);
  }

  /** Writes the newest head hint now and resolves once it is written (for orderly shutdown and tests). */
  async settle(): Promise<void> {
    while (this.publishing) await this.publishing;
    if (!this.hintToPublish) return;
    this.publishNow();
    while (this.publishing) await this.publishing;
  }
}

/**
 * After losing a number: the writer that won knows the new head and usually appends its next events at
 * once, so while the head keeps moving this writer waits instead of retrying into numbers that are
 * being taken (which only adds failed writes); when the head stops moving, or after a bounded wait
 * that grows with each loss so nobody starves, it tries again.
 */
export async function followActiveWriter(known: ChainHead, lost: number): Promise<ChainHead> {
  const deadline = Date.now() + Math.min(25 * lost, 250);
  let head = await readNewerHead(known);
  while (Date.now() < deadline) {
    await sleep(5 + Math.random() * 5);
    const hint = await AuditHeadModel.findById('head').lean();
    if (!hint || hint.sequence <= head.sequence) break;
    head = { sequence: hint.sequence, hash: hint.hash };
  }
  return head;
}

/**
 * The newest event after `known`. The head hint comes first: after losing a race, the winner's hint
 * usually lands within a millisecond or two, so it is polled briefly. Only then are the events after
 * `known` read (on MongoDB an index range; FerretDB v1 scans the collection, hence the hint).
 */
export async function readNewerHead(known: ChainHead): Promise<ChainHead> {
  for (let poll = 0; poll < hintPolls; poll += 1) {
    const hint = await AuditHeadModel.findById('head').lean();
    if (hint && hint.sequence > known.sequence) return { sequence: hint.sequence, hash: hint.hash };
    if (known.sequence === 0 && !hint) break;
    await sleep(2 ** poll * (1 + Math.random()));
  }
  const newest = await AuditEventModel.find({ _id: { $gt: known.sequence } }, { _id: 1, hash: 1 })
    .sort({ _id: -1 })
    .limit(1)
    .lean();
  return newest[0] ? { sequence: newest[0]._id, hash: newest[0].hash } : known;
}

/**
 * About 250–500 ms of polling, ever less often, before the trail itself is read (a scan on FerretDB):
 * long enough for a writer ahead that is busy (and so writes its hint every `hintEveryEvents`) or has
 * been told of the contention. Polling longer only keeps a writer whose own head is newer than the
 * hint waiting (measured: 4 writers append at half the rate with 1–2 s of polling).
 */
const hintPolls = 8;
/**
 * A lone writer's hint lags its head by at most this long (or hintEveryEvents). Every hint is a write,
 * so a lone bot writes one every few seconds rather than one per approval (issue 14: ≤ 6 commands per
 * approval). Only another process needs it (a CLI command, a second bot): after losing a number it
 * polls the hint briefly, then reads the head from the trail (an index range on MongoDB).
 */
const hintIntervalMs = 5_000;
/** …or once this many events have been appended since the last hint, whichever comes first. */
const hintEveryEvents = 50;
/** How long after losing a number a writer counts as contending (and writes its hint at once). */
const contendedForMs = 2_000;

/** Moves the hint forward (never back); returns when another writer last signalled contention. */
async function publishHead(head: ChainHead): Promise<Date | null> {
  // The whole (small) document: FerretDB v1 does not implement findAndModify's `fields`.
  const before = await AuditHeadModel.findOneAndUpdate(
    { _id: 'head', sequence: { $lt: head.sequence } },
    { $set: { sequence: head.sequence, hash: head.hash } },
  ).lean();
  if (!before) {
    await AuditHeadModel.collection.insertOne({ _id: 'head', ...head } as never).catch((error: unknown) => {
      if (!isUniqueConflict(error)) throw error;
    });
  }
  return before?.contendedAt ?? null;
}
