/**
 * A task done once per database, such as an upgrade of stored records at start: one process does it
 * while any other that starts meanwhile waits for it, and a process that dies doing it is taken over.
 *
 * Claimed as every change is (src/shared/claimed-write.ts), by unique inserts into the claims
 * collection: "once:<name>:run:<k>" for the k-th attempt, its `claimedAt` moved on while it works
 * (a heartbeat), and "once:<name>:done" when it finished. Whoever finds the newest attempt's heartbeat
 * stopped inserts the next attempt; exactly one such insert succeeds. The task must be resumable: an
 * attempt taken over starts from the top on what the last one left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from './clock';
import type { Logger } from './logger';
import { isUniqueConflict } from './database';
import { RevisionClaimModel } from './claimed-write';

export interface OncePerDatabaseOptions {
  clock: Clock;
  logger?: Logger;
  /** How often the working process shows it is alive (default 5 s). */
  heartbeatMs?: number;
  /** A heartbeat older than this means the process doing the task died (default 30 s). */
  abandonedAfterMs?: number;
  /** How often a waiting process looks again (default 1 s). */
  pollMs?: number;
}

/** 'done-before': finished earlier; 'ran': this process did it; 'waited': another process did it meanwhile. */
export type OnceOutcome = 'done-before' | 'ran' | 'waited';

export async function runOncePerDatabase(
  name: string,
  task: () => Promise<void>,
  options: OncePerDatabaseOptions,
): Promise<OnceOutcome> {
  const doneId = `once:${name}:done`;
  const isDone = async () => Boolean(await RevisionClaimModel.findById(doneId, { _id: 1 }).lean());
  if (await isDone()) return 'done-before';
  const abandonedAfterMs = options.abandonedAfterMs ?? 30_000;
  for (let attempt = 0; ;) {
    const runId = `once:${name}:run:${attempt}`;
    if (await insertClaim(runId, options.clock.now())) {
      await runClaimed(runId, task, options);
      await insertClaim(doneId, options.clock.now());
      return 'ran';
    }
    // Another process has (or had) this attempt: wait while its heartbeat goes on, or until it is done.
    for (;;) {
      if (await isDone()) return 'waited';
      const claim = await RevisionClaimModel.findById(runId, { claimedAt: 1 }).lean();
      if (!claim || options.clock.now().getTime() - claim.claimedAt.getTime() >= abandonedAfterMs) break;
      await sleep(options.pollMs ?? 1_000);
    }
    options.logger?.warn({ task: name, attempt }, 'a one-off task was abandoned by its process: taking it over');
    attempt += 1;
  }
}

async function runClaimed(runId: string, task: () => Promise<void>, options: OncePerDatabaseOptions): Promise<void> {
  const heartbeat = setInterval(() => {
    // By _id alone; only this process writes its attempt's claim.
    void RevisionClaimModel.updateOne({ _id: runId }, { $set: { claimedAt: options.clock.now() } }).catch(
      (error: unknown) => options.logger?.warn({ err: error }, 'one-off task heartbeat not written'),
    );
  }, options.heartbeatMs ?? 5_000);
  heartbeat.unref();
  try {
    await task();
  } catch (error) {
    // Failed, not dead: the next start takes the task over at once instead of waiting for the heartbeat to age.
    clearInterval(heartbeat);
    await RevisionClaimModel.updateOne({ _id: runId }, { $set: { claimedAt: new Date(0) } }).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/** Inserts a claim; false when it is there already. */
async function insertClaim(_id: string, claimedAt: Date): Promise<boolean> {
  try {
    await RevisionClaimModel.create({ _id, changes: [{ path: 'claimedAt', value: claimedAt }], claimedAt });
    return true;
  } catch (error) {
    if (isUniqueConflict(error)) return false;
    throw error;
  }
}
