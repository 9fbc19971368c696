/**
 * `npm run demo -- --platform wechat-official`: publishing through a 公众号 (R10) on the local fake
 * Official Account platform (src/publication/fake-official-account-server.ts), through the real bot, the
 * real services and our real push endpoint. The admin registers and connects the account; a draft is
 * submitted and approved; `发布 K7Q2` sends exactly the approved version; the platform pushes the result
 * (PUBLISHJOBFINISH, signed and encrypted) to our server, which checks it, answers `success` and verifies
 * the article — 已核验一致. Then someone posts straight from the back office, and the platform sweep
 * catches it: 未经审核发布, the alert the leader in charge and the admins read.
 */
import http from 'node:http';
import Koa from 'koa';
import type { Services } from '../src/services';
import type { Logger } from '../src/shared/logger';
import { systemClock } from '../src/shared/clock';
import { civilDate } from '../src/shared/wall-clock';
import { FakeOfficialAccountServer } from '../src/publication/fake-official-account-server';
import { createPublicationPushRouter } from '../src/publication/publication-push';
import type { OfficialAccountPush } from '../src/publication/official-account-push-rules';
import { renderArticleHtml } from '../src/publication/article-html-rules';
import { codeIn, print } from './demo-kit';
import type { Demo } from './demo-kit';

const accountName = '应急先锋';
const appId = 'wx5d1e2f3a4b5c6d7e';
// Demo values on a local fake: a real account's are set in the mini-program or by npm run admin -- connection-set.
const secrets = {
  appSecret: 'c0ffee12c0ffee34c0ffee56c0ffee78',
  token: 'ShenfaDemoPushToken',
  encodingAesKey: 'U2hlbmZhRGVtb0VuY29kaW5nQUVTS2V5Rm9yUHVzaGU',
};
const statusWords: Record<number, string> = {
  0: '成功',
  2: '原创声明失败',
  3: '常规失败',
  4: '平台审核不通过',
  5: '已删除',
  6: '已封禁',
};

/** The platform, our push endpoint and the connected account, for the story. */
export interface OfficialAccountStage {
  platform: FakeOfficialAccountServer;
  accountId: string;
  stop(): Promise<void>;
}

/** Starts the fake platform and our push endpoint. */
export async function startOfficialAccountStage(
  services: Services,
  logger: Logger,
  demo: Pick<Demo, 'note'>,
): Promise<OfficialAccountStage & { pushBase: string; apiBaseUrl: string }> {
  const platform = new FakeOfficialAccountServer();
  // The platform takes a while to publish (minutes, really); its push then comes after 发布 is answered.
  platform.publishDelayMs = 1_000;
  const apiBaseUrl = await platform.start();
  // The endpoint as main.ts mounts it; the demo prints each push it takes on before handing it over.
  const pushes = createPublicationPushRouter({
    officialAccountConnections: services.officialAccountConnections,
    publications: {
      handlePush: async (accountId, push) => {
        if (push.kind === 'publish-job-finished') demo.note('公众号平台', '审发', describePush(push));
        await services.publications.handlePush(accountId, push);
      },
    },
    inquiries: services.inquiries,
    clock: systemClock,
    logger,
  });
  const app = new Koa();
  app.use(pushes.routes());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const pushBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wechat-official/push`;
  return {
    platform,
    accountId: '',
    apiBaseUrl,
    pushBase,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platform.stop();
    },
  };
}

function describePush(push: Extract<OfficialAccountPush, { kind: 'publish-job-finished' }>): string {
  const status = `${push.status}（${statusWords[push.status] ?? '未知'}）`;
  const url = push.articleUrls[0] ? `，文章 ${push.articleUrls[0]}` : '';
  return `[推送 PUBLISHJOBFINISH，已验签解密，应答 success] publish_id ${push.publishId}，发布状态 ${status}${url}`;
}

/**
 * 李静 registers the emergency bureau's 公众号 (led by 王建华, run by 刘洋) and connects it: the AppID, the
 * AppSecret and, for pushes, the Token and EncodingAESKey; the test asks the platform for a token.
 */
export async function connectAccount(
  services: Services,
  stage: OfficialAccountStage & { pushBase: string; apiBaseUrl: string },
): Promise<string> {
  const person = (name: string) => services.people.findPersonByReference(name);
  const [admin, leader, officer] = await Promise.all([person('李静'), person('王建华'), person('刘洋')]);
  const actor = { personId: admin.id, via: 'demo' };
  const applied = await services.accounts.apply(actor, {
    unitId: officer.unitIds[0],
    platform: 'wechat-official-account',
    name: accountName,
    purpose: '发布县应急管理局政务信息和应急提示',
    scope: '防汛、防火、安全生产等应急管理信息',
    leaderInChargeId: leader.id,
    backendAdminId: officer.id,
    backendAdminPhone: '0571-88886666',
    openedOn: civilDate(systemClock.now(), 'Asia/Shanghai'),
  });
  const accountId = String(applied._id);
  await services.accounts.decideOpening(actor, accountId, {
    decision: 'approve',
    reason: '',
    documentNumber: '县政办〔2026〕1号',
  });
  await services.accounts.fileOpening(actor, accountId, '材料齐全');

  const pushUrl = `${stage.pushBase}/${accountId}`;
  stage.platform.addAccount({ appId, appSecret: secrets.appSecret, push: { url: pushUrl, ...secrets } });
  const caller = { kind: 'admin' as const, personId: admin.id };
  const connections = services.officialAccountConnections;
  await connections.set(caller, accountId, { appId, apiBaseUrl: stage.apiBaseUrl, ...secrets });
  const tested = await connections.test(caller, accountId);
  const cover = await (await connections.clientFor(accountId))?.addPermanentImage(Buffer.from('cover'), 'cover.png');
  await connections.set(caller, accountId, {
    appId,
    apiBaseUrl: stage.apiBaseUrl,
    author: '县应急管理局',
    defaultCoverMediaId: cover,
  });
  print(
    `公众号“${accountName}”（县应急管理局，分管领导 王建华，后台管理员 刘洋）已登记备案，由 李静 接入本地模拟的公众号平台：`,
  );
  print(`  AppID ${appId}；AppSecret、Token、EncodingAESKey 已填写（只写不读，加密保存）`);
  print(`  服务器地址(URL)：${pushUrl}`);
  print(`  连接测试：${tested.stateText}${tested.lastTest ? `（${tested.lastTest.message}）` : ''}`);
  return accountId;
}

/** Submission, two approvals, 发布 → 已核验一致; then a back-office post caught by the sweep. */
export async function runOfficialAccountStory(
  demo: Demo,
  services: Services,
  stage: OfficialAccountStage,
): Promise<void> {
  const title = '防汛应急演练通知';
  const body = '各乡镇、各有关单位：定于6月28日上午9时在青山镇开展防汛应急演练，请各单位按方案做好准备。';
  const [receipt] = await demo.step('刘洋投稿（公众号“应急先锋”）', '刘洋', `投稿 ${title}\n${body}`, [
    ['刘洋', '已收到投稿'],
    ['孙丽', '【待审核】'],
  ]);
  const code = codeIn(receipt);
  await demo.step('孙丽同意（第1/2步）', '孙丽', `同意 ${code}`, [['赵海涛', `【待审核】#${code}`]]);
  await demo.step('赵海涛同意（第2/2步）', '赵海涛', `同意 ${code}`, [['刘洋', '稿件已审核通过']]);

  await demo.step('刘洋发布：按审核通过的版本生成文章，提交公众号平台', '刘洋', `发布 ${code}`, [
    ['刘洋', `已提交发布：#${code}`],
    ['刘洋', '经核验与审核通过的第1版一致'],
    ['孙丽', `【发布核验】#${code}`],
    ['赵海涛', `【发布核验】#${code}`],
  ]);
  await demo.step('刘洋查看稿件', '刘洋', `查看 ${code}`, [['刘洋', '发布核验：与审核通过的第1版一致']]);

  demo.heading('有人在公众号后台直接发表了一篇文章（没有经过审核）');
  const posted = stage.platform.postFromBackOffice(appId, {
    title: '关于暂停青山镇防汛演练的紧急通知',
    content: renderArticleHtml('因天气原因，原定6月28日的防汛应急演练暂停，具体时间另行通知。', []),
  });
  demo.note('公众号后台', `公众号“${accountName}”`, `发表《关于暂停青山镇防汛演练的紧急通知》：${posted.items[0].url}`);

  demo.heading('平台巡查：列出公众号上发布的文章，与审核通过的稿件逐篇比对（每天定时；小程序账号页可“立即巡查”）');
  await demo.expect(
    'sweep',
    [
      ['王建华', '【未经审核发布】'],
      ['李静', '【未经审核发布】'],
    ],
    async () => {
      const sweep = await services.sweeps.sweepAccount(stage.accountId);
      demo.note('审发', '公众号平台', sweep.text);
    },
  );
}
