/**
 * The one signing and encryption scheme of Tencent's pushes, used by both channels that receive them: the
 * WeCom app's callback (the receiver id is the CorpID) and the WeChat Official Account's push (the
 * receiver id is the AppID). Pure apart from the clock passed in and the random prefix drawn when sealing.
 *
 * - signature: sha1 over the sorted token, timestamp, nonce (and ciphertext, for an encrypted body),
 *   compared in constant time;
 * - AES-256-CBC with the key Base64-decoded from EncodingAESKey + "=", the IV its first 16 bytes, PKCS#7
 *   padding to a multiple of 32; plaintext = 16 random bytes + 4-byte big-endian length + message + receiver id;
 * - the receiver id sealed inside must be ours, so a message sealed for another corp or account is refused;
 * - the signed timestamp must be near our clock, so a capture replayed later is refused.
 * Sources: WeCom doc 91144; developers.weixin.qq.com 消息加解密技术方案 (`../shared/WECHAT-OFFICIAL.md`).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CallbackSecrets {
  /** The Token the admin entered beside the callback URL. */
  token: string;
  /** The 43-character EncodingAESKey entered beside it. */
  encodingAesKey: string;
  /** The CorpID (WeCom) or the AppID (Official Account) that every ciphertext for us carries. */
  receiverId: string;
}

export interface SignedQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
}

/** Why a push was refused; each is answered 403 and nothing in it is processed. */
export type CallbackRejection =
  | 'missing-parameters'
  | 'repeated-parameter'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'undecryptable'
  | 'wrong-receiver';

export type OpenedCallback = { ok: true; plaintext: string } | { ok: false; reason: CallbackRejection };

/**
 * How far a push's timestamp may be from our clock. The platform signs each delivery when it sends it and
 * retries within seconds, so anything older than this is a capture replayed later.
 */
export const callbackTimestampWindowMs = 5 * 60_000;

const paddingBlock = 32;

/** sha1 over the sorted parts, hex: `msg_signature` with a ciphertext, the plain `signature` without. */
export function signCallback(token: string, timestamp: string, nonce: string, ciphertext?: string): string {
  const parts = ciphertext === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, ciphertext];
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
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

/** Whether a signed timestamp (seconds, as text) is within the window around `now`. */
export function isFreshTimestamp(timestamp: string, now: Date): boolean {
  const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN;
  return Number.isFinite(sentAt) && Math.abs(now.getTime() - sentAt) <= callbackTimestampWindowMs;
}

/**
 * Verifies and decrypts one push payload (the `echostr` of a WeCom URL check, or the `<Encrypt>` of a
 * message). `now` is compared with the signed timestamp; pass `null` to skip that check (only the golden
 * tests of the platforms' 2014 sample vectors do).
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
  if (now && !isFreshTimestamp(timestamp, now)) return { ok: false, reason: 'stale-timestamp' };
  const opened = decryptCallback(secrets.encodingAesKey, ciphertext);
  if (!opened) return { ok: false, reason: 'undecryptable' };
  if (opened.receiverId !== secrets.receiverId) return { ok: false, reason: 'wrong-receiver' };
  return { ok: true, plaintext: opened.message };
}

export interface SealedCallback {
  ciphertext: string;
  query: Required<SignedQuery>;
}

/** Encrypts and signs `plaintext` the way the platform does before it calls the push URL. */
export function sealCallback(
  secrets: CallbackSecrets,
  plaintext: string,
  timestamp: string,
  nonce: string,
): SealedCallback {
  const ciphertext = encryptCallback(secrets.encodingAesKey, plaintext, secrets.receiverId);
  return {
    ciphertext,
    query: { msg_signature: signCallback(secrets.token, timestamp, nonce, ciphertext), timestamp, nonce },
  };
}

/** The AES key and IV of an EncodingAESKey; null unless it decodes to exactly 32 bytes. */
function keyOf(encodingAesKey: string): { key: Buffer; iv: Buffer } | null {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) return null;
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return key.length === 32 ? { key, iv: key.subarray(0, 16) } : null;
}

/**
 * The ciphertext of `message` for `receiverId`, Base64. `random` is the 16-byte prefix; drawn fresh unless
 * given (the golden tests give the sample's).
 */
export function encryptCallback(
  encodingAesKey: string,
  message: string,
  receiverId: string,
  random: Buffer = randomBytes(16),
): string {
  const secret = keyOf(encodingAesKey);
  if (!secret) throw new Error('invalid EncodingAESKey: 43 Base64 characters expected');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiverId, 'utf8')]);
  const padLength = paddingBlock - (plain.length % paddingBlock);
  const cipher = createCipheriv('aes-256-cbc', secret.key, secret.iv).setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength)])),
    cipher.final(),
  ]).toString('base64');
}

/** The message and the receiver id inside a ciphertext; null when it is not one (bad key, length or padding). */
export function decryptCallback(
  encodingAesKey: string,
  ciphertext: string,
): { message: string; receiverId: string } | null {
  const secret = keyOf(encodingAesKey);
  if (!secret || !/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return null;
  const sealed = Buffer.from(ciphertext, 'base64');
  if (sealed.length < paddingBlock || sealed.length % 16 !== 0) return null;
  const decipher = createDecipheriv('aes-256-cbc', secret.key, secret.iv).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(sealed), decipher.final()]);
  const padLength = padded[padded.length - 1] ?? 0;
  if (padLength < 1 || padLength > paddingBlock || padded.subarray(-padLength).some((byte) => byte !== padLength)) {
    return null;
  }
  const plain = padded.subarray(0, padded.length - padLength);
  if (plain.length < 20) return null;
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) return null;
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiverId: plain.subarray(20 + length).toString('utf8'),
  };
}
