/**
 * The platform sweep on demand and daily (issue 25, slice E), against the fake platform, the real
 * database and the API over HTTP: who may sweep an account, what a sweep answers, the daily job run
 * once however many processes run it, and the cadence counted from the platform for a connected account.
 */
import type http from 'node:http';
import { Types } from 'mongoose';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { PlatformArticleModel } from '../../../src/publication/platform-article-model';
import { renderArticleHtml } from '../../../src/publication/article-html-rules';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { platformSweepJob } from '../../../src/jobs/platform-sweep-job';
import { cadenceCheckJob } from '../../../src/jobs/cadence-check-job';
import { CadenceStateModel } from '../../../src/cadence/cadence-state-model';
import { PostModel } from '../../../src/cadence/post-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { cliToken, startApi } from '../../support/api-harness';
import { connectTestDatabase, disconnectTestDatabase, emptyTestDatabase } from '../../support/database';
import { importSampleOrganization, makeAdmin, personId } from '../../support/people-factories';
import { connectToFakePlatform } from '../../support/publication-factories';
import { openEmergencyAccount } from '../../support/connection-factories';
import { openAccount } from '../../support/registry-factories';
import { adminCli } from '../../support/admin-cli';

const shanghai = (text: string) => new Date(`${text}+08:00`);
const clock = new ManualClock(shanghai('2026-11-02T10:00:00'));
const tokens = new AccessTokens('sweep-api-test-secret-0123456789abcdef', 3600, clock);
const logger = createLogger('silent');
const platform = new FakeOfficialAccountServer({ clock });
let services: Services;
let server: http.Server;
let apiBaseUrl: string;

let appId = '';
let run = 0;
const secrets = {
  appSecret: 'c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8',
  token: 'SweepPushToken2026',
  encodingAesKey: 'U3dlZXBUZXN0S2V5Rm9yVGhlT2ZmaWNpYWxBY2NvdW5',
};
let accountId: string;

// The CLI runs in its own process: it opens the stored secrets with the same master secret.
const masterSecret = 'sweep-api-test-master-secret-0123456789';
let runAdmin: ReturnType<typeof adminCli>;

beforeAll(async () => {
  runAdmin = adminCli({
    databaseName: await connectTestDatabase(),
    jwtSecret: 'sweep-api-test-jwt-secret-0123456789abcdef',
    env: { PUBLICATION_SECRET_KEY: masterSecret },
  });
  apiBaseUrl = await platform.start();
}, 60_000);

afterAll(async () => {
  await platform.stop();
  await disconnectTestDatabase();
});

// Each test starts from the sample organisation with the emergency bureau's 微信公众号, connected and
// tested, run by 刘洋 with 王建华 in charge, and a platform on which it has published nothing yet.
beforeEach(async () => {
  await emptyTestDatabase();
  // A platform account of its own: nothing published on it yet.
  appId = `wx5eeb0a7d2c3f${String((run += 1)).padStart(4, '0')}`;
  clock.set(shanghai('2026-11-02T10:00:00'));
  services = createServices({ clock, logger, connectionSecretKey: () => masterSecret });
  await importSampleOrganization(services.people);
  await makeAdmin(await personId('林小燕'), '某县人民政府/青山镇人民政府');
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
  accountId = await openEmergencyAccount(services, '平安应急');
  await connectToFakePlatform(services, platform, { accountId, apiBaseUrl, appId, secrets });
  const operator = { kind: 'operator' as const, personId: null };
  expect((await services.officialAccountConnections.test(operator, accountId)).state).toBe('connected');
}, 60_000);

afterEach(async () => {
  server.close();
  await services.audit.settle();
});

async function sweepAs(name: string, id = accountId, method: 'post' | 'get' = 'post') {
  const token = (await cliToken(tokens, clock, await personId(name))).token;
  const answer = await request(server)[method](`/api/v1/accounts/${id}/sweep`).set('Authorization', `Bearer ${token}`);
  return { status: answer.status, code: (answer.body as { error?: { code: string } }).error?.code, body: answer.body };
}

const postFromBackOffice = (title: string, text: string, at = clock.now()) =>
  platform.postFromBackOffice(appId, { title, content: renderArticleHtml(text, []), at });

describe('who may sweep an account', () => {
  test('when a branch admin outside the account’s unit sweeps it, then 404 as for an unknown account, and nothing is read or recorded', async () => {
    postFromBackOffice('关于调整办公时间的通知', '即日起，本局办公时间调整为8:30至17:30。');
    const outsider = await sweepAs('林小燕');
    const unknown = await sweepAs('林小燕', new Types.ObjectId().toString());
    expect([outsider.status, outsider.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect(outsider.body).toEqual(unknown.body);
    expect((await sweepAs('林小燕', accountId, 'get')).status).toBe(404);
    expect(await PlatformArticleModel.countDocuments({})).toBe(0);
  });

  test('when the county admin sweeps it, then the answer says what was found, and the last sweep can be read again', async () => {
    postFromBackOffice('关于调整办公时间的通知', '即日起，本局办公时间调整为8:30至17:30。');
    const swept = await sweepAs('李静');
    expect(swept.status).toBe(200);
    expect(swept.body).toMatchObject({
      accountId,
      accountName: '平安应急',
      outcome: { error: '', listed: 1, found: 1, verified: 0, unapproved: 1 },
      message:
        '公众号“平安应急”核查完成：查看平台文章 1 篇，新发现 1 篇：核验一致 0 篇，与审核版本不一致 0 篇，未经审核发布 1 篇。',
    });
    expect((await sweepAs('李静', accountId, 'get')).body).toEqual(swept.body);
  });

  test('when an account is not connected, then the sweep is refused with what to do', async () => {
    const weibo = await openAccount(services, {
      unit: '县应急管理局',
      name: '应急微博',
      platform: 'weibo',
      leader: '王建华',
      admin: '刘洋',
    });
    const answer = await sweepAs('李静', String(weibo._id));
    expect([answer.status, answer.code]).toEqual([409, 'ACCOUNT_NOT_CONNECTED']);
    expect((answer.body as { error: { message: string } }).error.message).toContain('请先在账号详情中填写并测试连接');
  });
});

describe('the sweep from the command line', () => {
  test('when the operator sweeps an account by name, then the answer says what was found; sweeping all again finds nothing new', async () => {
    postFromBackOffice('关于调整办公时间的通知', '即日起，本局办公时间调整为8:30至17:30。');
    await services.audit.settle();
    const named = await runAdmin('sweep', '平安应急');
    expect([named.code, named.stderr]).toEqual([0, '']);
    expect(named.stdout.trim()).toBe(
      '公众号“平安应急”核查完成：查看平台文章 1 篇，新发现 1 篇：核验一致 0 篇，与审核版本不一致 0 篇，未经审核发布 1 篇。',
    );
    const all = await runAdmin('sweep');
    expect([all.code, all.stdout.trim()]).toEqual([
      0,
      '公众号“平安应急”核查完成：查看平台文章 1 篇，没有新发布的文章。',
    ]);
    expect(await PlatformArticleModel.countDocuments({ accountId: new Types.ObjectId(accountId) })).toBe(1);
  });
});

describe('the daily sweep', () => {
  test('when two processes run the 08:30 sweep, then it runs once and a back-office post is alerted once', async () => {
    postFromBackOffice('关于调整办公时间的通知', '即日起，本局办公时间调整为8:30至17:30。');
    clock.set(shanghai('2026-11-03T08:30:00'));
    const scheduledFor = clock.now();
    const job = platformSweepJob({ sweeps: services.sweeps, logger });
    const ran = await Promise.all(
      ['a', 'b'].map((processId) =>
        new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' }).runOnce(job, scheduledFor),
      ),
    );
    expect(ran.sort()).toEqual([false, true]);
    const alerts = await OutboxMessageModel.find({ idempotencyKey: /:unapproved:/ }, { recipient: 1 }).lean();
    const names = await services.people.findPeople(alerts.map((alert) => String(alert.recipient.personId)));
    expect([...names.values()].map((person) => person.name).sort()).toEqual(['李静', '王建华']);
  });
});

describe('the cadence of a connected account', () => {
  test('when it posts on the platform with no 已发布 report, then the 09:00 check does not warn; a report alone counts for nothing', async () => {
    // Opened in March, nothing reported since: without the sweep the officer would be warned.
    postFromBackOffice(
      '今冬明春安全生产提示',
      '冬春季节是火灾易发期，请注意用火用电安全。',
      shanghai('2026-11-02T16:00:00'),
    );
    clock.set(shanghai('2026-11-03T08:30:00'));
    await services.sweeps.sweepConnected();
    clock.set(shanghai('2026-11-03T09:00:00'));
    await new JobScheduler({ clock, logger, processId: 'a', timeZone: 'Asia/Shanghai' }).runOnce(
      cadenceCheckJob(services),
      clock.now(),
    );
    expect(
      await OutboxMessageModel.countDocuments({ idempotencyKey: new RegExp(`^cadence:${accountId}:baseline`) }),
    ).toBe(0);
    expect(await CadenceStateModel.findById(accountId).lean()).toMatchObject({
      lastPostAt: shanghai('2026-11-02T16:00:00'),
    });
    // The post is counted, and flagged: no approval vouches for it.
    expect(
      await PostModel.find({ accountId: new Types.ObjectId(accountId) }, { source: 1, flag: 1, _id: 0 }).lean(),
    ).toEqual([{ source: 'platform', flag: 'unapproved' }]);

    await services.cadence.recordPublication({
      draftId: String(new Types.ObjectId()),
      unitId: String((await PlatformArticleModel.findOne({}).lean())?.unitId),
      accountId,
      publishedAt: shanghai('2026-11-03T10:00:00'),
      url: 'https://mp.weixin.qq.com/s/reported-only',
      original: true,
    });
    expect((await CadenceStateModel.findById(accountId).lean())?.lastPostAt).toEqual(shanghai('2026-11-02T16:00:00'));
    expect(await PostModel.countDocuments({ accountId: new Types.ObjectId(accountId) })).toBe(1);
  });
});

describe('what the sweep reads for 考核自查 (issue 27)', () => {
  test('when a published text carries a serious wrong expression, then the sweep records it and the account fails 严重表述错误', async () => {
    postFromBackOffice('我县召开防汛工作会议', '会议传达学习中国人民共和国防汛条例，部署今年防汛工作。');
    expect((await sweepAs('李静')).status).toBe(200);
    const [article] = await PlatformArticleModel.find({}).lean();
    expect(article.seriousExpressions).toEqual(['“中国人民共和国”应为“中华人民共和国”']);
    const token = (await cliToken(tokens, clock, await personId('李静'))).token;
    const answer = await request(server)
      .get(`/api/v1/readiness/accounts/${accountId}`)
      .set('Authorization', `Bearer ${token}`);
    const lines = (
      answer.body as { account: { lines: { indicatorId: string; status: string; evidence: { label: string }[] }[] } }
    ).account.lines;
    const line = (id: string) => lines.find((candidate) => candidate.indicatorId === id);
    expect(line('published-serious-expression')).toMatchObject({ status: 'fail' });
    expect(line('published-serious-expression')?.evidence[0].label).toContain('我县召开防汛工作会议');
    expect(line('unapproved-publication')).toMatchObject({ status: 'fail' });
  });
});
