import http from 'node:http';
import {
  OfficialAccountApiError,
  OfficialAccountClient,
  isReplyQuotaExhausted,
  isReplyWindowClosed,
} from '../../../src/publication/official-account-client';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';

const account = { appId: 'wx1234567890abcdef', appSecret: 'app-secret-must-never-show-9f2c' };

let fake: FakeOfficialAccountServer;
let apiBaseUrl: string;
let clock: ManualClock;
let logLines: string[];

function clientFor(options: Partial<{ appId: string; appSecret: string; apiBaseUrl: string; timeoutMs: number }> = {}) {
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  return new OfficialAccountClient({ apiBaseUrl, ...account, clock, logger, ...options });
}

async function failureOf(call: Promise<unknown>): Promise<OfficialAccountApiError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(OfficialAccountApiError);
    return error as OfficialAccountApiError;
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  clock = new ManualClock('2026-03-02T02:00:00Z');
  fake = new FakeOfficialAccountServer({ clock });
  fake.addAccount(account);
  apiBaseUrl = await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  logLines = [];
});

afterEach(() => {
  // Whatever a test did, the AppSecret reached no log line.
  expect(logLines.join('\n')).not.toContain(account.appSecret);
});

describe('the stable_token', () => {
  test('when the token is asked for twice, then it is fetched once and served from the cache', async () => {
    const client = clientFor();
    const before = fake.tokenRequests;
    const [first, second] = await Promise.all([client.stableToken(), client.stableToken()]);
    expect(first).toMatch(/^[0-9a-f]{48}$/);
    expect(second).toBe(first);
    expect(await client.stableToken()).toBe(first);
    expect(fake.tokenRequests - before).toBe(1);
  });

  test('when the token nears its 7,200 s expiry, then it is fetched again, and renewed once the platform renews it', async () => {
    const client = clientFor();
    const first = await client.stableToken(true);
    clock.advance(7200_000 - 4 * 60_000);
    // The platform answers its current token while it lasts, with what is left of its life.
    expect(await client.stableToken()).toBe(first);
    expect(client.tokenFetches).toBe(2);
    clock.advance(5 * 60_000);
    const renewed = await client.stableToken();
    expect(client.tokenFetches).toBe(3);
    expect(renewed).not.toBe(first);
  });

  test('when a refresh is forced, then the platform issues a new token', async () => {
    const client = clientFor();
    const first = await client.stableToken();
    const before = fake.forcedTokenRequests;
    const second = await client.stableToken(true);
    expect(second).not.toBe(first);
    expect(fake.forcedTokenRequests - before).toBe(1);
  });

  test('when the AppSecret is wrong, then the error says so in Chinese and shows no secret', async () => {
    const error = await failureOf(clientFor({ appSecret: 'wrong-secret-also-private' }).stableToken());
    expect(error).toMatchObject({ errcode: 40125, code: 'OFFICIAL_ACCOUNT_API_ERROR', status: 502, expose: true });
    expect(error.message).toContain('AppSecret 不正确');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('wrong-secret');
    expect(logLines.join('\n')).not.toContain('wrong-secret');
    expect(logLines.join('\n')).toContain('"errcode":40125');
  });

  test('when the AppID is wrong, then the error names the AppID setting', async () => {
    const error = await failureOf(clientFor({ appId: 'wx0000000000000000' }).stableToken());
    expect(error.errcode).toBe(40013);
    expect(error.message).toContain('AppID 不正确');
  });

  test('when the server IP is not whitelisted, then the error names the IP and the whitelist setting', async () => {
    fake.failNext('stable_token', 40164);
    const error = await failureOf(clientFor().stableToken());
    expect(error.errcode).toBe(40164);
    expect(error.message).toContain('203.0.113.7');
    expect(error.message).toContain('IP白名单');
  });

  test('when the daily limit is reached, then the error says so', async () => {
    fake.failNext('stable_token', 45009);
    const error = await failureOf(clientFor().stableToken());
    expect(error.errcode).toBe(45009);
    expect(error.message).toContain('调用次数已达上限');
  });

  test('when nothing listens at the API address, then the error says it cannot connect', async () => {
    const error = await failureOf(clientFor({ apiBaseUrl: 'http://127.0.0.1:9' }).stableToken());
    expect(error).toMatchObject({ errcode: null, code: 'OFFICIAL_ACCOUNT_UNREACHABLE' });
    expect(error.message).toContain('无法连接公众号接口 127.0.0.1:9');
  });

  test('when the API does not answer in time, then the error says it timed out', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await failureOf(
        clientFor({ apiBaseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }).stableToken(),
      );
      expect(error.code).toBe('OFFICIAL_ACCOUNT_UNREACHABLE');
      expect(error.message).toContain('200 毫秒内没有响应');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

/** A tiny JPEG-named picture; the fake checks names and sizes, not pixels. */
const picture = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

async function cover(client: OfficialAccountClient): Promise<string> {
  return client.addPermanentImage(picture, 'cover.jpg');
}

function article(thumbMediaId: string, content = '<p>正文</p>') {
  return { title: '关于春季防火的通知', author: '办公室', digest: '春季防火', content, thumbMediaId };
}

describe('the token on a call', () => {
  test('when the platform says the token expired, then it is fetched again once and the call goes through', async () => {
    const client = clientFor();
    await client.stableToken();
    fake.expireTokens();
    expect(await cover(client)).toEqual(expect.any(String));
    expect(client.tokenFetches).toBe(2);
  });

  test('when the platform says the token is invalid, then it is fetched again once and the call goes through', async () => {
    const client = clientFor();
    await client.stableToken();
    fake.revokeTokens();
    expect(await cover(client)).toEqual(expect.any(String));
    expect(client.tokenFetches).toBe(2);
  });

  test('when the token is refused twice in a row, then the call fails with the token message, not a loop', async () => {
    const client = clientFor();
    fake.failNext('material/add_material', 40001, 40001);
    const error = await failureOf(cover(client));
    expect(error.errcode).toBe(40001);
    expect(error.message).toContain('AppSecret 可能已被重置');
    expect(client.tokenFetches).toBe(2);
  });

  test('when a publishing call hits the daily limit, then the error says so', async () => {
    fake.failNext('freepublish/submit', 45009);
    const error = await failureOf(clientFor().submitPublication('any'));
    expect(error).toMatchObject({ errcode: 45009, api: 'freepublish/submit' });
  });

  test('when the platform answers in an unexpected shape, then the call fails instead of reading half of it', async () => {
    const odd = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      const body = request.url?.startsWith('/cgi-bin/stable_token')
        ? { access_token: 'token', expires_in: 7200 }
        : { errcode: 0, media_ids: [] };
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const port = (odd.address() as { port: number }).port;
      const error = await failureOf(clientFor({ apiBaseUrl: `http://127.0.0.1:${port}` }).addDraft([article('x')]));
      expect(error.message).toBe('公众号接口 draft/add 的返回内容无法识别，请稍后再试');
    } finally {
      odd.closeAllConnections();
      await new Promise<void>((resolve) => odd.close(() => resolve()));
    }
  });
});

describe('publishing through the API', () => {
  test('when an article is drafted and submitted, then it is published with its platform images and polling sees each state', async () => {
    const client = clientFor();
    const imageUrl = await client.uploadArticleImage(picture, 'figure.png');
    expect(imageUrl).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_png\//);
    const content = `<p>正文</p><img src="${imageUrl}"><img src="https://example.com/outside.jpg"><script>x()</script>`;
    const mediaId = await client.addDraft([article(await cover(client), content)]);
    fake.holdPublications = true;
    const { publishId, msgDataId } = await client.submitPublication(mediaId);
    expect(publishId).toMatch(/^\d+$/);
    expect(msgDataId).toMatch(/^\d+$/);
    expect(await client.getPublication(publishId)).toEqual({
      status: 1,
      articleId: null,
      articleUrls: [],
      failedIndexes: [],
    });
    await fake.finishPublication(publishId);
    fake.holdPublications = false;
    const done = await client.getPublication(publishId);
    expect(done).toMatchObject({ status: 0, articleId: expect.any(String), failedIndexes: [] });
    expect(done.articleUrls).toEqual([expect.stringMatching(/^https:\/\/mp\.weixin\.qq\.com\/s\//)]);
    const [published] = await client.getArticle(done.articleId ?? '');
    // The platform keeps its own images and drops others and scripts, as the real one does.
    expect(published).toEqual({
      title: '关于春季防火的通知',
      author: '办公室',
      digest: '春季防火',
      content: `<p>正文</p><img src="${imageUrl}">`,
      url: done.articleUrls[0],
      isDeleted: false,
    });
  });

  test('when an article breaks a platform limit or names no cover, then draft/add refuses it with the reason', async () => {
    const client = clientFor();
    const thumb = await cover(client);
    const long = await failureOf(client.addDraft([{ ...article(thumb), title: '标'.repeat(33) }]));
    expect(long).toMatchObject({ errcode: 45003 });
    expect(long.message).toContain('最多 32 个字');
    expect((await failureOf(client.addDraft([{ ...article(thumb), author: '作'.repeat(17) }]))).errcode).toBe(45110);
    expect((await failureOf(client.addDraft([{ ...article(thumb), digest: '摘'.repeat(129) }]))).errcode).toBe(45004);
    const body = `<p>${'字'.repeat(20_000)}</p>`;
    expect((await failureOf(client.addDraft([article(thumb, body)]))).errcode).toBe(45002);
    expect((await failureOf(client.addDraft([article('not-a-material')]))).errcode).toBe(40007);
    const wrongType = await failureOf(client.uploadArticleImage(picture, 'figure.gif'));
    expect(wrongType.message).toContain('只接受 JPG 或 PNG');
    expect((await failureOf(client.uploadArticleImage(Buffer.alloc(1024 * 1024 + 1), 'big.jpg'))).errcode).toBe(40009);
  });

  test.each([
    [2, '原创声明失败'],
    [3, '常规失败'],
    [4, '平台审核不通过'],
  ])(
    'when the platform finishes a publication with status %i (%s), then the poll says so and no article exists',
    async (status) => {
      const client = clientFor();
      fake.finishNextWith(status);
      const { publishId } = await client.submitPublication(await client.addDraft([article(await cover(client))]));
      await waitForStatus(client, publishId, status);
      expect(await client.getPublication(publishId)).toEqual({
        status,
        articleId: null,
        articleUrls: [],
        failedIndexes: [1],
      });
    },
  );

  test('when the platform publishes something other than the draft, then getarticle shows what went out', async () => {
    const client = clientFor();
    fake.alterNextPublication((content) => content.replace('正文', '正文（已改）'));
    const { publishId } = await client.submitPublication(await client.addDraft([article(await cover(client))]));
    const done = await waitForStatus(client, publishId, 0);
    expect((await client.getArticle(done.articleId ?? ''))[0]?.content).toBe('<p>正文（已改）</p>');
  });

  test('when an article is deleted or banned later, then its job and the article say so, and a ban unlists it', async () => {
    const client = clientFor();
    const first = await waitForStatus(
      client,
      (await client.submitPublication(await client.addDraft([article(await cover(client))]))).publishId,
      0,
    );
    const second = await waitForStatus(
      client,
      (await client.submitPublication(await client.addDraft([article(await cover(client))]))).publishId,
      0,
    );
    fake.deleteArticle(first.articleId ?? '');
    fake.banArticle(second.articleId ?? '');
    expect((await client.getArticle(first.articleId ?? ''))[0]?.isDeleted).toBe(true);
    const listed = await allPublished(client);
    expect(listed.map((item) => item.articleId)).toContain(first.articleId);
    expect(listed.map((item) => item.articleId)).not.toContain(second.articleId);
    for (const [articleId, status] of [
      [first.articleId, 5],
      [second.articleId, 6],
    ] as const) {
      const publishId = fake.articles.article(articleId ?? '')?.publishId ?? '';
      expect((await client.getPublication(publishId)).status).toBe(status);
    }
  });

  test('when an admin posts and edits in the back office, then the list shows it newest first, page by page', async () => {
    const client = clientFor();
    const posted = fake.postFromBackOffice(account.appId, { title: '后台直接发表', content: '<p>未经审核</p>' });
    clock.advance(60_000);
    fake.editPublishedArticle(posted.articleId, '<p>未经审核（改）</p>');
    const firstPage = await client.listPublished({ offset: 0, count: 1 });
    expect(firstPage.items[0]).toMatchObject({
      articleId: posted.articleId,
      updateTime: clock.now(),
      articles: [{ title: '后台直接发表', content: '<p>未经审核（改）</p>', isDeleted: false }],
    });
    const all = await allPublished(client);
    expect(all).toHaveLength(firstPage.totalCount);
    const bare = await client.listPublished({ offset: 0, count: 20, noContent: true });
    expect(bare.items.every((item) => item.articles.every((entry) => entry.content === ''))).toBe(true);
    expect((await failureOf(client.listPublished({ offset: 0, count: 21 }))).errcode).toBe(40097);
    const other = await failureOf(clientFor().getArticle('no-such-article'));
    expect(other.errcode).toBe(53600);
  });
});

describe('客服 messages to a follower', () => {
  const hour = 3600_000;

  test('when a follower wrote 47 hours ago, then a text sent to them reaches the platform', async () => {
    fake.userMessaged(account.appId, 'oWindowOpen', clock.now());
    clock.advance(47 * hour);
    await clientFor().sendCustomText('oWindowOpen', '您的留言已收到，我们将在 5 个工作日内答复');
    expect(fake.sentCustomMessages(account.appId).filter((message) => message.openId === 'oWindowOpen')).toEqual([
      {
        appId: account.appId,
        openId: 'oWindowOpen',
        text: '您的留言已收到，我们将在 5 个工作日内答复',
        at: clock.now(),
      },
    ]);
  });

  test('when the follower wrote more than 48 hours ago or never, then the send fails as a closed window', async () => {
    const client = clientFor();
    fake.userMessaged(account.appId, 'oWindowClosed', clock.now());
    clock.advance(48 * hour + 1000);
    const late = await failureOf(client.sendCustomText('oWindowClosed', '迟到的答复'));
    expect(late).toMatchObject({ errcode: 45015, api: 'message/custom/send' });
    expect(isReplyWindowClosed(late)).toBe(true);
    expect(isReplyQuotaExhausted(late)).toBe(false);
    expect(late.message).toContain('回复时间超过限制');
    const stranger = await failureOf(client.sendCustomText('oNeverWrote', '你好'));
    expect(isReplyWindowClosed(stranger)).toBe(true);
    const openIds = fake.sentCustomMessages().map((message) => message.openId);
    expect(openIds).not.toContain('oWindowClosed');
    expect(openIds).not.toContain('oNeverWrote');
  });

  test('when five texts went out since the follower wrote, then the sixth fails as over quota until they write again', async () => {
    const client = clientFor();
    fake.userMessaged(account.appId, 'oQuota', clock.now());
    for (let count = 1; count <= 5; count += 1) await client.sendCustomText('oQuota', `第 ${count} 条`);
    const sixth = await failureOf(client.sendCustomText('oQuota', '第 6 条'));
    expect(sixth.errcode).toBe(45047);
    expect(isReplyQuotaExhausted(sixth)).toBe(true);
    expect(isReplyWindowClosed(sixth)).toBe(false);
    expect(sixth.message).toContain('客服接口下行条数超过上限');
    clock.advance(hour);
    fake.userMessaged(account.appId, 'oQuota', clock.now());
    await client.sendCustomText('oQuota', '第 6 条');
    const texts = fake.sentCustomMessages(account.appId).filter((message) => message.openId === 'oQuota');
    expect(texts.map((message) => message.text)).toEqual([
      '第 1 条',
      '第 2 条',
      '第 3 条',
      '第 4 条',
      '第 5 条',
      '第 6 条',
    ]);
  });

  test('when the platform is set to fail a send, then the injected errcode comes back inside an open window', async () => {
    fake.userMessaged(account.appId, 'oFault', clock.now());
    fake.failNext('message/custom/send', 45047);
    const error = await failureOf(clientFor().sendCustomText('oFault', '你好'));
    expect(isReplyQuotaExhausted(error)).toBe(true);
    expect(fake.sentCustomMessages().map((message) => message.openId)).not.toContain('oFault');
  });

  test('when the fake allows fewer texts per window, then the quota follows its option', async () => {
    const strict = new FakeOfficialAccountServer({ clock, customMessagesPerWindow: 1 });
    strict.addAccount(account);
    try {
      const client = clientFor({ apiBaseUrl: await strict.start() });
      strict.userMessaged(account.appId, 'oStrict', clock.now());
      await client.sendCustomText('oStrict', '第 1 条');
      expect((await failureOf(client.sendCustomText('oStrict', '第 2 条'))).errcode).toBe(45047);
      expect(strict.sentCustomMessages()).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });
});

async function waitForStatus(client: OfficialAccountClient, publishId: string, status: number) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const state = await client.getPublication(publishId);
    if (state.status === status) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`publication ${publishId} never reached status ${status}`);
}

async function allPublished(client: OfficialAccountClient) {
  const items = [];
  for (let offset = 0; ; offset += 20) {
    const page = await client.listPublished({ offset, count: 20, noContent: true });
    items.push(...page.items);
    if (offset + 20 >= page.totalCount) return items;
  }
}
