/**
 * The outbox's pure rules: who a message's rate limits count against, when a message is due, how
 * long to wait after a failed send, whether a send may go out now under the rate limits, and the
 * text of the alert for a dead message. No I/O here; randomness comes in as a number in [0, 1).
 *
 * The rate limits keep the bot from looking like a spammer to the chat platform (WeChat's risk
 * control blocks accounts that send bursts or evenly timed messages): at least
 * `perContactIntervalMs` plus a random jitter of up to `jitterMs` between two messages into the same
 * chat, and at most `perMinuteLimit` messages in any 60 seconds overall.
 */
import type { OutboxConfig } from '../shared/config';

export const minuteMs = 60_000;

/** A back-off never grows beyond this by default: a message that fails for hours is checked every 15 minutes. */
export const defaultRetryDelayCapMs = 15 * minuteMs;

export interface RecipientReference {
  personId?: { toString(): string } | string | null;
  roomId?: string | null;
  contactId?: string | null;
}

/**
 * The chat a message goes into, as one string: a room when the message names one (a mention of a
 * person in a room is still a message into the room), else a chat contact (someone not yet bound to
 * a person), else the person. '' when none is set.
 */
export function recipientKeyOf(recipient: RecipientReference): string {
  if (recipient.roomId) return `room:${recipient.roomId}`;
  if (recipient.contactId) return `contact:${recipient.contactId}`;
  if (recipient.personId) return `person:${String(recipient.personId)}`;
  return '';
}

export type DueAction = 'send' | 'reclaim';

export interface DueCandidate {
  status: string;
  notBefore: Date;
  claimedAt: Date | null;
}

/**
 * 'send' for a pending message whose time has come; 'reclaim' for a message left in 'sending' by a
 * claim older than the lease (its sender crashed or hung); null otherwise.
 */
export function dueAction(message: DueCandidate, now: Date, leaseMs: number): DueAction | null {
  if (message.status === 'pending') return message.notBefore.getTime() <= now.getTime() ? 'send' : null;
  if (message.status === 'sending' && message.claimedAt) {
    return message.claimedAt.getTime() + leaseMs <= now.getTime() ? 'reclaim' : null;
  }
  return null;
}

/** What to do after attempt number `attempt` (1-based) failed. */
export function nextStepAfterFailure(attempt: number, config: Pick<OutboxConfig, 'maxAttempts'>): 'retry' | 'dead' {
  return attempt >= config.maxAttempts ? 'dead' : 'retry';
}

/**
 * The wait after failed attempt number `attempt` (1-based): exponential from `retryBaseMs`, capped at
 * `capMs`, with "equal jitter" (half fixed, half random), so that messages that failed together (the
 * chat was down) do not all come back at the same moment, yet no retry comes sooner than half the step.
 */
export function retryDelayMs(
  attempt: number,
  config: Pick<OutboxConfig, 'retryBaseMs'>,
  randomFraction: number,
  capMs: number = defaultRetryDelayCapMs,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const step = Math.min(capMs, config.retryBaseMs * 2 ** exponent);
  return Math.round(step / 2 + clampFraction(randomFraction) * (step / 2));
}

/** The random extra gap, 0…jitterMs, that a send adds to its chat's interval; chosen once per send. */
export function pickJitterMs(config: Pick<OutboxConfig, 'jitterMs'>, randomFraction: number): number {
  return Math.floor(clampFraction(randomFraction) * (config.jitterMs + 1));
}

/** One send (or attempt) the rate limits count: when it was handed to the chat and the jitter it drew. */
export interface RecentSend {
  recipientKey: string;
  at: Date;
  jitterMs: number;
}

export type PaceConfig = Pick<OutboxConfig, 'perContactIntervalMs' | 'perMinuteLimit' | 'jitterMs'>;

export type PaceDecision =
  { allowed: true } | { allowed: false; reason: 'recipient-interval' | 'minute-limit'; retryAt: Date };

/** perMinuteLimit 0: no overall limit (a test chat, a channel that paces itself), only the chat's interval. */
export const noMinuteLimit = 0;

/**
 * How far back the sends that can still hold up a new send go: a minute for the overall limit, the
 * longest interval for a chat's. Sent messages stay in the live outbox this long.
 */
export function paceWindowMs(config: PaceConfig): number {
  const overall = config.perMinuteLimit === noMinuteLimit ? 0 : minuteMs;
  return Math.max(overall, config.perContactIntervalMs + config.jitterMs);
}

/**
 * Whether a message into `recipientKey` may be sent at `now`, given the sends before it.
 * - The chat: the latest send into it must be at least perContactIntervalMs + that send's jitter ago.
 * - Overall: fewer than perMinuteLimit (unless 0) sends in the 60 s ending at `now` (a sliding window, so no
 *   burst across a minute boundary); when full, the send waits until the oldest one that counts leaves.
 * The chat's limit is reported first: it is the one that holds this message up for longer.
 */
export function decidePace(
  recipientKey: string,
  recentSends: readonly RecentSend[],
  now: Date,
  config: PaceConfig,
): PaceDecision {
  const nowMs = now.getTime();
  let recipientFreeAt = -Infinity;
  const inLastMinute: number[] = [];
  for (const send of recentSends) {
    const at = send.at.getTime();
    if (send.recipientKey === recipientKey) {
      recipientFreeAt = Math.max(recipientFreeAt, at + config.perContactIntervalMs + send.jitterMs);
    }
    if (at > nowMs - minuteMs) inLastMinute.push(at);
  }
  if (recipientFreeAt > nowMs) {
    return { allowed: false, reason: 'recipient-interval', retryAt: new Date(recipientFreeAt) };
  }
  if (config.perMinuteLimit !== noMinuteLimit && inLastMinute.length >= config.perMinuteLimit) {
    inLastMinute.sort((left, right) => left - right);
    const leaving = inLastMinute[inLastMinute.length - config.perMinuteLimit];
    return { allowed: false, reason: 'minute-limit', retryAt: new Date(leaving + minuteMs) };
  }
  return { allowed: true };
}

export interface DeadLetterDescription {
  idempotencyKey: string;
  recipient: { personId: string | null; roomId: string; contactId: string };
  attempts: number;
  lastError: string;
}

/** The Chinese alert to the admins about a message that will not be retried any more. */
export function describeDeadLetter(message: DeadLetterDescription): string {
  const { roomId, contactId, personId } = message.recipient;
  const recipient = roomId ? `群聊 ${roomId}` : contactId ? `联系人 ${contactId}` : `人员 ${personId ?? '（未指定）'}`;
  const error = message.lastError ? message.lastError.slice(0, 300) : '未知错误';
  return [
    `【消息发送失败】消息 ${message.idempotencyKey} 发往${recipient}，已尝试 ${message.attempts} 次仍未成功，已停止重试。`,
    `最后一次错误：${error}`,
    '请检查机器人的登录状态和收件人的绑定。',
  ].join('\n');
}

/** The idempotency key under which an alert about the dead message `idempotencyKey` is enqueued. */
export function deadLetterAlertKey(idempotencyKey: string): string {
  return `outbox-dead:${idempotencyKey}`;
}

/** A one-line description of whatever a send threw, for the message's `lastError` and the logs. */
export function describeSendError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = typeof code === 'string' || typeof code === 'number' ? `${code}: ${error.message}` : error.message;
    return text.split('\n')[0].slice(0, 500) || error.name;
  }
  return String(error).split('\n')[0].slice(0, 500);
}

function clampFraction(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
