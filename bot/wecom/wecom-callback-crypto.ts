/**
 * The WeCom callback's security in WeCom's words: the shared scheme of src/shared/callback-crypto.ts
 * (signature, timestamp window, AES, receiver id) with the CorpID as the receiver id sealed inside. The
 * encrypting side is here too, for the fake WeCom server's driver and passive replies.
 */
import {
  openCallback as openSharedCallback,
  sealCallback as sealSharedCallback,
} from '../../src/shared/callback-crypto';
import type { SealedCallback, SignedQuery } from '../../src/shared/callback-crypto';

export { callbackTimestampWindowMs, sameSignedText, signCallback } from '../../src/shared/callback-crypto';
export type { SealedCallback, SignedQuery } from '../../src/shared/callback-crypto';

export interface CallbackSecrets {
  /** The Token the admin entered for the callback URL. */
  token: string;
  /** The 43-character EncodingAESKey entered beside it. */
  encodingAesKey: string;
  /** The corp id: WeCom seals it into every ciphertext, so a message for another corp is refused. */
  corpId: string;
}

/** Why a callback was refused; each is answered 403 and nothing is processed. */
export type CallbackRejection =
  'missing-parameters' | 'repeated-parameter' | 'bad-signature' | 'stale-timestamp' | 'undecryptable' | 'wrong-corp';

export type OpenedCallback = { ok: true; plaintext: string } | { ok: false; reason: CallbackRejection };

function sharedSecrets(secrets: CallbackSecrets) {
  return { token: secrets.token, encodingAesKey: secrets.encodingAesKey, receiverId: secrets.corpId };
}

/** Verifies and decrypts one callback payload; `now` null skips the timestamp window (golden test only). */
export function openCallback(
  secrets: CallbackSecrets,
  query: SignedQuery,
  ciphertext: string,
  now: Date | null,
): OpenedCallback {
  const opened = openSharedCallback(sharedSecrets(secrets), query, ciphertext, now);
  if (opened.ok) return opened;
  return { ok: false, reason: opened.reason === 'wrong-receiver' ? 'wrong-corp' : opened.reason };
}

/** Encrypts and signs `plaintext` the way WeCom does before it calls the callback URL. */
export function sealCallback(
  secrets: CallbackSecrets,
  plaintext: string,
  timestamp: string,
  nonce: string,
): SealedCallback {
  return sealSharedCallback(sharedSecrets(secrets), plaintext, timestamp, nonce);
}
