import { createCipheriv } from 'node:crypto';
import {
  decryptCallback,
  encryptCallback,
  isFreshTimestamp,
  openCallback,
  sealCallback,
  signCallback,
} from '../../../src/shared/callback-crypto';

/** WeCom's official sample (the URL check of the WXBizMsgCrypt samples, doc 91144): the CorpID inside. */
const wecomSample = {
  secrets: {
    token: 'QDG6eK',
    encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    receiverId: 'wx5823bf96d3bd56c7',
  },
  query: { msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780' },
  ciphertext: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  plaintext: '1616140317555161061',
};

/** The Official Account platform's sample (WXBizMsgCrypt Python demo, 2014): a user's text, the AppID inside. */
const officialSample = {
  secrets: {
    token: 'spamtest',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    receiverId: 'wx2c2769f8efd9abc2',
  },
  query: { msg_signature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa', timestamp: '1409735669', nonce: '1320562132' },
  ciphertext:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9Fr' +
    'XpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+W' +
    'GzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0' +
    'EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  plaintext: [
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>',
    '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>',
    '<CreateTime>1409735668</CreateTime>',
    '<MsgType><![CDATA[text]]></MsgType>',
    '<Content><![CDATA[abcdteT]]></Content>',
    '<MsgId>6054768590064713728</MsgId>',
    '</xml>',
  ].join('\n'),
};

describe('the shared push crypto', () => {
  test('when WeCom’s sample is opened with the CorpID, then the signature checks and the echostr decrypts', () => {
    expect(openCallback(wecomSample.secrets, wecomSample.query, wecomSample.ciphertext, null)).toEqual({
      ok: true,
      plaintext: wecomSample.plaintext,
    });
  });

  test('when the Official Account’s sample push is opened with the AppID, then the user’s message comes out', () => {
    expect(openCallback(officialSample.secrets, officialSample.query, officialSample.ciphertext, null)).toEqual({
      ok: true,
      plaintext: officialSample.plaintext,
    });
  });

  test('when the Official Account’s sample reply is sealed with its random prefix, then the same bytes come out', () => {
    // The platform's Java sample (WXBizMsgCryptTest): random "aaaabbbbccccdddd", AppID wxb11529c136998cb6.
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const sealed = encryptCallback(key, '我是中文abcd123', 'wxb11529c136998cb6', Buffer.from('aaaabbbbccccdddd'));
    expect(sealed).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(decryptCallback(key, sealed)).toEqual({ message: '我是中文abcd123', receiverId: 'wxb11529c136998cb6' });
  });

  test('when the URL check is signed without a ciphertext, then the signature is sha1 over the sorted three', () => {
    expect(signCallback('b', 'c', 'a')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'); // sha1("abc")
  });

  test('when a push sealed for another AppID is opened, then it is refused', () => {
    const other = { ...officialSample.secrets, receiverId: 'wx0000000000000000' };
    const sealed = sealCallback(other, '<xml></xml>', officialSample.query.timestamp, '1');
    expect(openCallback(officialSample.secrets, sealed.query, sealed.ciphertext, null)).toEqual({
      ok: false,
      reason: 'wrong-receiver',
    });
  });

  test('when one character of the signature or the ciphertext differs, then it is refused', () => {
    const forged = { ...officialSample.query, msg_signature: officialSample.query.msg_signature.replace(/^5/, '6') };
    expect(openCallback(officialSample.secrets, forged, officialSample.ciphertext, null)).toMatchObject({
      reason: 'bad-signature',
    });
    const altered = `i${officialSample.ciphertext.slice(1)}`;
    expect(openCallback(officialSample.secrets, officialSample.query, altered, null)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(openCallback(officialSample.secrets, { timestamp: '1', nonce: '1' }, 'x', null)).toMatchObject({
      reason: 'missing-parameters',
    });
  });

  test('when a correctly signed ciphertext does not decrypt to the scheme, then it is refused as undecryptable', () => {
    const { token, encodingAesKey } = officialSample.secrets;
    const key = Buffer.from(`${encodingAesKey}=`, 'base64');
    const badPadding = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const garbage = Buffer.concat([badPadding.update(Buffer.alloc(32, 7)), badPadding.final()]).toString('base64');
    for (const ciphertext of [garbage, 'bm90IGEgYmxvY2s=', 'not base64 at all!']) {
      const query = {
        timestamp: '1409735669',
        nonce: '9',
        msg_signature: signCallback(token, '1409735669', '9', ciphertext),
      };
      expect(openCallback(officialSample.secrets, query, ciphertext, null)).toEqual({
        ok: false,
        reason: 'undecryptable',
      });
    }
  });

  test('when a push arrives 6 minutes after it was signed, then it is refused as a replay; 1 minute is fine', () => {
    const signedAt = Number(officialSample.query.timestamp) * 1000;
    const late = new Date(signedAt + 360_000);
    expect(openCallback(officialSample.secrets, officialSample.query, officialSample.ciphertext, late)).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(
      openCallback(officialSample.secrets, officialSample.query, officialSample.ciphertext, new Date(signedAt + 60_000))
        .ok,
    ).toBe(true);
    expect(isFreshTimestamp('1409735669.5', new Date(signedAt))).toBe(false);
    expect(isFreshTimestamp('', new Date(signedAt))).toBe(false);
  });

  test('when a message of any length is sealed and opened, then it comes back byte for byte', () => {
    for (const length of [0, 1, 11, 12, 43, 44, 1000]) {
      const message = '审'.repeat(length);
      const sealed = sealCallback(officialSample.secrets, message, '1409735669', 'n');
      expect(Buffer.from(sealed.ciphertext, 'base64').length % 32).toBe(0);
      expect(openCallback(officialSample.secrets, sealed.query, sealed.ciphertext, null)).toEqual({
        ok: true,
        plaintext: message,
      });
    }
  });
});
