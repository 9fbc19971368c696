import { Types } from 'mongoose';
import {
  deadLetterAlertKey,
  decidePace,
  defaultRetryDelayCapMs,
  describeDeadLetter,
  describeSendError,
  dueAction,
  nextStepAfterFailure,
  paceWindowMs,
  pickJitterMs,
  recipientKeyOf,
  retryDelayMs,
} from '../../../src/outbox/outbox-rules';
import type { RecentSend } from '../../../src/outbox/outbox-rules';
import { AppError } from '../../../src/shared/errors';

const t0 = new Date('2026-11-26T01:00:00.000Z');
const at = (milliseconds: number) => new Date(t0.getTime() + milliseconds);
const pace = { perContactIntervalMs: 1500, perMinuteLimit: 3, jitterMs: 800 };
const send = (recipientKey: string, milliseconds: number, jitterMs = 0): RecentSend => ({
  recipientKey,
  at: at(milliseconds),
  jitterMs,
});

describe('recipient keys', () => {
  test('when a message names a room, then it counts against the room, even with a person mentioned', () => {
    expect(recipientKeyOf({ personId: new Types.ObjectId(), roomId: 'room-1' })).toBe('room:room-1');
  });

  test('when a message names a person only, then it counts against the person, by id', () => {
    const personId = new Types.ObjectId();
    expect(recipientKeyOf({ personId })).toBe(`person:${String(personId)}`);
    expect(recipientKeyOf({ personId: String(personId), roomId: '' })).toBe(`person:${String(personId)}`);
  });

  test('when a message names a chat contact (someone not yet bound), then it counts against that contact', () => {
    expect(recipientKeyOf({ contactId: 'wxid_1', personId: null })).toBe('contact:wxid_1');
    expect(recipientKeyOf({ contactId: 'wxid_1', roomId: 'room-1' })).toBe('room:room-1');
  });

  test('when neither is named, then there is no key', () => {
    expect(recipientKeyOf({ personId: null, roomId: '' })).toBe('');
  });
});

describe('due messages', () => {
  test('when a pending message reaches its time, then it is to be sent; before that it is not', () => {
    const message = { status: 'pending', notBefore: at(1000), claimedAt: null };
    expect(dueAction(message, at(999), 60_000)).toBeNull();
    expect(dueAction(message, at(1000), 60_000)).toBe('send');
  });

  test('when a message sits in sending past the lease, then it is to be reclaimed; within the lease it is not', () => {
    const message = { status: 'sending', notBefore: t0, claimedAt: at(0) };
    expect(dueAction(message, at(59_999), 60_000)).toBeNull();
    expect(dueAction(message, at(60_000), 60_000)).toBe('reclaim');
  });

  test('when a message is sent or dead, then it is never due', () => {
    for (const status of ['sent', 'dead']) {
      expect(dueAction({ status, notBefore: t0, claimedAt: t0 }, at(3_600_000), 60_000)).toBeNull();
    }
  });
});

describe('retries', () => {
  test('when attempts fail, then the wait doubles from the base and stays between half and all of the step', () => {
    const config = { retryBaseMs: 2000 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, config, 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, config, 0.999_999))).toEqual([2000, 4000, 8000, 16_000]);
    expect(retryDelayMs(3, config, 0.5)).toBe(6000);
  });

  test('when attempts keep failing, then the wait stops growing at the cap', () => {
    expect(retryDelayMs(40, { retryBaseMs: 2000 }, 1)).toBe(defaultRetryDelayCapMs);
    expect(retryDelayMs(100, { retryBaseMs: 2000 }, 0, 10_000)).toBe(5000);
  });

  test('when the last allowed attempt fails, then the message is dead; before that it is retried', () => {
    expect(nextStepAfterFailure(2, { maxAttempts: 3 })).toBe('retry');
    expect(nextStepAfterFailure(3, { maxAttempts: 3 })).toBe('dead');
  });

  test('when a send throws an AppError, then its code leads the description; other throws give their first line', () => {
    expect(describeSendError(new AppError('CHAT_CONTACT_MISSING', '找不到联系人'))).toBe(
      'CHAT_CONTACT_MISSING: 找不到联系人',
    );
    expect(describeSendError(new Error('timeout\nstack'))).toBe('timeout');
    expect(describeSendError('plain')).toBe('plain');
  });
});

describe('rate limits', () => {
  test('when nothing was sent recently, then a send may go', () => {
    expect(decidePace('person:a', [], t0, pace)).toEqual({ allowed: true });
  });

  test('when the chat got a message less than the interval plus its jitter ago, then the send waits until then', () => {
    const recent = [send('person:a', -1000, 300)];
    expect(decidePace('person:a', recent, t0, pace)).toEqual({
      allowed: false,
      reason: 'recipient-interval',
      retryAt: at(800),
    });
    expect(decidePace('person:a', recent, at(800), pace)).toEqual({ allowed: true });
    expect(decidePace('person:b', recent, t0, pace)).toEqual({ allowed: true });
  });

  test('when the last minute holds the limit of sends, then the next waits until the oldest of them leaves', () => {
    const recent = [send('person:a', -70_000), send('person:b', -50_000), send('person:c', -20_000)];
    expect(decidePace('person:d', recent, t0, pace)).toEqual({ allowed: true });
    const full = [...recent, send('person:e', -5_000)];
    expect(decidePace('person:d', full, t0, pace)).toEqual({
      allowed: false,
      reason: 'minute-limit',
      retryAt: at(10_000),
    });
    expect(decidePace('person:d', full, at(10_000), pace)).toEqual({ allowed: true });
  });

  test('when sends cross a minute boundary, then the window slides and allows no burst across it', () => {
    const recent = [send('person:a', 59_000), send('person:b', 59_500), send('person:c', 59_900)];
    expect(decidePace('person:d', recent, at(60_100), pace)).toMatchObject({
      allowed: false,
      retryAt: at(119_000),
    });
  });

  test('when the jitter is drawn, then it lies between 0 and jitterMs inclusive', () => {
    expect(pickJitterMs({ jitterMs: 800 }, 0)).toBe(0);
    expect(pickJitterMs({ jitterMs: 800 }, 0.999_999_9)).toBe(800);
    expect(pickJitterMs({ jitterMs: 0 }, 0.7)).toBe(0);
  });

  test('when the interval and jitter exceed a minute, then the window covers them', () => {
    expect(paceWindowMs(pace)).toBe(60_000);
    expect(paceWindowMs({ ...pace, perContactIntervalMs: 90_000 })).toBe(90_800);
  });

  test('when there is no overall limit (0), then only the chat interval holds a send up, and only it is kept', () => {
    const unlimited = { ...pace, perMinuteLimit: 0 };
    const many = Array.from({ length: 50 }, (_, index) => send(`person:${index}`, -1000 * index - 5000));
    expect(decidePace('person:x', many, t0, unlimited)).toEqual({ allowed: true });
    expect(decidePace('person:0', [send('person:0', -1000, 300)], t0, unlimited)).toMatchObject({
      allowed: false,
      reason: 'recipient-interval',
    });
    expect(paceWindowMs(unlimited)).toBe(2_300);
    expect(paceWindowMs({ perContactIntervalMs: 0, perMinuteLimit: 0, jitterMs: 0 })).toBe(0);
  });
});

describe('dead letters', () => {
  test('when a message dies, then the alert names its key, recipient, attempts and error in Chinese', () => {
    const text = describeDeadLetter({
      idempotencyKey: 'draft:K7Q2:request:1',
      recipient: { personId: '6b07db0def94da9f7fbe38f0', roomId: '', contactId: '' },
      attempts: 8,
      lastError: 'CHAT_CONTACT_MISSING: 找不到联系人',
    });
    expect(text).toContain('draft:K7Q2:request:1');
    expect(text).toContain('人员 6b07db0def94da9f7fbe38f0');
    expect(text).toContain('8 次');
    expect(text).toContain('找不到联系人');
    expect(deadLetterAlertKey('draft:K7Q2:request:1')).toBe('outbox-dead:draft:K7Q2:request:1');
  });

  test('when a room message dies without an error text, then the alert names the room', () => {
    const text = describeDeadLetter({
      idempotencyKey: 'k',
      recipient: { personId: null, roomId: 'room-9', contactId: '' },
      attempts: 1,
      lastError: '',
    });
    expect(text).toContain('群聊 room-9');
    expect(text).toContain('未知错误');
  });
});
