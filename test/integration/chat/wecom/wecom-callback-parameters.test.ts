/**
 * Whatever a caller puts in the query string of the WeCom callback URL (the URL check, a message) or of
 * a card's 查看全文 link — repeated keys, non-ASCII text, nothing, far too much — is refused (400/403),
 * never a server error, and what is genuine still works. The real callback routes on the Koa server the
 * WeCom chat world mounts them on, as in production.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import { connectTestDatabase, disconnectTestDatabase } from '../../../support/database';
import { sampleOrganization } from '../../../support/chat-harness';
import { propertySeed } from '../../../support/hostile-text';
import { createServices } from '../../../../src/services';
import { createLogger } from '../../../../src/shared/logger';
import { systemClock } from '../../../../src/shared/clock';
import { WecomChat } from '../../../../bot/wecom/wecom-chat';
import { parseCallbackXml } from '../../../../bot/wecom/wecom-xml';
import type { SignedCallback } from '../../../../bot/wecom/fake-wecom-server';

let chat: WecomChat;
/** A genuine message callback, replayed with its query string changed. */
let message: SignedCallback;
/** A genuine URL check: the message's signature over its ciphertext, as `echostr`. */
let urlCheck: Record<string, string>;
/** A genuine 查看全文 link and its query. */
let link: { url: URL; query: Record<string, string> };

beforeAll(async () => {
  await connectTestDatabase();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const services = createServices({ clock: systemClock, logger });
  await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
  chat = new WecomChat({ services, logger, botName: `shenfa-wecom-parameters-${process.pid}` });
  await chat.start();
  for (const name of ['刘洋', '孙丽']) await chat.bind(name);

  const receipt = await chat.sayAndWait('刘洋', '投稿 参数测试\n正文', '已收到投稿');
  const code = /#([A-Z2-9]{4})/.exec(receipt)?.[1] ?? '';
  await chat.waitFor('孙丽', `【待审核】#${code}`);
  const url = new URL(chat.cardFor('孙丽', code).url);
  link = { url, query: Object.fromEntries(url.searchParams) };
  const sent = await chat.fake.sendText(chat.contact('刘洋').id, '帮助');
  message = sent.request;
  urlCheck = { ...message.query, echostr: parseCallbackXml(message.body)?.Encrypt ?? '' };
  await chat.settle();
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

type Pairs = [string, string][];

/** A URL cannot carry half a surrogate pair as such; the broken escapes below carry it as bytes. */
const escape = (text: string) => encodeURIComponent(text.toWellFormed());
const encode = (pairs: Pairs) => pairs.map(([key, value]) => `${escape(key)}=${escape(value)}`).join('&');

async function callbackGet(pairs: Pairs | string) {
  const query = typeof pairs === 'string' ? pairs : encode(pairs);
  return (await fetch(`${chat.fake.callbackUrl}?${query}`)).status;
}

async function callbackPost(pairs: Pairs | string) {
  const query = typeof pairs === 'string' ? pairs : encode(pairs);
  const response = await fetch(`${chat.fake.callbackUrl}?${query}`, {
    method: 'POST',
    body: message.body,
    headers: { 'content-type': 'text/xml' },
  });
  return response.status;
}

async function linkGet(pairs: Pairs | string) {
  const query = typeof pairs === 'string' ? pairs : encode(pairs);
  return (await fetch(`${link.url.origin}${link.url.pathname}?${query}`)).status;
}

describe('hostile query strings on the WeCom callback URL and the 查看全文 links', () => {
  test('when the genuine parameters are sent, then the URL check, the message and the link work', async () => {
    expect(await callbackGet(Object.entries(urlCheck))).toBe(200);
    expect(await callbackPost(Object.entries(message.query))).toBe(200);
    expect(await linkGet(Object.entries(link.query))).toBe(200);
  });

  test('when a signed parameter is repeated, then the callback is refused', async () => {
    for (const key of ['msg_signature', 'timestamp', 'nonce']) {
      const repeated: Pairs = [...Object.entries(message.query), [key, message.query[key]]];
      expect([key, await callbackPost(repeated)]).toEqual([key, 403]);
      expect([key, await callbackGet([...repeated, ['echostr', urlCheck.echostr]])]).toEqual([key, 403]);
    }
    const twoEchoes: Pairs = [...Object.entries(urlCheck), ['echostr', urlCheck.echostr]];
    expect(await callbackGet(twoEchoes)).toBe(403);
  });

  test('when a link parameter is repeated or the signature is not ASCII, then the link is refused', async () => {
    for (const key of ['user', 'v', 'exp', 'sig']) {
      const repeated: Pairs = [...Object.entries(link.query), [key, link.query[key]]];
      expect([key, await linkGet(repeated)]).toEqual([key, 403]);
    }
    // As long as the genuine signature in characters, longer in bytes.
    const wide = `${'签'.repeat(2)}${link.query.sig.slice(2)}`;
    expect(await linkGet(Object.entries({ ...link.query, sig: wide }))).toBe(403);
    expect(
      await callbackPost(
        Object.entries({ ...message.query, msg_signature: `签${message.query.msg_signature.slice(1)}` }),
      ),
    ).toBe(403);
  });

  test('when query strings are made of repeated keys, non-ASCII, empty and huge values and broken escapes, then every answer is 200, 400 or 403 (431 from Node itself when the request line is too long) and nothing fails', async () => {
    const keys = ['msg_signature', 'timestamp', 'nonce', 'echostr', 'user', 'v', 'exp', 'sig', 'other', ''];
    const value = fc.oneof(
      fc.constantFrom('', '签名', 'é', '\u0000', '\ud83d', '%', '%zz', '1e309', '-1', 'NaN', '[]', '{}'),
      fc.constantFrom(...Object.values(message.query), ...Object.values(link.query), urlCheck.echostr),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.nat({ max: 6000 }).map((length) => 'a'.repeat(length)),
    );
    const pair = fc.tuple(fc.constantFrom(...keys), value);
    /** Starts from the genuine parameters (or nothing) and adds, repeats or replaces some. */
    const queryFrom = (genuine: Record<string, string>) =>
      fc
        .tuple(
          fc.boolean(),
          fc.array(pair, { maxLength: 6 }),
          fc.boolean(),
          fc.constantFrom('', '&&', '&=x', '&sig=%ff%fe', '&nonce=%ED%A0%BD', '&msg_signature=%'),
        )
        .map(([keepGenuine, extra, replace, junk]) => {
          const base = keepGenuine ? Object.entries(genuine) : [];
          const pairs = replace
            ? [...base.filter(([key]) => !extra.some(([extraKey]) => extraKey === key)), ...extra]
            : [...base, ...extra];
          return `${encode(pairs)}${junk}`;
        });
    // Past Node's 16 KiB header limit the server refuses the request itself (431) before any code of ours runs.
    const refusedOrFine = [200, 400, 403, 431];
    await fc.assert(
      fc.asyncProperty(
        queryFrom(urlCheck),
        queryFrom(message.query),
        queryFrom(link.query),
        async (get, post, view) => {
          expect(['GET callback', get, refusedOrFine.includes(await callbackGet(get))]).toEqual([
            'GET callback',
            get,
            true,
          ]);
          expect(['POST callback', post, refusedOrFine.includes(await callbackPost(post))]).toEqual([
            'POST callback',
            post,
            true,
          ]);
          expect(['GET link', view, refusedOrFine.includes(await linkGet(view))]).toEqual(['GET link', view, true]);
        },
      ),
      { numRuns: 150, seed: propertySeed() },
    );
    await chat.settle();
  });
});
