/**
 * Secrets the system must keep and use again (a platform's AppSecret, its push keys), sealed before they
 * are stored: AES-256-GCM with a key derived from a master secret kept outside the database (config, or
 * a file in the data folder: local-secret.ts), so a database dump alone reveals none of them. Each value
 * is sealed to a context (whose secret, which field): a sealed value copied to another record or field
 * does not open there.
 *
 * Stored form: "v1.<key id>.<iv>.<tag>.<ciphertext>" (base64url). The key id names the derived key, so a
 * value sealed under a key that was since replaced is told apart from one that was altered.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from './errors';

export interface SecretBox {
  /** The sealed form of `plaintext`, bound to `context`; a new random IV each time. */
  seal(plaintext: string, context: string): string;
  /** The plaintext of a sealed value; throws SecretUnreadableError when it cannot be opened. */
  open(sealed: string, context: string): string;
}

/** Why a sealed value did not open: the master key changed since, or the value was altered or moved. */
export class SecretUnreadableError extends AppError {
  constructor(readonly reason: 'key-changed' | 'damaged') {
    super(
      reason === 'key-changed' ? 'STORED_SECRET_KEY_CHANGED' : 'STORED_SECRET_DAMAGED',
      reason === 'key-changed'
        ? '保存的密钥是用另一把加密密钥加密的（服务器的加密密钥已更换），无法解密，请重新填写'
        : '保存的密钥已损坏或被改动，无法解密，请重新填写',
      { status: 409, expose: true },
    );
  }
}

const version = 'v1';
const ivBytes = 12;

/** A box whose key is derived (HKDF-SHA256) from `masterSecret`, which must be long and random. */
export function createSecretBox(masterSecret: string): SecretBox {
  if (masterSecret.length < 32) throw new Error('the master secret of a secret box must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', masterSecret, 'shenfa', 'stored platform secrets v1', 32));
  const keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [version, keyId, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== version) throw new SecretUnreadableError('damaged');
      if (parts[1] !== keyId) throw new SecretUnreadableError('key-changed');
      const [iv, tag, ciphertext] = parts.slice(2).map((part) => Buffer.from(part, 'base64url'));
      if (iv.length !== ivBytes || tag.length !== 16) throw new SecretUnreadableError('damaged');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnreadableError('damaged');
      }
    },
  };
}
