import { createHash, generateKeyPairSync } from 'node:crypto';
import { Types } from 'mongoose';
import {
  checkDigestSignature,
  checkLink,
  checkStoredLink,
  encodeCanonical,
  genesisHash,
  hashEvent,
  signDigest,
} from '../../../src/audit/audit-chain-rules';

const digest = {
  date: '2026-11-26',
  createdAt: '2026-11-26T01:00:00.000Z',
  count: 3,
  headSequence: 3,
  headHash: 'a'.repeat(64),
};

describe('canonical encoding', () => {
  test('when keys come in another order, then the encoding is the same', () => {
    expect(encodeCanonical({ b: 1, a: { d: 'x', c: null } })).toBe(encodeCanonical({ a: { c: null, d: 'x' }, b: 1 }));
  });

  test('when values differ only in type, then the encodings differ', () => {
    const encodings = [1, '1', true, 'T', null, 'z', [1], { 0: 1 }].map(encodeCanonical);
    expect(new Set(encodings).size).toBe(encodings.length);
  });

  test('when a date is given, then it is encoded in UTC; an ObjectId by its hex', () => {
    const id = new Types.ObjectId('6b07db0def94da9f7fbe38f0');
    expect(encodeCanonical({ at: new Date('2026-11-26T08:00:00+08:00'), id })).toBe(
      '{"at":d2026-11-26T00:00:00.000Z,"id":o6b07db0def94da9f7fbe38f0}',
    );
  });

  test('when a field is undefined, then it is left out as the database leaves it out', () => {
    expect(encodeCanonical({ a: 1, b: undefined })).toBe(encodeCanonical({ a: 1 }));
  });

  test('when a value cannot be stored faithfully, then encoding refuses it', () => {
    expect(() => encodeCanonical({ n: Number.NaN })).toThrow(TypeError);
    expect(() => encodeCanonical({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('links', () => {
  const first = { _id: 1, previousHash: genesisHash, action: 'draft.submitted', reason: '' };
  const linked = { ...first, hash: hashEvent(first) };

  test('when an event is intact, then its link checks', () => {
    expect(checkLink(linked, 1, genesisHash)).toBeNull();
  });

  test('when a field was edited, then the hash no longer matches', () => {
    expect(checkLink({ ...linked, reason: '改过' }, 1, genesisHash)).toMatchObject({
      kind: 'hash-mismatch',
      sequence: 1,
    });
  });

  test('when the previous event differs, then the link is broken', () => {
    expect(checkLink(linked, 1, 'f'.repeat(64))).toMatchObject({ kind: 'previous-hash-mismatch' });
  });

  test('when the sequence is not the expected one, then the event does not belong', () => {
    expect(checkLink(linked, 2, genesisHash)).toMatchObject({ kind: 'unexpected' });
  });
});

describe('digests', () => {
  test('when signed with an HMAC secret, then the secret checks it and a changed head does not', () => {
    const signed = signDigest(digest, 'a-long-enough-hmac-secret-for-tests');
    expect(signed.algorithm).toBe('HMAC-SHA256');
    expect(checkDigestSignature(signed, 'a-long-enough-hmac-secret-for-tests')).toBe(true);
    expect(checkDigestSignature({ ...signed, headSequence: 2 }, 'a-long-enough-hmac-secret-for-tests')).toBe(false);
    expect(checkDigestSignature(signed, 'another-secret')).toBe(false);
  });

  test('when signed with an Ed25519 key, then the public key alone checks it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signed = signDigest(digest, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(signed.algorithm).toBe('Ed25519');
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(checkDigestSignature(signed, publicPem)).toBe(true);
    expect(checkDigestSignature({ ...signed, count: 4 }, publicPem)).toBe(false);
  });
});

describe('events stored with replaced characters', () => {
  const stored = {
    _id: 7,
    previousHash: 'a'.repeat(64),
    reason: '同意\ufffd',
    details: { comment: '好\ufffd', note: '原文' },
  };
  /** The hash the old encoding gave, over the escaped surrogates the database then replaced. */
  const hashedOver = (encoded: string) => createHash('sha256').update(encoded).digest('hex');

  test('when the recorded hash was made over unpaired surrogates, then the link is intact and they are named', () => {
    const encoded = encodeCanonical(stored).replace('同意\ufffd', '同意\\ud83d').replace('好\ufffd', '好\\ude00');
    expect(checkStoredLink({ ...stored, hash: hashedOver(encoded) }, 7, 'a'.repeat(64))).toEqual({
      problem: null,
      replaced: { sequence: 7, originals: ['U+DE00', 'U+D83D'] },
    });
  });

  test('when no surrogates reproduce the recorded hash, then it is a hash mismatch', () => {
    const edited = encodeCanonical({ ...stored, reason: '驳回\ufffd' });
    expect(checkStoredLink({ ...stored, hash: hashedOver(edited) }, 7, 'a'.repeat(64)).problem).toMatchObject({
      kind: 'hash-mismatch',
    });
  });
});
