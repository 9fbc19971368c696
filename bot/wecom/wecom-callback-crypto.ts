/**
 * The WeCom callback's security, pure apart from the clock passed in: the msg_signature check
 * (sha1 over the sorted token, timestamp, nonce and ciphertext, compared in constant time), the
 * AES-256-CBC decryption (`@wecom/crypto`, doc 91144), the receiver id check (the corp id sealed
 * inside the ciphertext) and the timestamp window that turns an old callback replayed later away.
 * The encrypting side is here too, for the fake WeCom server's driver and passive replies.
 */
import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

export interface CallbackSecrets {
  /** The Token the admin entered for the callback URL. */
  token: string;
  /** The 43-character EncodingAESKey entered beside it. */
  encodingAesKey: string;
  /** The corp id: WeCom seals it into every ciphertext, so a message for another corp is refused. */
  corpId: string;
}

export interface SignedQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
}

/** Why a callback was refused; each is answered 403 and nothing is processed. */
export type CallbackRejection =
  'missing-parameters' | 'repeated-parameter' | 'bad-signature' | 'stale-timestamp' | 'undecryptable' | 'wrong-corp';

export type OpenedCallback = { ok: true; plaintext: string } | { ok: false; reason: CallbackRejection };

/**
 * How far a callback's timestamp may be from our clock. WeCom signs each delivery when it sends it
 * and retries within seconds, so anything older than this is a capture replayed later.
 */
export const callbackTimestampWindowMs = 5 * 60_000;

export function signCallback(token: string, timestamp: string, nonce: string, ciphertext: string): string {
  return getSignature(token, timestamp, nonce, ciphertext);
}

/**
 * Whether `given` (from a caller: any text at all) is `expected`, compared in constant time. Lengths are
 * compared in bytes first — `timingSafeEqual` throws on buffers of different lengths, and a signature's
 * length is no secret.
 */
export function sameSignedText(expected: string, given: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(given, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies and decrypts one callback payload (the `echostr` of a URL check, or the `<Encrypt>` of a
 * message). `now` is compared with the signed timestamp; pass `null` to skip that check (only the
 * golden test of WeCom's 2014 sample vector does).
 */
export function openCallback(
  secrets: CallbackSecrets,
  query: SignedQuery,
  ciphertext: string,
  now: Date | null,
): OpenedCallback {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce || !ciphertext) return { ok: false, reason: 'missing-parameters' };
  if (!sameSignedText(signCallback(secrets.token, timestamp, nonce, ciphertext), signature.toLowerCase())) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (now) {
    const sentAt = Number(timestamp) * 1000;
    if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > callbackTimestampWindowMs) {
      return { ok: false, reason: 'stale-timestamp' };
    }
  }
  let opened: { message: string; id: string };
  try {
    opened = decrypt(secrets.encodingAesKey, ciphertext);
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
  // `@wecom/crypto` leaves the receiver id to the caller.
  if (opened.id !== secrets.corpId) return { ok: false, reason: 'wrong-corp' };
  return { ok: true, plaintext: opened.message };
}

export interface SealedCallback {
  ciphertext: string;
  query: Required<SignedQuery>;
}

/** Encrypts and signs `plaintext` the way WeCom does before it calls the callback URL. */
export function sealCallback(
  secrets: CallbackSecrets,
  plaintext: string,
  timestamp: string,
  nonce: string,
): SealedCallback {
  const ciphertext = encrypt(secrets.encodingAesKey, plaintext, secrets.corpId);
  return {
    ciphertext,
    query: { msg_signature: signCallback(secrets.token, timestamp, nonce, ciphertext), timestamp, nonce },
  };
}
