/**
 * Helpers for the outbox tests: a config slice, a logger whose lines can be read back, a recording
 * `send`, and a way to fill the outbox with numbered messages.
 */
import { Types } from 'mongoose';
import type { ManualClock } from '../../../src/shared/clock';
import type { OutboxConfig } from '../../../src/shared/config';
import { createLogger } from '../../../src/shared/logger';
import type { Logger } from '../../../src/shared/logger';
import { Outbox } from '../../../src/outbox/outbox-service';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { OutboxArchiveModel, OutboxSentKeyModel } from '../../../src/outbox/outbox-archive-model';
import type { OutboxEntry } from '../../../src/outbox/outbox-service';
import type { DeliverableMessage } from '../../../src/outbox/outbox-delivery';

/** The start time of the outbox tests' manual clocks, and a moment some milliseconds after it. */
export const t0 = new Date('2026-11-26T01:00:00Z');
export const at = (milliseconds: number) => new Date(t0.getTime() + milliseconds);

export function outboxConfig(overrides: Partial<OutboxConfig> = {}): OutboxConfig {
  return {
    perContactIntervalMs: 0,
    perMinuteLimit: 100_000,
    jitterMs: 0,
    maxAttempts: 3,
    retryBaseMs: 1000,
    ...overrides,
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger writing into an array. */
export function capturingLogger(): { logger: Logger; lines: LogLine[]; warnings: () => LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, warnings: () => lines.filter((line) => line.level === 40) };
}

export interface RecordedSend {
  key: string;
  at: Date;
  by: string;
  recipient: DeliverableMessage['recipient'];
  attempt: number;
}

/** A `send` that records each message with the (manual) time it was handed over. */
export function recordingSend(clock: ManualClock, sends: RecordedSend[], by: string, pauseMs = 0) {
  return async (message: DeliverableMessage): Promise<void> => {
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    else await Promise.resolve();
    sends.push({
      key: message.idempotencyKey,
      at: clock.now(),
      by,
      recipient: message.recipient,
      attempt: message.attempt,
    });
  };
}

export function countByKey(sends: RecordedSend[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const send of sends) counts.set(send.key, (counts.get(send.key) ?? 0) + 1);
  return counts;
}

/** `count` messages spread over `recipients` people, keys "<prefix>:<n>". */
export async function enqueueNumbered(
  clock: ManualClock,
  prefix: string,
  count: number,
  recipients: Types.ObjectId[] = [new Types.ObjectId()],
): Promise<OutboxEntry[]> {
  const entries = Array.from({ length: count }, (_, index) => ({
    idempotencyKey: `${prefix}:${index}`,
    recipient: { personId: recipients[index % recipients.length] },
    text: `第${index}条通知`,
  }));
  await new Outbox({ clock }).enqueue(entries);
  return entries;
}

export const noAlerts = async (): Promise<void> => undefined;

/** Polls (in real time) until `condition` holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Empties the outbox in every collection it keeps: live, archive and the registry of sent keys. */
export async function clearOutbox(): Promise<void> {
  await OutboxMessageModel.deleteMany({});
  await OutboxArchiveModel.deleteMany({});
  await OutboxSentKeyModel.deleteMany({});
}
