import { bindCodeState, hashBindCode, normalizeBindCode } from '../../../src/people/bind-code-rules';

describe('bind codes', () => {
  test('when a code is typed with full-width digits or spaces, then it is read; anything else is not a code', () => {
    expect(normalizeBindCode('１２３ ４５６')).toBe('123456');
    expect(normalizeBindCode('12345')).toBeNull();
    expect(hashBindCode('123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashBindCode('123456')).not.toContain('123456');
  });

  test('when a code is used, voided or past its expiry, then its state says so', () => {
    const expiresAt = new Date('2026-11-27T00:00:00Z');
    const now = new Date('2026-11-26T00:00:00Z');
    expect(bindCodeState({ usedAt: null, revokedAt: null, expiresAt }, now)).toBe('usable');
    expect(bindCodeState({ usedAt: now, revokedAt: null, expiresAt }, now)).toBe('used');
    expect(bindCodeState({ usedAt: null, revokedAt: now, expiresAt }, now)).toBe('revoked');
    expect(bindCodeState({ usedAt: null, revokedAt: null, expiresAt }, expiresAt)).toBe('expired');
  });
});
