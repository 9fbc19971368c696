/**
 * The Official Account push endpoint on the real Koa app, over HTTP, against the fake platform's pushes:
 * the URL check, a publication's PUBLISHJOBFINISH and a follower's text handed on once however often the
 * platform retries, and every forged, replayed, foreign or unreadable push refused with nothing handed on.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/shared/clock';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { signCallback } from '../../../src/shared/callback-crypto';
import { buildCallbackXml } from '../../../src/shared/callback-xml';
import { createOfficialAccountPushRouter } from '../../../src/publication/official-account-push-routes';
import type { OfficialAccountPushSecrets } from '../../../src/publication/official-account-push-routes';
import type { OfficialAccountPush } from '../../../src/publication/official-account-push-rules';
import { PushReceiptModel } from '../../../src/publication/official-account-push-model';
import { OfficialAccountClient } from '../../../src/publication/official-account-client';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import type { PushAnswer } from '../../../src/publication/fake-official-account-server';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { startApi } from '../../support/api-harness';

const clock = new ManualClock(new Date());
const account = {
  accountId: '6650a1b2c3d4e5f601234567',
  appId: 'wx5f3c2a1b0e9d8c7b',
  appSecret: 'push-test-app-secret-2b7e',
  token: 'pushToken2026',
  encodingAesKey: 'kWxPEVkTjB6QfTz0aQmBhaN8lV1rYyGmE8hS6pXaZ3c',
};
const secretsByAccount = new Map<string, OfficialAccountPushSecrets>([
  [account.accountId, { appId: account.appId, token: account.token, encodingAesKey: account.encodingAesKey }],
]);

let services: Services;
let server: http.Server;
let fake: FakeOfficialAccountServer;
let client: OfficialAccountClient;
let pushUrl: string;
let logLines: string[] = [];
let handled: { accountId: string; push: OfficialAccountPush }[] = [];
let failHandler = false;

/** Lets the handler that runs after the answer finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

beforeAll(async () => {
  await connectTestDatabase();
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  services = createServices({ clock, logger });
  const platformPushes = createOfficialAccountPushRouter({
    pushSecrets: async (accountId) => secretsByAccount.get(accountId) ?? null,
    handler: async (accountId, push) => {
      if (failHandler) throw new Error('handler down');
      handled.push({ accountId, push });
    },
    clock,
    logger,
  });
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', platformPushes }).server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pushUrl = `${origin}/wechat-official/push/${account.accountId}`;
  fake = new FakeOfficialAccountServer({ clock });
  fake.addAccount({ appId: account.appId, appSecret: account.appSecret });
  fake.configurePush(account.appId, { url: pushUrl, token: account.token, encodingAesKey: account.encodingAesKey });
  client = new OfficialAccountClient({ apiBaseUrl: await fake.start(), ...account, clock });
}, 60_000);

afterAll(async () => {
  await fake.stop();
  server.close();
  await services.audit.settle();
  await disconnectTestDatabase();
});

beforeEach(async () => {
  await emptyTestDatabase();
  clock.set(new Date());
  handled = [];
  logLines = [];
  failHandler = false;
});

afterEach(() => {
  // No secret of the connection reached a log line, whatever the test did.
  const log = logLines.join('\n');
  for (const secret of [account.appSecret, account.encodingAesKey, account.token]) expect(log).not.toContain(secret);
});

function refusals(): string[] {
  return logLines
    .map((line) => JSON.parse(line) as { msg: string; reason?: string })
    .filter((line) => line.msg === 'official account push refused')
    .map((line) => line.reason ?? '');
}

async function publishOne(): Promise<PushAnswer> {
  const cover = await client.addPermanentImage(Buffer.from('cover'), 'cover.jpg');
  const before = fake.pushes.length;
  await client.submitPublication(
    await client.addDraft([{ title: '推送测试', author: '', digest: '', content: '<p>正文</p>', thumbMediaId: cover }]),
  );
  for (let attempt = 0; attempt < 200 && fake.pushes.length === before; attempt += 1) await settle();
  const push = fake.pushes[before];
  if (!push) throw new Error('the fake sent no push');
  return push;
}

describe('the URL check', () => {
  test('when the back office checks the server URL, then the echostr comes back as it was sent', async () => {
    const check = await fake.verifyPushUrl(account.appId);
    expect(check).toEqual({ status: 200, body: check.echo, echo: check.echo });
  });

  test('when the check is signed with another token or names an account with no connection, then it is refused', async () => {
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const forged = new URL(pushUrl);
    forged.search = new URLSearchParams({
      signature: signCallback('another-token', timestamp, 'n1'),
      timestamp,
      nonce: 'n1',
      echostr: 'echo',
    }).toString();
    expect((await fetch(forged)).status).toBe(403);
    const unknown = new URL(forged.toString().replace(account.accountId, '6650a1b2c3d4e5f6ffffffff'));
    unknown.searchParams.set('signature', signCallback(account.token, timestamp, 'n1'));
    const answer = await fetch(unknown);
    expect([answer.status, await answer.text()]).toEqual([403, 'forbidden']);
    expect(refusals()).toEqual(['bad-signature', 'not-connected']);
  });
});

describe('genuine pushes', () => {
  test('when a publication finishes, then its PUBLISHJOBFINISH is handed on once, even when the platform retries', async () => {
    const push = await publishOne();
    expect([push.status, push.body]).toEqual([200, 'success']);
    await settle();
    const [job] = fake.articles.published(account.appId).slice(-1);
    expect(handled).toEqual([
      {
        accountId: account.accountId,
        push: {
          kind: 'publish-job-finished',
          publishId: job?.publishId,
          status: 0,
          articleId: job?.articleId,
          articleUrls: [job?.items[0]?.url],
          failedIndexes: [],
          at: new Date(Math.floor(clock.now().getTime() / 1000) * 1000),
        },
      },
    ]);
    for (let retry = 0; retry < 2; retry += 1) {
      const again = await fake.repost(push);
      expect([again.status, again.body]).toEqual([200, 'success']);
    }
    await settle();
    expect(handled).toHaveLength(1);
    expect(await PushReceiptModel.countDocuments()).toBe(1);
  });

  test('when a publication is turned down by the platform, then the push says which status and which articles', async () => {
    fake.finishNextWith(4);
    await publishOne();
    await settle();
    expect(handled.map((entry) => entry.push)).toEqual([
      expect.objectContaining({ kind: 'publish-job-finished', status: 4, articleId: null, failedIndexes: [1] }),
    ]);
  });

  test('when a follower writes to the account, then the text is handed on once by its MsgId', async () => {
    const sent = await fake.sendUserText(account.appId, 'oFollower123', '请问<办事>时间？ ]]> 谢谢');
    await fake.repost(sent);
    await settle();
    expect(handled).toEqual([
      {
        accountId: account.accountId,
        push: {
          kind: 'user-text',
          openId: 'oFollower123',
          content: '请问<办事>时间？ ]]> 谢谢',
          msgId: expect.stringMatching(/^\d+$/),
          at: expect.any(Date),
        },
      },
    ]);
  });

  test('when a follower writes to the account, then 客服 texts may go back to them for 48 hours', async () => {
    await fake.sendUserText(account.appId, 'oFollower456', '请问社保卡在哪里补办？');
    await client.sendCustomText('oFollower456', '您好，可到就近的社保服务窗口补办');
    expect(fake.sentCustomMessages(account.appId)).toContainEqual({
      appId: account.appId,
      openId: 'oFollower456',
      text: '您好，可到就近的社保服务窗口补办',
      at: clock.now(),
    });
    clock.advance(48 * 3600_000 + 1000);
    await expect(client.sendCustomText('oFollower456', '补充说明')).rejects.toMatchObject({ errcode: 45015 });
  });

  test('when a genuine push is of a kind the connector does not act on, then it is answered and ignored', async () => {
    const subscribe = buildCallbackXml({ FromUserName: 'oNew', CreateTime: 1, MsgType: 'event', Event: 'subscribe' });
    const answer = await fake.deliverPush(account.appId, subscribe);
    await settle();
    expect([answer.status, answer.body, handled]).toEqual([200, 'success', []]);
  });

  test('when the handler fails, then the platform still had its answer and the failure is logged', async () => {
    failHandler = true;
    const answer = await fake.sendUserText(account.appId, 'oFollower123', '你好');
    await settle();
    expect([answer.status, answer.body]).toEqual([200, 'success']);
    expect(logLines.join('\n')).toContain('official account push handling failed');
  });
});

describe('pushes that are refused, with nothing handed on', () => {
  async function expectRefused(answer: Promise<PushAnswer> | PushAnswer, reason: string) {
    const { status, body } = await answer;
    await settle();
    expect([status, body]).toEqual([403, 'forbidden']);
    expect(handled).toEqual([]);
    expect(await PushReceiptModel.countDocuments()).toBe(0);
    expect(refusals()).toEqual([reason]);
  }

  const text = () =>
    buildCallbackXml({ FromUserName: 'oX', CreateTime: 1, MsgType: 'text', Content: '同意', MsgId: '42' });

  test('when the signature is forged, then the push is refused', async () => {
    await expectRefused(fake.deliverPush(account.appId, text(), { signature: 'f'.repeat(40) }), 'bad-signature');
  });

  test('when a push signed more than 5 minutes ago arrives, then it is refused as a replay', async () => {
    const old = new Date(clock.now().getTime() - 6 * 60_000);
    await expectRefused(fake.deliverPush(account.appId, text(), { at: old }), 'stale-timestamp');
  });

  test('when a captured push is replayed after the window, then it is refused', async () => {
    const genuine = await fake.sendUserText(account.appId, 'oFollower123', '一条留言');
    await settle();
    expect(handled).toHaveLength(1);
    await emptyTestDatabase();
    handled = [];
    logLines = [];
    clock.advance(6 * 60_000);
    await expectRefused(fake.repost(genuine), 'stale-timestamp');
  });

  test('when a push is sealed for another AppID, then it is refused', async () => {
    await expectRefused(fake.deliverPush(account.appId, text(), { appId: 'wx0000000000000000' }), 'wrong-appid');
  });

  test('when a correctly signed ciphertext does not decrypt, then it is refused', async () => {
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const ciphertext = Buffer.alloc(64, 1).toString('base64');
    const query = {
      signature: signCallback(account.token, timestamp, 'n2'),
      timestamp,
      nonce: 'n2',
      encrypt_type: 'aes',
      msg_signature: signCallback(account.token, timestamp, 'n2', ciphertext),
    };
    const body = buildCallbackXml({ ToUserName: 'gh_x', Encrypt: ciphertext });
    await expectRefused(fake.repost({ status: 0, body: '', request: { url: pushUrl, query, body } }), 'undecryptable');
  });

  test('when a push comes unencrypted (明文模式), then it is refused', async () => {
    const genuine = await fake.sendUserText(account.appId, 'oFollower123', '明文');
    await settle();
    await emptyTestDatabase();
    handled = [];
    logLines = [];
    const { encrypt_type: _dropped, ...query } = genuine.request.query;
    await expectRefused(fake.repost({ ...genuine, request: { ...genuine.request, query } }), 'not-encrypted');
  });

  test('when a parameter is repeated, then the push is refused', async () => {
    const sealed = await fake.deliverPush(account.appId, text(), { signature: 'f'.repeat(40) });
    logLines = [];
    const url = new URL(pushUrl);
    for (const [key, value] of Object.entries(sealed.request.query)) url.searchParams.append(key, value);
    url.searchParams.append('msg_signature', 'again');
    const answer = await fetch(url, { method: 'POST', body: sealed.request.body });
    await expectRefused(
      { status: answer.status, body: await answer.text(), request: sealed.request },
      'repeated-parameter',
    );
  });
});
