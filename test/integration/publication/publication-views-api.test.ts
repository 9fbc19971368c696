/**
 * Where people see publishing and its verification (issue 25, item 7), over HTTP against the fake
 * platform and the real database: a draft's 发布核验 in its detail and its timeline, after 发布 (verified,
 * differing, failed) and after a sweep (a post published by hand), and the dashboard's card of the last
 * 30 days within each viewer's scope.
 */
import type http from 'node:http';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { renderArticleHtml } from '../../../src/publication/article-html-rules';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import type { Dashboard, DraftDetail, DraftTimeline } from '../../../src/shared/contracts';
import { cliToken, startApi } from '../../support/api-harness';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId } from '../../support/people-factories';
import { openEmergencyAccount } from '../../support/connection-factories';
import { connectToFakePlatform } from '../../support/publication-factories';

const shanghai = (text: string) => new Date(`${text}+08:00`);
const clock = new ManualClock(shanghai('2026-11-02T10:00:00'));
const tokens = new AccessTokens('publication-views-test-secret-0123456789', 3600, clock);
const logger = createLogger('silent');
const platform = new FakeOfficialAccountServer({ clock });
const secrets = {
  appSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  token: 'ViewsPushToken2026',
  encodingAesKey: 'Vmlld3NUZXN0S2V5Rm9yVGhlT2ZmaWNpYWxBY2NvdW5',
};
let services: Services;
let server: http.Server;
let apiBaseUrl: string;
let appId = '';
let run = 0;
let accountId: string;

beforeAll(async () => {
  await connectTestDatabase();
  apiBaseUrl = await platform.start();
  // No push endpoint here: the check job asks the platform for each result.
  platform.pushesEnabled = false;
}, 60_000);

afterAll(async () => {
  await platform.stop();
  await disconnectTestDatabase();
});

// Each test: the sample organisation, the emergency bureau's 公众号 connected with a default cover, a
// branch admin of 青山镇 (林小燕, outside) and one of the bureau itself (钱卫东, inside).
beforeEach(async () => {
  await emptyTestDatabase();
  // A platform account of its own: nothing published on it yet.
  appId = `wx7e1e0b5a9c3d${String((run += 1)).padStart(4, '0')}`;
  clock.set(shanghai('2026-11-02T10:00:00'));
  services = createServices({ clock, logger });
  await importSampleOrganization(services.people);
  await makeAdmin(await personId('林小燕'), '某县人民政府/青山镇人民政府');
  await makeAdmin(await personId('钱卫东'), '某县人民政府/县应急管理局');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
  accountId = await openEmergencyAccount(services, '平安应急');
  await connectToFakePlatform(services, platform, { appId, secrets, accountId, apiBaseUrl, author: '县应急管理局' });
  const operator = { kind: 'operator' as const, personId: null };
  expect((await services.officialAccountConnections.test(operator, accountId)).state).toBe('connected');
}, 60_000);

afterEach(async () => {
  server.close();
  await services.audit.settle();
});

const actor = async (name: string) => ({ personId: await personId(name), via: 'test' });

/** 刘洋 submits; 孙丽 and 赵海涛 approve both steps; the draft's code. */
async function approvedDraft(title: string, body: string): Promise<string> {
  const { code } = await services.drafts.submitDraft(await actor('刘洋'), { title, body });
  for (const leader of ['孙丽', '赵海涛']) {
    await services.drafts.decide(await actor(leader), { code, decision: 'approve', comment: '', versionNumber: null });
  }
  return code;
}

/** 发布 by 刘洋, then the check job's run two minutes later finds the result and verifies the article. */
async function publish(code: string): Promise<void> {
  await services.publications.publish(await actor('刘洋'), code);
  const after = clock.now();
  clock.advance(2 * 60_000);
  await services.publications.checkUnfinished({ after, until: clock.now() });
}

async function get<Body>(name: string, path: string): Promise<{ status: number; body: Body }> {
  const token = (await cliToken(tokens, clock, await personId(name))).token;
  const answer = await request(server).get(path).set('Authorization', `Bearer ${token}`);
  return { status: answer.status, body: answer.body as Body };
}

const detailOf = async (code: string, name = '刘洋') => (await get<DraftDetail>(name, `/api/v1/drafts/${code}`)).body;

describe('发布核验 on the draft detail', () => {
  test('when an approved draft is published and verified, then its detail shows 核验一致 with the link and the approved hash, and the timeline says each step in Chinese', async () => {
    const code = await approvedDraft('防汛演练通知', '各乡镇：定于12月1日开展防汛演练。\n请做好准备。');
    expect((await detailOf(code)).publicationCheck).toBeNull();

    await publish(code);

    const detail = await detailOf(code);
    expect(detail.publicationCheck).toMatchObject({
      source: 'publish',
      state: 'verified',
      stateText: '已发布，核验一致',
      message: '平台上的文章经核验与审核通过的第1版一致。',
      accountName: '平安应急',
      versionNumber: 1,
      contentHash: detail.versions[0].contentHash,
      articleUrl: expect.stringMatching(/^https?:\/\//),
      placeCount: 0,
      difference: null,
      attempts: 1,
    });
    expect(detail.publication.url).toBe(detail.publicationCheck?.articleUrl);
    // The approvers may read it too.
    expect((await detailOf(code, '赵海涛')).publicationCheck?.state).toBe('verified');

    const timeline = (await get<DraftTimeline>('刘洋', `/api/v1/drafts/${code}/timeline`)).body;
    expect(timeline.events.map((event) => event.actionText)).toEqual([
      '投稿',
      '同意',
      '同意',
      '提交公众号发布',
      '平台已发布',
      '登记发布',
      '发布核验一致',
    ]);
  });

  test('when the article on the platform differs from the approved version, then the detail shows 核验不一致 with the difference word by word', async () => {
    const code = await approvedDraft('森林防火提示', '今年投入资金500万元用于森林防火。');
    platform.alterNextPublication((content) => content.replace('500', '800'));
    await publish(code);

    const check = (await detailOf(code)).publicationCheck;
    expect(check).toMatchObject({ state: 'mismatch', stateText: '已发布，核验不一致', placeCount: 1 });
    expect(check?.message).toBe('平台上的文章与审核通过的第1版有 1 处不同，已通知投稿人、审核领导和管理员。');
    expect(check?.differenceText).toContain('【500】→【800】');
    expect(check?.difference?.text.filter((segment) => segment.kind !== 'same')).toEqual([
      { kind: 'removed', text: '500' },
      { kind: 'added', text: '800' },
    ]);
    const timeline = (await get<DraftTimeline>('刘洋', `/api/v1/drafts/${code}/timeline`)).body;
    expect(timeline.events.at(-1)?.actionText).toBe('发布核验不一致');
  });

  test('when the platform rejects the article, then the detail says why and that it can be published again', async () => {
    const code = await approvedDraft('秋季防火通知', '请各单位做好秋季防火工作。');
    platform.finishNextWith(4);
    await publish(code);

    expect((await detailOf(code)).publicationCheck).toMatchObject({
      state: 'failed',
      stateText: '发布未成功',
      message: expect.stringMatching(/未通过平台审核.*稿件仍为审核通过状态，可再次发布。$/),
      articleUrl: '',
    });
    const timeline = (await get<DraftTimeline>('刘洋', `/api/v1/drafts/${code}/timeline`)).body;
    expect(timeline.events.at(-1)).toMatchObject({
      actionText: '平台发布未成功',
      reason: expect.stringContaining('未通过平台审核'),
    });
  });

  test('when an approved draft was published by hand in the back office, then after the sweep its detail shows the sweep’s 核验一致', async () => {
    const code = await approvedDraft('冬季用电安全提示', '冬季取暖用电负荷大，请勿私拉乱接电线。');
    platform.postFromBackOffice(appId, {
      title: '冬季用电安全提示',
      content: renderArticleHtml('冬季取暖用电负荷大，请勿私拉乱接电线。', []),
      at: clock.now(),
    });
    clock.advance(60 * 60_000);
    await services.sweeps.sweepAccount(accountId);

    const detail = await detailOf(code);
    expect(detail.publicationCheck).toMatchObject({
      source: 'sweep',
      state: 'verified',
      message: '平台巡查发现这篇文章（在公众号后台发布），经核验与审核通过的第1版一致。',
      contentHash: detail.versions[0].contentHash,
      attempts: 0,
    });
    const timeline = (await get<DraftTimeline>('刘洋', `/api/v1/drafts/${code}/timeline`)).body;
    expect(timeline.events.at(-1)).toMatchObject({ actionText: '发布核验一致', via: 'sweep' });
  });

  test('when a verified hand-published article is deleted on the platform, then the next sweep adds the deletion to the timeline and keeps the verification', async () => {
    const code = await approvedDraft('冬季防火巡查安排', '各村组每日巡查一次，发现隐患及时上报。');
    const article = platform.postFromBackOffice(appId, {
      title: '冬季防火巡查安排',
      content: renderArticleHtml('各村组每日巡查一次，发现隐患及时上报。', []),
      at: clock.now(),
    });
    clock.advance(60 * 60_000);
    await services.sweeps.sweepAccount(accountId);
    platform.deleteArticle(article.articleId);
    clock.advance(24 * 60 * 60_000);
    await services.sweeps.sweepAccount(accountId);

    const timeline = (await get<DraftTimeline>('刘洋', `/api/v1/drafts/${code}/timeline`)).body;
    expect(timeline.events.slice(-2).map((event) => [event.actionText, event.via])).toEqual([
      ['发布核验一致', 'sweep'],
      ['文章在平台被删除', 'sweep'],
    ]);
  });
});

describe('the dashboard card of the last 30 days', () => {
  test('when the account published a verified post and an unapproved one, then admins and the leader within scope see them counted, an admin outside sees none, an officer no card', async () => {
    const code = await approvedDraft('防汛演练通知', '各乡镇：定于12月1日开展防汛演练。');
    await publish(code);
    platform.postFromBackOffice(appId, {
      title: '未经审核的通知',
      content: renderArticleHtml('这是一篇从后台直接发出的文章。', []),
      at: clock.now(),
    });
    clock.advance(60 * 60_000);
    await services.sweeps.sweepAccount(accountId);

    const expected = {
      windowDays: 30,
      connectedAccounts: 1,
      verified: 1,
      mismatched: 0,
      unapproved: 1,
      changedLater: 0,
      latestUnapproved: [{ accountId, accountName: '平安应急', title: '未经审核的通知', url: expect.any(String) }],
      lastSweptAt: clock.now().toISOString(),
    };
    for (const name of ['李静', '钱卫东', '王建华']) {
      const { status, body } = await get<Dashboard>(name, '/api/v1/dashboard');
      expect({ name, status, publications: body.publications }).toMatchObject({
        name,
        status: 200,
        publications: expected,
      });
    }
    const outside = (await get<Dashboard>('林小燕', '/api/v1/dashboard')).body.publications;
    expect(outside).toMatchObject({ connectedAccounts: 0, verified: 0, unapproved: 0, latestUnapproved: [] });
    expect((await get<Dashboard>('刘洋', '/api/v1/dashboard')).body.publications).toBeNull();
  });

  test('when the posts are older than 30 days, then they are not counted', async () => {
    platform.postFromBackOffice(appId, {
      title: '旧文章',
      content: renderArticleHtml('很久以前发布的文章。', []),
      at: clock.now(),
    });
    await services.sweeps.sweepAccount(accountId);
    clock.advance(31 * 86_400_000);
    const { body } = await get<Dashboard>('李静', '/api/v1/dashboard');
    expect(body.publications).toMatchObject({ connectedAccounts: 1, unapproved: 0, latestUnapproved: [] });
  });
});
