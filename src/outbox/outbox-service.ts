/**
 * The outbox (DESIGN: "everything that must happen later is a document first, then an action").
 * Services put messages in with `Outbox.enqueue`; the bot process takes them out with
 * `OutboxDelivery`, rate-limited, with retries, marking each message sent.
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
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { OutboxConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import { SendDeferredError, ValidationError } from '../shared/errors';
import { insertIgnoringDuplicates, isDuplicateKeyError, translateDatabaseError } from '../shared/database';
import { toObjectIdOrNull } from '../shared/ids';
import {
  RevisionClaimModel,
  applyAtRevision,
  claimRevision,
  revisionClaimIds,
  writeAtRevision,
} from '../shared/claimed-write';
import type { HeldClaim } from '../shared/claimed-write';
import { OutboxMessageModel, outboxKinds, outboxMaxKeyLength, outboxMaxTextLength } from './outbox-message-model';
import type { OutboxFile, OutboxKind, OutboxMessage } from './outbox-message-model';
import { OutboxArchiveModel, OutboxSentKeyModel } from './outbox-archive-model';
import {
  decidePace,
  describeDeadLetter,
  describeSendError,
  dueAction,
  nextStepAfterFailure,
  paceWindowMs,
  pickJitterMs,
  recipientKeyOf,
  retryDelayMs,
} from './outbox-rules';
import type { DueAction, RecentSend } from './outbox-rules';
import { splitMessage, wechatMaxMessageBytes } from './message-length-rules';

export interface OutboxEntry {
  /** Deterministic, e.g. "draft:<id>:approval-request:<version>:<approverId>": enqueueing it again is a no-op. */
  idempotencyKey: string;
  /**
   * A room, a chat contact (contact ids are only stable within one puppet, so only for immediate
   * replies to someone not yet bound) or a person. A message that names a room goes into the room.
   */
  recipient: { personId?: Types.ObjectId | string | null; roomId?: string; contactId?: string };
  text: string;
  /** Not before this time (scheduled reminders); now when not given. */
  notBefore?: Date;
  /** 'notice' unless given; see outboxKinds. */
  kind?: OutboxKind;
  /** Sends this stored file instead of the text. */
  file?: OutboxFile | null;
}

export interface OutboxDependencies {
  clock: Clock;
  logger?: Logger;
  /** The chat channel's longest message (UTF-8 bytes); longer texts are enqueued as numbered parts. */
  maxMessageBytes?: number;
}

/** Puts messages into the outbox; used by every service that tells someone something. */
export class Outbox {
  private readonly enqueueListeners = new Set<() => void>();

  constructor(private readonly dependencies: OutboxDependencies) {}

  /**
   * Calls `listener` after each enqueue in this process, so a deliverer here can send at once instead
   * of at its next poll (which remains for messages enqueued by other processes). Returns the unsubscribe.
   */
  onEnqueued(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    return () => this.enqueueListeners.delete(listener);
  }

  /**
   * Inserts the entries in one unordered write. An entry whose idempotency key is already in the
   * outbox is skipped silently, so a service that retries after a crash can enqueue again. An invalid
   * entry (no recipient, empty text) fails the whole call before anything is written. A text longer
   * than the channel takes becomes numbered parts (the first keeps the entry's key, the others get
   * ":part-N"), sent in order; splitting is deterministic, so enqueueing again skips them all.
   */
  async enqueue(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = this.dependencies.clock.now();
    const maxBytes = this.dependencies.maxMessageBytes ?? wechatMaxMessageBytes;
    const documents = entries.flatMap((entry) => splitEntry(entry, maxBytes)).map((entry) => buildMessage(entry, now));
    const inserted = await insertIgnoringDuplicates(OutboxMessageModel.collection, documents);
    if (inserted < documents.length) {
      this.dependencies.logger?.debug(
        { skipped: documents.length - inserted, entries: documents.length },
        'outbox entries already enqueued were skipped',
      );
    }
    for (const listener of this.enqueueListeners) listener();
  }

  /**
   * Deletes archived messages sent before `sentBefore` (first moving any sent message still in the
   * live outbox). Dead messages stay for the admins to look at; the sent-key registry stays for good.
   */
  async pruneSent(sentBefore: Date): Promise<number> {
    await archiveSentMessages(sentBefore);
    const { deletedCount } = await OutboxArchiveModel.deleteMany({ sentAt: { $lt: sentBefore } });
    return deletedCount;
  }
}

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

function splitEntry(entry: OutboxEntry, maxBytes: number): OutboxEntry[] {
  if (entry.file || typeof entry.text !== 'string') return [entry];
  return splitMessage(entry.text, maxBytes).map((text, index) => ({
    ...entry,
    idempotencyKey: index === 0 ? entry.idempotencyKey : `${entry.idempotencyKey}:part-${index + 1}`,
    text,
  }));
}

/**
 * The stored message for an entry, built as a plain document with the schema's defaults: checked here
 * by hand, because a mongoose document with its validation costs about 0.3 ms per message, which the
 * annual review's 20,000 reminders of 1 November cannot afford (bench annual-review).
 */
const maxKeyLength = outboxMaxKeyLength;
const maxTextLength = outboxMaxTextLength;

function buildMessage(entry: OutboxEntry, now: Date): OutboxMessage {
  if (typeof entry.idempotencyKey !== 'string' || entry.idempotencyKey.trim() === '') {
    throw new ValidationError('OUTBOX_KEY_MISSING', '待发送消息缺少幂等键');
  }
  const personId = toObjectIdOrNull(
    entry.recipient.personId,
    () =>
      new ValidationError('OUTBOX_RECIPIENT_INVALID', '待发送消息的收件人编号无效', {
        details: { personId: entry.recipient.personId },
      }),
  );
  const roomId = entry.recipient.roomId ?? '';
  const contactId = entry.recipient.contactId ?? '';
  const recipientKey = recipientKeyOf({ personId, roomId, contactId });
  if (!recipientKey) {
    throw new ValidationError('OUTBOX_RECIPIENT_MISSING', '待发送消息缺少收件人', {
      details: { idempotencyKey: entry.idempotencyKey },
    });
  }
  const kind = entry.kind ?? 'notice';
  const notBefore = entry.notBefore ?? now;
  const invalidFields = [
    entry.idempotencyKey.length > maxKeyLength ? 'idempotencyKey' : '',
    typeof entry.text !== 'string' || entry.text === '' || entry.text.length > maxTextLength ? 'text' : '',
    outboxKinds.includes(kind) ? '' : 'kind',
    notBefore instanceof Date && !Number.isNaN(notBefore.getTime()) ? '' : 'notBefore',
    entry.file && (typeof entry.file.path !== 'string' || typeof entry.file.name !== 'string') ? 'file' : '',
  ].filter(Boolean);
  if (invalidFields.length > 0) {
    throw new ValidationError('OUTBOX_MESSAGE_INVALID', '待发送消息内容无效（正文为空或过长）', {
      details: { idempotencyKey: entry.idempotencyKey, fields: invalidFields },
    });
  }
  return {
    _id: new Types.ObjectId(),
    idempotencyKey: entry.idempotencyKey,
    kind,
    recipient: { personId, roomId, contactId },
    file: entry.file ? { path: entry.file.path, name: entry.file.name } : null,
    recipientKey,
    text: entry.text,
    status: 'pending',
    attempts: 0,
    notBefore,
    claimedBy: '',
    claimedAt: null,
    sendJitterMs: 0,
    sentAt: null,
    deadLetteredAt: null,
    lastError: '',
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
}

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

/** What an attempt records on the message: who took it, when, which attempt, and the jitter it drew. */
type AttemptFields = Pick<OutboxMessage, 'claimedBy' | 'claimedAt' | 'attempts' | 'sendJitterMs'>;

/**
 * A message this deliverer holds the claim of while it sends it: the message as read (still at the
 * claimed revision) with the attempt's fields, and the claim. Its outcome is then one write.
 */
interface ClaimedMessage {
  message: OutboxMessage;
  attempt: AttemptFields;
  held: HeldClaim;
}

/** Takes messages out of the outbox and sends them; one per bot process. */
export class OutboxDelivery {
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayCapMs: number | undefined;
  private readonly candidateLimit: number;
  private readonly wakeOnEnqueue: boolean;
  private readonly archiveIntervalMs: number;
  private readonly random: () => number;

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
    this.retryDelayCapMs = options.retryDelayCapMs;
    this.candidateLimit = options.candidateLimit ?? defaultCandidateLimit;
    this.wakeOnEnqueue = options.wakeOnEnqueue ?? true;
    this.archiveIntervalMs = options.archiveIntervalMs ?? defaultArchiveIntervalMs;
    this.random = dependencies.random ?? Math.random;
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
      const claimed = await this.claim(candidate, action, now);
      if (!claimed) {
        // Another deliverer is sending into this chat right now; leave the chat to it for this drain.
        heldUp.add(candidate.recipientKey);
        continue;
      }
      recentSends.push({ recipientKey: candidate.recipientKey, at: now, jitterMs: claimed.attempt.sendJitterMs });
      if (await this.deliver(claimed)) {
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

  /**
   * Claims the message for one attempt; null when another deliverer got it first (or it is dead now).
   * The claim is held while the message is sent and the outcome written in one write afterwards; if
   * this deliverer disappears meanwhile, the claim is rolled forward to 'sending' once the lease has
   * run out, and the message is then sent again (with a warning).
   */
  private async claim(candidate: OutboxMessage, action: DueAction, now: Date): Promise<ClaimedMessage | null> {
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
      if (!isDuplicateKeyError(error)) translateDatabaseError(error);
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
  private async deliver(claimed: ClaimedMessage): Promise<boolean> {
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
