/**
 * WeCom's per-member limits on an app's messages (doc 90236, doc 90454): 30 a minute and 1,000 an
 * hour to one member. What goes beyond is dropped silently, with errcode 0, so the puppet counts its
 * own sends and refuses one that would cross a limit, naming when it may go; the outbox then keeps
 * the message for that time instead of counting it as delivered. The outbox's own pacing for this
 * puppet (`wecomOutboxConfig`) stays below these limits, so this is the last guard, not the pacer.
 */
import type { OutboxConfig } from '../../src/shared/config';
import { SendDeferredError } from '../../src/shared/errors';

export interface MemberSendLimits {
  perMinute: number;
  perHour: number;
}

export const wecomMemberSendLimits: MemberSendLimits = { perMinute: 30, perHour: 1000 };

const minuteMs = 60_000;
const hourMs = 3_600_000;

export class MemberSendCounter {
  /** Member → times of the sends of the last hour, oldest first. */
  private readonly sends = new Map<string, number[]>();

  constructor(private readonly limits: MemberSendLimits = wecomMemberSendLimits) {}

  /** Counts `count` sends to `member` at `now`, or throws SendDeferredError when they would cross a limit. */
  take(member: string, now: Date, count = 1): void {
    const at = now.getTime();
    const recent = (this.sends.get(member) ?? []).filter((time) => time > at - hourMs);
    const lastMinute = recent.filter((time) => time > at - minuteMs);
    let retryAt: number | null = null;
    // The send that must leave the window before `count` more fit (the window never holds more than the limit).
    if (lastMinute.length + count > this.limits.perMinute) {
      retryAt = lastMinute[Math.max(lastMinute.length + count - this.limits.perMinute - 1, 0)] + minuteMs;
    }
    if (recent.length + count > this.limits.perHour) {
      retryAt = Math.max(retryAt ?? 0, recent[Math.max(recent.length + count - this.limits.perHour - 1, 0)] + hourMs);
    }
    if (retryAt !== null) {
      this.sends.set(member, recent);
      throw new SendDeferredError(
        `企业微信对每位成员每分钟最多 ${this.limits.perMinute} 条、每小时最多 ${this.limits.perHour} 条应用消息，本条稍后发送`,
        new Date(retryAt),
      );
    }
    for (let index = 0; index < count; index += 1) recent.push(at);
    this.sends.set(member, recent);
  }
}

/**
 * The outbox pacing for a WeCom app: at least one message every 4 s into one chat (≤15 a minute,
 * ≤900 an hour per member), whatever the configuration says when it says less.
 */
export function wecomOutboxConfig(config: OutboxConfig): OutboxConfig {
  return { ...config, perContactIntervalMs: Math.max(config.perContactIntervalMs, 4000) };
}
