/**
 * Fixed-window limits kept in the database, shared by every API process: the attempts of a key in the
 * current window are counted by an indexed query over one document per attempt. An attempt is
 * admitted when the count before it is under the limit and the count after inserting it is still
 * within it; two processes racing for the last place may both be refused, never both admitted beyond
 * it. Windows that ended over an hour ago are deleted, at most once an hour by each process.
 */
import type { Clock } from '../shared/clock';
import { AuthAttemptModel } from './auth-attempt-model';

export interface AttemptWindow {
  /** What is limited and for whom, e.g. "auth-ip:203.0.113.7". */
  key: string;
  windowMs: number;
  max: number;
}

export interface AttemptCheck {
  allowed: boolean;
  /** Seconds until the window ends: what Retry-After says. */
  retryAfterSeconds: number;
}

/** The longest window any caller uses: older documents can be deleted. */
const keepMs = 3_600_000;

export class AttemptLimiter {
  private lastPrunedAt = 0;

  constructor(private readonly dependencies: { clock: Clock }) {}

  /** Counts one attempt and answers whether it is within the limit (a refused attempt is not stored). */
  async admit(window: AttemptWindow): Promise<AttemptCheck> {
    const { windowStart, check } = this.current(window);
    if ((await this.countIn(window.key, windowStart)) >= window.max) return check(false);
    await this.insert(window.key, windowStart);
    return check((await this.countIn(window.key, windowStart)) <= window.max);
  }

  /** Forgets the key's attempts (e.g. once a code was right). */
  async clear(key: string): Promise<void> {
    await AuthAttemptModel.deleteMany({ key });
  }

  private current(window: Pick<AttemptWindow, 'windowMs'>) {
    const now = this.dependencies.clock.now().getTime();
    const start = now - (now % window.windowMs);
    const retryAfterSeconds = Math.max(1, Math.ceil((start + window.windowMs - now) / 1000));
    return {
      windowStart: new Date(start),
      check: (allowed: boolean): AttemptCheck => ({ allowed, retryAfterSeconds }),
    };
  }

  private countIn(key: string, windowStart: Date): Promise<number> {
    return AuthAttemptModel.countDocuments({ key, windowStart });
  }

  private async insert(key: string, windowStart: Date): Promise<void> {
    const now = this.dependencies.clock.now();
    await AuthAttemptModel.create({ key, windowStart, at: now });
    if (now.getTime() - this.lastPrunedAt >= keepMs) {
      this.lastPrunedAt = now.getTime();
      await AuthAttemptModel.deleteMany({ windowStart: { $lt: new Date(now.getTime() - keepMs) } });
    }
  }
}
