/**
 * The outbox's delivery loop: takes due messages out of the outbox, as far as the rate limits allow,
 * and hands each to one attempt (outbox-attempt.ts), which claims, sends and records it.
 *
 * Rate limits. What the limits count is stored on the messages themselves: each attempt records its
 * `claimedAt`, its chat (`recipientKey`) and the random jitter it drew. Every drain starts by reading
 * the attempts of the last minute, so the limits hold across restarts and account for sends by other
 * processes up to that moment; within a drain the deliverer adds its own sends as it goes. Two
 * deliverers draining at the same instant can each use the whole budget (nothing atomic reserves a
 * slot), which is accepted: one chat login is driven by one bot process, and a second deliverer only
 * overlaps it briefly during a restart. A per-recipient document would need a guarded write per send
 * and still not cover the per-minute limit, so it would add writes without closing that gap.
 */
import { OutboxMessageModel } from './outbox-message-model';
import type { OutboxMessage } from './outbox-message-model';
import { archiveSentMessages } from './outbox-archive';
import { OutboxAttempts } from './outbox-attempt';
import type { OutboxDeliveryDependencies } from './outbox-attempt';
import { decidePace, dueAction, paceWindowMs, pickJitterMs } from './outbox-rules';
import type { RecentSend } from './outbox-rules';

export type { DeliverableMessage, OutboxDeliveryDependencies } from './outbox-attempt';

export interface OutboxDeliveryOptions {
  /** A 'sending' claim older than this is taken to be abandoned and the message is sent again. */
  leaseMs?: number;
  /** How often the loop looks for new messages when there is nothing else to wait for. */
  pollIntervalMs?: number;
  /** The longest wait between two attempts of one message. */
  retryDelayCapMs?: number;
  /** Due messages read per drain; the loop drains again at once while it is sending. */
  candidateLimit?: number;
  /** Whether `wake` drains at once (default true); false keeps the loop to its poll interval. */
  wakeOnEnqueue?: boolean;
  /** How often a drain moves sent messages out of the live outbox. */
  archiveIntervalMs?: number;
}

export const defaultLeaseMs = 60_000;
/** Messages enqueued in this process wake the deliverer; the poll is for those from other processes. */
const defaultPollIntervalMs = 5_000;
const defaultCandidateLimit = 500;
const defaultArchiveIntervalMs = 10_000;
const archiveAfterSends = 100;

/** Takes messages out of the outbox and sends them; one per bot process. */
export class OutboxDelivery {
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly candidateLimit: number;
  private readonly wakeOnEnqueue: boolean;
  private readonly archiveIntervalMs: number;
  private readonly random: () => number;
  private readonly attempts: OutboxAttempts;

  private running = false;
  private stopRequested = false;
  private timer: NodeJS.Timeout | null = null;
  /** The drain under way (drains of one deliverer run one after the other). */
  private current: Promise<number> | null = null;
  /** The earliest moment a message held up by a rate limit may go, as found by the last drain. */
  private nextWakeAt: Date | null = null;
  /** Set by `wake` during a drain: something was enqueued after the drain looked, so drain again at once. */
  private wokenDuringDrain = false;
  private lastArchivedAt: Date | null = null;
  /** Messages this deliverer sent since it last archived. */
  private sentSinceArchive = 0;

  constructor(
    private readonly dependencies: OutboxDeliveryDependencies,
    options: OutboxDeliveryOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? defaultLeaseMs;
    this.pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
    this.candidateLimit = options.candidateLimit ?? defaultCandidateLimit;
    this.wakeOnEnqueue = options.wakeOnEnqueue ?? true;
    this.archiveIntervalMs = options.archiveIntervalMs ?? defaultArchiveIntervalMs;
    this.random = dependencies.random ?? Math.random;
    this.attempts = new OutboxAttempts(dependencies, this.leaseMs, options.retryDelayCapMs, this.random);
  }

  /**
   * Sends what is due now, one message at a time, as far as the rate limits allow: claims it, sends
   * it, records the outcome. Messages into one chat go in the order they are due. Returns how many
   * messages were handed to the chat. Database errors are thrown (the loop logs them and drains again).
   */
  drainOnce(): Promise<number> {
    const previous = this.current ?? Promise.resolve(0);
    const run = previous.catch(() => 0).then(() => this.drainNow());
    this.current = run;
    const clear = () => {
      if (this.current === run) this.current = null;
    };
    run.then(clear, clear);
    return run;
  }

  /** Drains now and then again whenever something may be due; does nothing when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop; resolves once the message being sent (if any) is sent and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.current) await this.current.catch(() => undefined);
    this.stopRequested = false;
  }

  /** Something was just enqueued: drain now rather than at the next poll. */
  wake(): void {
    if (!this.running || !this.wakeOnEnqueue) return;
    if (!this.timer) {
      this.wokenDuringDrain = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let delayMs = this.pollIntervalMs;
    this.wokenDuringDrain = false;
    try {
      const sent = await this.drainOnce();
      delayMs = this.wokenDuringDrain ? 0 : this.delayBeforeNextDrain(sent);
    } catch (error) {
      this.dependencies.logger.error({ err: error }, 'outbox drain failed; trying again');
    }
    if (this.running) this.schedule(delayMs);
  }

  /**
   * At once while messages go out; until a held-up message may go (plus jitter, so held-up messages
   * do not all leave at the same moment) when the rate limits hold something up; else the poll interval.
   */
  private delayBeforeNextDrain(sent: number): number {
    if (sent > 0) return 0;
    if (!this.nextWakeAt) return this.pollIntervalMs;
    const wait = this.nextWakeAt.getTime() - this.dependencies.clock.now().getTime();
    const jitter = pickJitterMs(this.dependencies.config, this.random());
    return Math.min(Math.max(wait, 0) + jitter, this.pollIntervalMs);
  }

  private async drainNow(): Promise<number> {
    this.nextWakeAt = null;
    if (this.stopRequested) return 0;
    const { clock, config } = this.dependencies;
    const startedAt = clock.now();
    await this.archiveIfDue(startedAt);
    const candidates = await this.findDue(startedAt);
    if (candidates.length === 0) return 0;
    const recentSends = await this.loadRecentSends(startedAt);

    let sent = 0;
    /** Chats skipped in this drain: their later messages wait too, so each chat keeps its order. */
    const heldUp = new Set<string>();
    for (const candidate of candidates) {
      if (this.stopRequested) break;
      if (heldUp.has(candidate.recipientKey)) continue;
      const now = clock.now();
      const action = dueAction(candidate, now, this.leaseMs);
      if (!action) continue;
      const pace = decidePace(candidate.recipientKey, recentSends, now, config);
      if (!pace.allowed) {
        this.noteWake(pace.retryAt);
        if (pace.reason === 'minute-limit') break;
        heldUp.add(candidate.recipientKey);
        continue;
      }
      const claimed = await this.attempts.claim(candidate, action, now);
      if (!claimed) {
        // Another deliverer is sending into this chat right now; leave the chat to it for this drain.
        heldUp.add(candidate.recipientKey);
        continue;
      }
      recentSends.push({ recipientKey: candidate.recipientKey, at: now, jitterMs: claimed.attempt.sendJitterMs });
      if (await this.attempts.deliver(claimed)) {
        sent += 1;
        this.sentSinceArchive += 1;
      }
    }
    return sent;
  }

  /**
   * Every `archiveIntervalMs`, or after `archiveAfterSends` sends when messages go out faster, moves the
   * messages sent before the rate limits' window to the archive: the limits read the live outbox, so a
   * sent message stays as long as they count it (its attempt was claimed before it was sent), and no
   * longer. Every drain scans the live outbox on the embedded database, so it is kept that small.
   */
  private async archiveIfDue(now: Date): Promise<void> {
    const recently = this.lastArchivedAt && now.getTime() - this.lastArchivedAt.getTime() < this.archiveIntervalMs;
    if (recently && this.sentSinceArchive < archiveAfterSends) return;
    this.lastArchivedAt = now;
    this.sentSinceArchive = 0;
    await archiveSentMessages(new Date(now.getTime() - paceWindowMs(this.dependencies.config)));
  }

  private noteWake(at: Date): void {
    if (!this.nextWakeAt || at < this.nextWakeAt) this.nextWakeAt = at;
  }

  /** Pending messages whose time has come and messages whose 'sending' claim ran out, oldest first. */
  private async findDue(now: Date): Promise<OutboxMessage[]> {
    const claimedBefore = new Date(now.getTime() - this.leaseMs);
    return OutboxMessageModel.find({
      $or: [
        { status: 'pending', notBefore: { $lte: now } },
        { status: 'sending', claimedAt: { $lte: claimedBefore } },
      ],
    })
      .sort({ notBefore: 1, _id: 1 })
      .limit(this.candidateLimit)
      .lean<OutboxMessage[]>();
  }

  /** The attempts that can still hold up a send: those claimed within the rate limits' window. */
  private async loadRecentSends(now: Date): Promise<RecentSend[]> {
    const since = new Date(now.getTime() - paceWindowMs(this.dependencies.config));
    const attempts = await OutboxMessageModel.find(
      { claimedAt: { $gt: since } },
      { recipientKey: 1, claimedAt: 1, sendJitterMs: 1 },
    ).lean<Pick<OutboxMessage, 'recipientKey' | 'claimedAt' | 'sendJitterMs'>[]>();
    return attempts.flatMap((attempt) =>
      attempt.claimedAt
        ? [{ recipientKey: attempt.recipientKey, at: attempt.claimedAt, jitterMs: attempt.sendJitterMs ?? 0 }]
        : [],
    );
  }
}
