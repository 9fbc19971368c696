/**
 * One outbox message's attempt: claim it, send it, record the outcome (sent, pending again with a
 * retry time, or dead, with the admins told once).
 *
 * Claims. FerretDB v1 makes only inserts against a unique index atomic, so an attempt starts by
 * claiming the message's revision (src/shared/claimed-write.ts): inserting "OutboxMessage:<id>:<revision>".
 * Whoever inserts that claim first owns the attempt; everyone else gets nothing and moves on. Two
 * processes, or two deliverers in one process, therefore never both send one message. The claim is
 * held while the message is sent, and the attempt with its outcome (sent, pending again with a retry
 * time, or dead) is then one write: one claim and one write per message.
 *
 * Crash windows. The claim carries 'sending': if the deliverer disappears while holding it, the next
 * deliverer that meets the claim after the lease (default 60 s) rolls it forward, finds the message
 * in 'sending' with an expired lease, and sends it again with a warning that names its idempotency
 * key. The one step that can deliver twice is between `send` resolving and the outcome being written
 * (and a send slower than the lease, which is why the lease must be longer than the slowest send). A
 * dead message's admin alert is at most once: a crash right after marking it dead loses the alert,
 * not the record.
 */
import type { Clock } from '../shared/clock';
import type { OutboxConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import { SendDeferredError } from '../shared/errors';
import { isUniqueConflict, translateDatabaseError } from '../shared/database';
import {
  RevisionClaimModel,
  applyAtRevision,
  claimRevision,
  revisionClaimIds,
  writeAtRevision,
} from '../shared/claimed-write';
import type { HeldClaim } from '../shared/claimed-write';
import { OutboxMessageModel } from './outbox-message-model';
import type { OutboxFile, OutboxMessage } from './outbox-message-model';
import { OutboxSentKeyModel } from './outbox-archive-model';
import {
  describeDeadLetter,
  describeSendError,
  nextStepAfterFailure,
  pickJitterMs,
  retryDelayMs,
} from './outbox-rules';
import type { DueAction } from './outbox-rules';

/** What `send` gets: a message as the chat needs it, with ids as strings. */
export interface DeliverableMessage {
  id: string;
  idempotencyKey: string;
  recipient: { personId: string | null; roomId: string; contactId: string };
  text: string;
  file: OutboxFile | null;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface OutboxDeliveryDependencies {
  clock: Clock;
  config: OutboxConfig;
  logger: Logger;
  /** Recorded as `claimedBy`, so a stuck message names the process that held it. */
  processId: string;
  /** Hands the message to the chat; resolves once the chat accepted it, throws when it did not. */
  send: (message: DeliverableMessage) => Promise<void>;
  /** Called once per dead message (not for dead alerts). A failure is logged, never retried. */
  alertAdmins: (text: string, deadMessage: DeliverableMessage) => Promise<void>;
  /** Source of randomness for jitter and back-off; Math.random unless a test fixes it. */
  random?: () => number;
}

/** What an attempt records on the message: who took it, when, which attempt, and the jitter it drew. */
type AttemptFields = Pick<OutboxMessage, 'claimedBy' | 'claimedAt' | 'attempts' | 'sendJitterMs'>;

/**
 * A message this deliverer holds the claim of while it sends it: the message as read (still at the
 * claimed revision) with the attempt's fields, and the claim. Its outcome is then one write.
 */
export interface ClaimedMessage {
  message: OutboxMessage;
  attempt: AttemptFields;
  held: HeldClaim;
}

/** Claims, sends and records one message at a time for a deliverer. */
export class OutboxAttempts {
  constructor(
    private readonly dependencies: OutboxDeliveryDependencies,
    /** A 'sending' claim older than this is taken to be abandoned and the message is sent again. */
    private readonly leaseMs: number,
    /** The longest wait between two attempts of one message. */
    private readonly retryDelayCapMs: number | undefined,
    private readonly random: () => number,
  ) {}

  /**
   * Claims the message for one attempt; null when another deliverer got it first (or it is dead now).
   * The claim is held while the message is sent and the outcome written in one write afterwards; if
   * this deliverer disappears meanwhile, the claim is rolled forward to 'sending' once the lease has
   * run out, and the message is then sent again (with a warning).
   */
  async claim(candidate: OutboxMessage, action: DueAction, now: Date): Promise<ClaimedMessage | null> {
    const { config, logger, processId } = this.dependencies;
    if (action === 'reclaim' && nextStepAfterFailure(candidate.attempts, config) === 'dead') {
      const reason = `delivery did not finish: attempt ${candidate.attempts} by ${candidate.claimedBy} was abandoned while sending`;
      await this.deadLetter(candidate, reason, now, null);
      return null;
    }
    const attempt: AttemptFields = {
      claimedBy: processId,
      claimedAt: now,
      attempts: candidate.attempts + 1,
      sendJitterMs: pickJitterMs(config, this.random()),
    };
    const abandoned = { status: 'sending' as const, ...attempt, updatedAt: now };
    const held = await claimRevision(OutboxMessageModel, candidate, abandoned, now, this.leaseMs);
    if (!held) return null;
    if (!(await this.registerSentKey(candidate, now))) {
      await this.dropAlreadySent(candidate);
      return null;
    }
    if (action === 'reclaim') {
      logger.warn(
        {
          idempotencyKey: candidate.idempotencyKey,
          abandonedBy: candidate.claimedBy,
          abandonedAt: candidate.claimedAt,
          attempt: attempt.attempts,
        },
        `outbox message ${candidate.idempotencyKey} was left in 'sending' for more than ${this.leaseMs} ms; sending it again, it may be delivered twice`,
      );
    }
    return { message: { ...candidate, ...attempt }, attempt, held };
  }

  /**
   * Records that this message is about to be sent under its key; false when another message holds the
   * key (it was sent, or is dead, and has left the live outbox where the unique index would have
   * refused this one). The insert is the check, so a normal send reads nothing here.
   */
  private async registerSentKey(message: OutboxMessage, now: Date): Promise<boolean> {
    try {
      await OutboxSentKeyModel.collection.insertOne({
        _id: message.idempotencyKey,
        messageId: message._id,
        registeredAt: now,
      } as never);
      return true;
    } catch (error) {
      if (!isUniqueConflict(error)) translateDatabaseError(error);
    }
    const holder = await OutboxSentKeyModel.findById(message.idempotencyKey).lean();
    return holder?.messageId.equals(message._id) ?? true;
  }

  /** Removes a message whose key was sent by an earlier message, unsent, with its claims. */
  private async dropAlreadySent(message: OutboxMessage): Promise<void> {
    await OutboxMessageModel.deleteOne({ _id: message._id });
    await RevisionClaimModel.deleteMany({ _id: { $in: revisionClaimIds(OutboxMessageModel, message) } });
    this.dependencies.logger.info(
      { idempotencyKey: message.idempotencyKey },
      `outbox message ${message.idempotencyKey} was enqueued again after it was sent; not sent again`,
    );
  }

  /** Sends one claimed message and records the outcome; true when the chat accepted it. */
  async deliver(claimed: ClaimedMessage): Promise<boolean> {
    try {
      await this.dependencies.send(toDeliverable(claimed.message));
    } catch (error) {
      await this.recordFailure(claimed, error);
      return false;
    }
    const now = this.dependencies.clock.now();
    const sent = { status: 'sent', sentAt: now, lastError: '', updatedAt: now };
    if (!(await this.recordOutcome(claimed, sent, now)))
      this.warnClaimTaken(claimed.message, 'it may be delivered twice');
    return true;
  }

  /** Writes the attempt and its outcome in one write; false when the claim was taken over meanwhile. */
  private recordOutcome(claimed: ClaimedMessage, outcome: Record<string, unknown>, now: Date): Promise<boolean> {
    const changes = { ...claimed.attempt, ...outcome };
    return writeAtRevision(OutboxMessageModel, claimed.message, changes, claimed.held, now);
  }

  private async recordFailure(claimed: ClaimedMessage, error: unknown): Promise<void> {
    const { clock, config, logger } = this.dependencies;
    const { message } = claimed;
    const now = clock.now();
    const lastError = describeSendError(error);
    if (error instanceof SendDeferredError) {
      // Held back by the channel before it reached the chat: not an attempt, so never a step towards dead.
      const held = { status: 'pending', notBefore: error.retryAt, claimedBy: '', attempts: message.attempts - 1 };
      if (!(await this.recordOutcome(claimed, { ...held, lastError, updatedAt: now }, now))) {
        this.warnClaimTaken(message, 'its deferral was not recorded');
      }
      return;
    }
    if (nextStepAfterFailure(message.attempts, config) === 'dead') {
      await this.deadLetter(message, lastError, now, claimed);
      return;
    }
    const delayMs = retryDelayMs(message.attempts, config, this.random(), this.retryDelayCapMs);
    const retry = {
      status: 'pending',
      notBefore: new Date(now.getTime() + delayMs),
      claimedBy: '',
      lastError,
      updatedAt: now,
    };
    if (!(await this.recordOutcome(claimed, retry, now))) {
      this.warnClaimTaken(message, 'its failure was not recorded');
      return;
    }
    logger.warn(
      { idempotencyKey: message.idempotencyKey, attempt: message.attempts, retryInMs: delayMs, error: lastError },
      'outbox send failed; will retry',
    );
  }

  /**
   * Marks the message dead (through the claim this deliverer holds, or by claiming it now) and, when
   * this deliverer made it so, tells the admins once.
   */
  private async deadLetter(
    message: OutboxMessage,
    lastError: string,
    now: Date,
    claimed: ClaimedMessage | null,
  ): Promise<void> {
    const { alertAdmins, logger } = this.dependencies;
    const dead = { status: 'dead', deadLetteredAt: now, claimedBy: '', lastError, updatedAt: now };
    const recorded = claimed
      ? await this.recordOutcome(claimed, dead, now)
      : (await applyAtRevision(OutboxMessageModel, message, dead, now)) === 'applied';
    if (!recorded) return;
    logger.error(
      { idempotencyKey: message.idempotencyKey, attempts: message.attempts, kind: message.kind, error: lastError },
      'outbox message dead after its last attempt',
    );
    if (message.kind === 'alert') return;
    const deliverable = toDeliverable(message);
    const text = describeDeadLetter({ ...deliverable, attempts: message.attempts, lastError });
    try {
      await alertAdmins(text, deliverable);
    } catch (error) {
      logger.error(
        { err: error, idempotencyKey: message.idempotencyKey },
        'alerting the admins about a dead outbox message failed; not retried',
      );
    }
  }

  private warnClaimTaken(message: OutboxMessage, consequence: string): void {
    this.dependencies.logger.warn(
      { idempotencyKey: message.idempotencyKey, attempt: message.attempts },
      `outbox message ${message.idempotencyKey} was claimed by another deliverer while this one was sending it (lease of ${this.leaseMs} ms ran out); ${consequence}`,
    );
  }
}

function toDeliverable(message: OutboxMessage): DeliverableMessage {
  return {
    id: String(message._id),
    idempotencyKey: message.idempotencyKey,
    recipient: {
      personId: message.recipient?.personId ? String(message.recipient.personId) : null,
      roomId: message.recipient?.roomId ?? '',
      contactId: message.recipient?.contactId ?? '',
    },
    text: message.text,
    file: message.file?.path ? { path: message.file.path, name: message.file.name } : null,
    attempt: message.attempts,
  };
}
