/**
 * Verifying the audit trail (R3): recomputing the whole hash chain, and checking it against the
 * signed digests that witnessed its head outside the database (audit-digests.ts).
 */
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { mongo } from 'mongoose';
import { AuditEventModel } from './audit-event-model';
import { checkDigestSignature, checkStoredLink, describeLinkProblem, genesisHash } from './audit-chain-rules';
import type { AuditDigest, ChainedEvent, LinkProblem, ReplacedCharacters } from './audit-chain-rules';
import type { ChainHead } from './audit-chain-head';

export interface VerifyOptions {
  /** Digests to check the chain against. */
  digests?: { file: string; digest: AuditDigest }[];
  /** The digest key (HMAC secret, Ed25519 private or public key); without it signatures are not checked. */
  digestKey?: string;
  /** Events read ahead of a gap before the gap counts as a missing event. */
  reorderWindow?: number;
  /** The events to verify; the audit trail of mongoose's connection when not given (db:copy names its target's). */
  events?: mongo.Collection;
}

const verifyBatchSize = 1000;

export type VerifyReport =
  | {
      ok: true;
      count: number;
      head: ChainHead;
      digestsChecked: number;
      /**
       * Events recorded with malformed text (before it was made well-formed on entry) whose unpaired
       * surrogates the database stored as U+FFFD: proven unchanged otherwise, see checkReplacedCharacters.
       */
      storedWithReplacedCharacters: ReplacedCharacters[];
    }
  | { ok: false; count: number; problem: string; sequence: number | null };

/**
 * Recomputes the whole chain, streaming in storage order (which is sequence order, because an event
 * is inserted only after the one it links to) with a small reorder buffer, so memory stays bounded.
 */
export async function verifyAuditChain(options: VerifyOptions = {}): Promise<VerifyReport> {
  const digests = options.digests ?? [];
  const reorderWindow = options.reorderWindow ?? 10_000;
  for (const { file, digest } of digests) {
    if (options.digestKey && !checkDigestSignature(digest, options.digestKey)) {
      return { ok: false, count: 0, sequence: null, problem: `digest ${file} has an invalid signature` };
    }
  }
  const wantedHashes = new Map(digests.map(({ digest }) => [digest.headSequence, '']));

  let expected = 1;
  let previousHash = genesisHash;
  const pending = new Map<number, ChainedEvent>();
  const storedWithReplacedCharacters: ReplacedCharacters[] = [];
  const fail = (problem: LinkProblem): VerifyReport => ({
    ok: false,
    count: expected - 1,
    sequence: typeof problem.sequence === 'number' ? problem.sequence : null,
    problem: describeLinkProblem(problem),
  });

  const cursor = (options.events ?? AuditEventModel.collection).find({}, { batchSize: verifyBatchSize });
  // While one batch is hashed, the next is on its way: the fetch is asked for (and given a turn of the
  // event loop to reach the server) before the hashing starts, so the rate is the cursor's.
  let more = cursor.hasNext();
  try {
    while (await more) {
      const batch = cursor.readBufferedDocuments();
      more = cursor.hasNext();
      await setImmediatePromise();
      for (const document of batch) {
        const event = document as unknown as ChainedEvent;
        if (!Number.isInteger(event._id) || event._id < expected) {
          return fail({ kind: 'unexpected', sequence: event._id, detail: 'not a sequence number of this chain' });
        }
        pending.set(event._id, event);
        for (let next = pending.get(expected); next; next = pending.get(expected)) {
          const { problem, replaced } = checkStoredLink(next, expected, previousHash);
          if (problem) return fail(problem);
          if (replaced) storedWithReplacedCharacters.push(replaced);
          pending.delete(expected);
          previousHash = next.hash;
          if (wantedHashes.has(expected)) wantedHashes.set(expected, next.hash);
          expected += 1;
        }
        if (pending.size > reorderWindow) return fail({ kind: 'missing', sequence: expected });
      }
    }
  } finally {
    more.catch(() => undefined);
    await cursor.close();
  }
  if (pending.size > 0) return fail({ kind: 'missing', sequence: expected });

  const count = expected - 1;
  for (const { file, digest } of digests) {
    if (digest.headSequence > count) {
      return {
        ok: false,
        count,
        sequence: count + 1,
        problem: `digest ${file} witnessed ${digest.headSequence} events on ${digest.date}, the chain has ${count}: the newest events were deleted`,
      };
    }
    if (digest.headSequence > 0 && wantedHashes.get(digest.headSequence) !== digest.headHash) {
      return {
        ok: false,
        count,
        sequence: digest.headSequence,
        problem: `event ${digest.headSequence} differs from the one digest ${file} witnessed on ${digest.date}`,
      };
    }
  }
  return {
    ok: true,
    count,
    head: { sequence: count, hash: previousHash },
    digestsChecked: digests.length,
    storedWithReplacedCharacters,
  };
}
