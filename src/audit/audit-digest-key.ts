/**
 * The key that signs audit digests: `audit.digestKey` from config (an HMAC secret, or an Ed25519
 * private key in PEM); outside production an unset key is generated once and kept in the data folder.
 */
import path from 'node:path';
import type { AppConfig } from '../shared/config';
import { resolveLocalSecret } from '../shared/local-secret';

export function resolveDigestKey(config: Pick<AppConfig, 'audit' | 'dataDir' | 'environment'>): string {
  return resolveLocalSecret(config, {
    configured: config.audit.digestKey,
    fileName: 'audit-digest.key',
    missing: {
      code: 'AUDIT_DIGEST_KEY_MISSING',
      message: 'set audit.digestKey (env AUDIT_DIGEST_KEY) to sign audit digests',
    },
  });
}

export function digestDirectory(config: Pick<AppConfig, 'dataDir'>): string {
  return path.resolve(config.dataDir, 'audit-digests');
}
