/**
 * Secrets that must stay the same across restarts (the audit digest key, the API token secret). Set
 * in config for production; elsewhere an unset one is generated once and kept in the data folder, so
 * what was signed yesterday still verifies today.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from './config';
import { AppError } from './errors';

export interface LocalSecret {
  /** The configured value; '' when unset. */
  configured: string;
  /** File name under the data folder for the generated one. */
  fileName: string;
  /** The error when it is unset in production: code and the line telling the operator what to set. */
  missing: { code: string; message: string };
}

export function resolveLocalSecret(config: Pick<AppConfig, 'dataDir' | 'environment'>, secret: LocalSecret): string {
  if (secret.configured) return secret.configured;
  if (config.environment === 'production') throw new AppError(secret.missing.code, secret.missing.message);
  const file = path.resolve(config.dataDir, secret.fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first; both use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}
