/**
 * `npm run demo` — the whole review flow on the real bot and a real database, no chat account needed:
 * an embedded FerretDB in a temporary folder (or a fresh database on MONGODB_URI), the sample county
 * organisation, and wechaty-puppet-mock standing in for the chat (`-- --channel wecom`: PuppetWecomApp
 * against a local fake WeCom server, where the second leader approves by clicking the card; `-- --platform
 * wechat-official`: publishing through a 公众号 on the local fake platform, its verification and the
 * platform sweep, scripts/demo-wechat-official.ts). Prints the chat transcript as it happens, then
 * verifies the audit trail. Exits 0 when every expected message arrived and the trail
 * verifies; 1 when the trail is broken; 2, naming the step, when a message did not arrive in time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, ensureIndexes } from '../src/shared/database';
import { startEmbeddedFerretDb } from '../src/shared/embedded-ferretdb';
import '../src/models';
import { createServices } from '../src/services';
import { createLogger } from '../src/shared/logger';
import { systemClock } from '../src/shared/clock';
import { AppError } from '../src/shared/errors';
import { verifyAuditChain } from '../src/audit/audit-service';
import { MockChat } from '../bot/mock-chat';
import type { ChatWorld, ChatWorldOptions } from '../bot/chat-world';
import { WecomChat } from '../bot/wecom/wecom-chat';
import { runCommand } from './run-command';
import { Demo, codeIn, formatLine, print } from './demo-kit';
import { connectAccount, runOfficialAccountStory, startOfficialAccountStage } from './demo-wechat-official';
import type { OfficialAccountStage } from './demo-wechat-official';

const root = path.resolve(__dirname, '..');
const sampleOrganization = path.join(root, 'docs', 'sample-organization.json');
const participants = ['刘洋', '孙丽', '钱卫东', '赵海涛', '王建华', '李静'];
const argument = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const channel = argument('--channel') ?? process.env.DEMO_CHANNEL ?? 'mock';
/** wechat-official: the story goes on to publish through a 公众号 on the local fake platform, and its sweep. */
const platform = argument('--platform') ?? 'none';

interface DemoDatabase {
  uri: string;
  dbName: string;
  source: string;
  stop(): Promise<void>;
}

/** A fresh database: a new name on MONGODB_URI's server, or an embedded FerretDB in a temporary folder. */
async function openDemoDatabase(): Promise<DemoDatabase> {
  if (process.env.MONGODB_URI) {
    return {
      uri: process.env.MONGODB_URI,
      dbName: `shenfa_demo_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
      source: 'MONGODB_URI',
      stop: async () => undefined,
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-demo-'));
  const server = await startEmbeddedFerretDb({
    binary: '.tools/bin/ferretdb',
    dataDir,
    startTimeoutMs: 30_000,
    onProgress: (message) => process.stderr.write(`[demo database] ${message}\n`),
  });
  return {
    uri: server.uri,
    dbName: 'shenfa_demo',
    source: server.source,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function bindEveryone(chat: ChatWorld, demo: Demo): Promise<void> {
  print();
  print('—— 0. 绑定：每人发送管理员给的一次性绑定码 ——');
  for (const name of participants) await chat.bind(name);
  await demo.waitUntilDelivered('binding');
}

async function runStory(chat: ChatWorld, demo: Demo): Promise<void> {
  await bindEveryone(chat, demo);

  const title = '关于开展防汛应急演练的通知';
  const [receipt, request] = await demo.step(
    '刘洋投稿（正文含身份证号）',
    '刘洋',
    [
      `投稿 ${title}`,
      '各乡镇、各有关单位：定于6月18日上午9时在青山镇开展防汛应急演练，请各单位按方案做好准备。',
      '现场联系人张建国，身份证号110101199003074514。',
    ].join('\n'),
    [
      ['刘洋', '已收到投稿'],
      ['孙丽', '【待审核】'],
    ],
  );
  const code = codeIn(receipt);
  if (!code || !/预审发现[\s\S]*1\*{16}4/.test(request)) {
    throw new AppError('DEMO_UNEXPECTED', `the review request lacks the masked ID number warning:\n${request}`);
  }

  await demo.step('孙丽驳回，写明理由', '孙丽', `驳回 ${code} 含联系人身份证号，属个人信息，请删除后重新提交`, [
    ['孙丽', `已记录：孙丽（办公室主任） 驳回 #${code}`],
    ['刘洋', '理由：含联系人身份证号'],
  ]);

  await demo.step(
    '刘洋修改后重新提交',
    '刘洋',
    [
      `修改 ${code}`,
      title,
      '各乡镇、各有关单位：定于6月18日上午9时在青山镇开展防汛应急演练，请各单位按方案做好准备。',
      '现场联系人张建国，联系电话请向县应急管理局办公室索取。',
    ].join('\n'),
    [
      ['刘洋', '已提交第2版'],
      ['孙丽', '第2版（您上次看到第1版）'],
    ],
  );

  await demo.step('孙丽同意（第1/2步）', '孙丽', `同意 ${code}`, [
    ['孙丽', `已记录：孙丽（办公室主任） 同意 #${code}`],
    ['刘洋', '等待下一步审核'],
    ['赵海涛', `【待审核】#${code}`],
  ]);

  const byCard = chat instanceof WecomChat;
  await demo.step(
    byCard ? '赵海涛在审核卡片上点“同意”（第2/2步）' : '赵海涛同意（第2/2步）',
    '赵海涛',
    byCard ? `[点击卡片按钮] 同意 #${code}` : `同意 ${code} 可以发布`,
    [
      ['赵海涛', `已记录：赵海涛（副局长） 同意 #${code}`],
      ['刘洋', '稿件已审核通过'],
      ['王建华', `【抄送】#${code}`],
      ['李静', `【抄送】#${code}`],
    ],
  );

  // Approved, then changed before publishing: approved content may not go out changed (R2), so the
  // route starts again; the copied people and the step-2 approver get one line, step 1 sees the change.
  const [, rerequest] = await demo.step(
    '审核通过后演练改期，刘洋再次修改',
    '刘洋',
    [
      `修改 ${code}`,
      title,
      '各乡镇、各有关单位：定于6月28日上午9时在青山镇开展防汛应急演练，请各单位按方案做好准备。',
      '现场联系人张建国，联系电话请向县应急管理局办公室索取。',
    ].join('\n'),
    [
      ['刘洋', '已提交第3版'],
      ['孙丽', '第3版（您上次看到第2版）'],
      ['王建华', `【抄送】#${code} 《${title}》 已修改为第3版`],
      ['李静', `【抄送】#${code} 《${title}》 已修改为第3版`],
      ['赵海涛', `【稿件动态】#${code} 《${title}》 已修改为第3版`],
    ],
  );
  if (!rerequest.includes('【18】→【28】')) {
    throw new AppError('DEMO_UNEXPECTED', `the change summary does not show whole words:\n${rerequest}`);
  }
  await demo.step('孙丽同意第3版', '孙丽', `同意 ${code}`, [
    ['孙丽', `已记录：孙丽（办公室主任） 同意 #${code}`],
    ['赵海涛', `【待审核】#${code}`],
  ]);
  await demo.step('赵海涛同意第3版', '赵海涛', `同意 ${code}`, [['刘洋', '稿件已审核通过']]);

  const url = 'https://mp.weixin.qq.com/s/fangxun-yanlian-0628';
  await demo.step('刘洋登记发布', '刘洋', `已发布 ${code} ${url}`, [
    ['刘洋', '已登记发布'],
    ['王建华', url],
    ['李静', url],
  ]);
}

runCommand(async () => {
  const database = await openDemoDatabase();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  let chat: ChatWorld | null = null;
  let stage: OfficialAccountStage | null = null;
  try {
    await connectDatabase(database.uri, { dbName: database.dbName, serverSelectionTimeoutMs: 10_000 });
    await ensureIndexes();
    if (channel !== 'mock' && channel !== 'wecom') {
      return { code: 2, output: `unknown --channel ${channel}: use mock or wecom` };
    }
    if (platform !== 'none' && platform !== 'wechat-official') {
      return { code: 2, output: `unknown --platform ${platform}: use wechat-official` };
    }
    const chatName = channel === 'wecom' ? '企业微信自建应用（本地模拟的企业微信服务器）' : 'wechaty-puppet-mock';
    const platformName = platform === 'wechat-official' ? '，公众号：本地模拟的公众号平台' : '';
    print(`审发演示：${database.source}，数据库 ${database.dbName}，聊天：${chatName}${platformName}`);
    const services = createServices({ clock: systemClock, logger });
    const imported = await services.organization.importOrganization(
      fs.readFileSync(sampleOrganization, 'utf8'),
      'json',
      {
        via: 'demo',
      },
    );
    print(
      `导入示例组织（docs/sample-organization.json）：${imported.units} 个单位，${imported.people} 人，${imported.routes} 条审核路线`,
    );
    print('县应急管理局的审核路线：孙丽（备岗 钱卫东）→ 赵海涛（备岗 王建华），抄送 王建华、李静');

    const options: ChatWorldOptions = { services, logger };
    chat = channel === 'wecom' ? new WecomChat(options) : new MockChat(options);
    chat.observe((line) => print(formatLine(line)));
    await chat.start();
    const demo = new Demo(chat);
    if (platform === 'wechat-official') {
      const started = await startOfficialAccountStage(services, logger, demo);
      stage = started;
      await bindEveryone(chat, demo);
      demo.heading('管理员李静登记公众号并接入公众号平台（小程序账号页“公众号连接”）');
      started.accountId = await connectAccount(services, started);
      await demo.waitUntilDelivered('connection');
      await runOfficialAccountStory(demo, services, started);
    } else {
      await runStory(chat, demo);
    }

    await services.audit.settle();
    const report = await verifyAuditChain();
    if (!report.ok) return { code: 1, output: `audit:verify broken: ${report.problem}` };
    print();
    return {
      code: 0,
      output: `audit:verify ok, ${report.count} events, head ${report.head.sequence} ${report.head.hash}`,
    };
  } finally {
    await chat?.stop();
    await stage?.stop();
    if (process.env.MONGODB_URI && mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await mongoose.disconnect();
    await database.stop();
  }
});
