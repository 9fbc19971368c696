import { createSecretBox, SecretUnreadableError } from '../../../src/shared/secret-box';

const master = 'unit-test-master-secret-0123456789abcdef';
const box = createSecretBox(master);
const secret = 'f1e2d3c4b5a697887766554433221100';

describe('the secret box', () => {
  test('when a secret is sealed, then the sealed form holds no trace of it and opens to it in its context', () => {
    const sealed = box.seal(secret, 'official-account:a1:appSecret');

    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    expect(box.open(sealed, 'official-account:a1:appSecret')).toBe(secret);
  });

  test('when the same secret is sealed twice, then the two forms differ (a fresh IV each time)', () => {
    expect(box.seal(secret, 'c')).not.toBe(box.seal(secret, 'c'));
  });

  test('when a sealed value is opened in another context (another account or field), then it is refused as damaged', () => {
    const sealed = box.seal(secret, 'official-account:a1:appSecret');
    for (const context of ['official-account:a2:appSecret', 'official-account:a1:token']) {
      expect(() => box.open(sealed, context)).toThrow(new SecretUnreadableError('damaged'));
    }
  });

  test('when a sealed value is altered, then it is refused as damaged', () => {
    const sealed = box.seal(secret, 'c');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    const altered = [...parts.slice(0, 4), flipped.toString('base64url')].join('.');
    for (const value of [altered, sealed.slice(0, -2), 'v1.x', '', `v2${sealed.slice(2)}`]) {
      expect(() => box.open(value, 'c')).toThrow(SecretUnreadableError);
    }
    expect(() => box.open(altered, 'c')).toThrow(expect.objectContaining({ code: 'STORED_SECRET_DAMAGED' }));
  });

  test('when the master secret was replaced, then an old value is refused as sealed under another key', () => {
    const sealed = box.seal(secret, 'c');
    const replaced = createSecretBox('another-master-secret-0123456789abcdefgh');
    expect(() => replaced.open(sealed, 'c')).toThrow(expect.objectContaining({ code: 'STORED_SECRET_KEY_CHANGED' }));
    // The same master secret derives the same key (a restart opens what was sealed before).
    expect(createSecretBox(master).open(sealed, 'c')).toBe(secret);
  });

  test('when the master secret is short, then no box is made', () => {
    expect(() => createSecretBox('short')).toThrow('at least 32 characters');
  });
});
