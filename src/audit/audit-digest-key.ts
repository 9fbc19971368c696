/**
 * The key that signs audit digests: `audit.digestKey` from config (an HMAC secret, or an Ed25519
 * private key in PEM). Outside production an unset key is generated once and kept in the data folder,
 * so digests made today can be checked tomorrow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../shared/config';
import { AppError } from '../shared/errors';

export function resolveDigestKey(config: Pick<AppConfig, 'audit' | 'dataDir' | 'environment'>): string {
  if (config.audit.digestKey) return config.audit.digestKey;
  if (config.environment === 'production') {
    throw new AppError('AUDIT_DIGEST_KEY_MISSING', 'set audit.digestKey (env AUDIT_DIGEST_KEY) to sign audit digests');
  }
  const file = path.resolve(config.dataDir, 'audit-digest.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function digestDirectory(config: Pick<AppConfig, 'dataDir'>): string {
  return path.resolve(config.dataDir, 'audit-digests');
}
