/** One-time bind codes: what a person may type, how codes are stored, when one is usable. Pure. */
import { createHash } from 'node:crypto';

export const bindCodeLifetimeMs = 24 * 3600 * 1000;

/** A mini-program code is asked for by the person themself in chat and typed at once: short-lived. */
export const miniProgramBindCodeLifetimeMs = 10 * 60 * 1000;

/** "123456" from what a person typed: full-width digits and spaces are accepted; null if not 6 digits. */
export function normalizeBindCode(input: string): string | null {
  const code = input.normalize('NFKC').replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

export function formatBindCode(value: number): string {
  return String(value).padStart(6, '0');
}

export function hashBindCode(code: string): string {
  return createHash('sha256').update(`shenfa-bind-code:${code}`).digest('hex');
}

export type BindCodeState = 'usable' | 'used' | 'revoked' | 'expired';

export function bindCodeState(
  code: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): BindCodeState {
  if (code.usedAt) return 'used';
  if (code.revokedAt) return 'revoked';
  return now.getTime() >= code.expiresAt.getTime() ? 'expired' : 'usable';
}
