import { describeChatFailure, describeRetry, describeSchedule, renderStartupScreen } from '../../src/startup-report';
import type { StartupFacts } from '../../src/startup-report';
import { createLogger, maskUri } from '../../src/shared/logger';
import { ManualClock } from '../../src/shared/clock';
import type { ScheduledJob } from '../../src/jobs/job-scheduler';
import { inquiryReminderJob } from '../../src/jobs/inquiry-reminder-job';
import { pushRedeliveryJob } from '../../src/publication/publication-push';
import { draftTransitionSweepJob } from '../../src/jobs/draft-transition-sweep-job';
import { recordRetentionJob } from '../../src/jobs/record-retention-job';
import { registryReminderJob } from '../../src/jobs/registry-reminder-job';
import { cadenceCheckJob } from '../../src/jobs/cadence-check-job';
import type { DraftService } from '../../src/drafts/draft-service';
import type { CadenceService } from '../../src/cadence/cadence-service';

const logger = createLogger('silent');
const clock = new ManualClock('2026-11-02T01:00:00Z');

/** Some of the jobs main.ts registers, built by their own factories (only their cron and summary are read). */
const jobs: ScheduledJob[] = [
  recordRetentionJob({
    clock,
    logger,
    retentionDays: 180,
    reminderRecords: { pruneGivenBefore: async () => ({ deleted: 0, kept: 0 }) },
    jobNames: [],
  }),
  inquiryReminderJob({ inquiries: { sendReminders: async () => 0 }, logger }),
  registryReminderJob({
    accounts: { sendRegistryReminders: async () => 0 },
    timeZone: 'Asia/Shanghai',
    logger,
  }),
  pushRedeliveryJob({
    publications: { handlePush: async () => undefined },
    inquiries: { receivePlatformMessage: async () => null },
    clock,
    logger,
  }),
  draftTransitionSweepJob({ drafts: {} as DraftService, logger }),
  cadenceCheckJob({ cadence: {} as CadenceService }),
];

const facts: StartupFacts = {
  apiUrl: 'http://127.0.0.1:3000',
  database: { source: 'embedded FerretDB (SQLite)', maskedUri: 'mongodb://127.0.0.1:40000/', dataDir: './data' },
  puppet: 'wechaty-puppet-wechat4u',
  chat: { kind: 'cannot-connect', reason: 'getaddrinfo ENOTFOUND login.wx.qq.com', retryInMs: 5000 },
  people: { people: 0, bound: 0 },
  jobs: jobs.map(({ cron, summary }) => ({ cron, summary })),
};

describe('the start-up screen', () => {
  test('when a fresh install starts without network to WeChat, then the screen says where things run and what to do next', () => {
    const screen = renderStartupScreen(facts);
    expect(screen).toContain('接口    http://127.0.0.1:3000/api/v1');
    expect(screen).toContain('数据库  embedded FerretDB (SQLite)，数据在 ./data');
    expect(screen).toContain(
      'wechaty-puppet-wechat4u：暂时无法连接（getaddrinfo ENOTFOUND login.wx.qq.com），5 秒后自动重试',
    );
    expect(screen).toContain('npm run admin -- import docs/sample-organization.json');
    expect(screen).toContain('npm run admin -- bind-code');
    expect(screen).toContain('每天 04:10 清理 180 天前的提醒与任务记录');
    expect(screen.split('\n').length).toBeLessThan(20);
  });

  test('when the jobs are listed, then each registered job shows with when it runs, frequent first and daily by time, jobs at the same time together', () => {
    const screen = renderStartupScreen(facts);
    const jobLines = screen.slice(screen.indexOf('  任务'), screen.indexOf('  下一步')).trimEnd().replace(/\n\s+/g, '');
    expect(jobLines).toBe(
      '  任务    每 20 秒 补完中断的审批；每分钟 重新处理未处理完的公众号推送（粉丝留言、发布结果）；' +
        '每 15 分钟 留言答复期限、回复窗口与逾期提醒（工作时间内发送）；' +
        '每天 04:10 清理 180 天前的提醒与任务记录（未结束的断更与待审提醒保留）；' +
        '每天 09:00 备案期限与认证到期提醒、检查各账号更新频率（满 14 天未更新单项否决）；聊天消息经发件箱按限速发送',
    );
    // Each line of the jobs fits a terminal 100 columns wide (a Chinese character takes two).
    const columns = (line: string) => [...line].reduce((sum, character) => sum + (character > '\u2e7f' ? 2 : 1), 0);
    const lines = screen.split('\n');
    const jobRows = lines.slice(
      lines.findIndex((line) => line.startsWith('  任务')),
      lines.findIndex((line) => line.startsWith('  下一步')),
    );
    expect(jobRows.length).toBeGreaterThan(1);
    expect(Math.max(...jobRows.map(columns))).toBeLessThanOrEqual(100);
    expect(renderStartupScreen({ ...facts, chat: { kind: 'disabled' } })).not.toContain('发件箱');
  });

  test('when a cron is read for the screen, then the usual patterns are words and any other is shown as written', () => {
    expect(
      ['*/20 * * * * *', '* * * * *', '*/15 * * * *', '10 4 * * *', '0 9 1 * *', '0 9 * * 1'].map(
        (cron) => describeSchedule(cron).text,
      ),
    ).toEqual(['每 20 秒', '每分钟', '每 15 分钟', '每天 04:10', '每月 1 日 09:00', '按 0 9 * * 1']);
  });

  test('when the database is a MongoDB URI, then its password is masked', () => {
    const screen = renderStartupScreen({
      ...facts,
      database: {
        source: 'MONGODB_URI',
        maskedUri: maskUri('mongodb://shenfa:Secr3t@db1,db2/shenfa?replicaSet=rs0'),
        dataDir: './data',
      },
    });
    expect(screen).toContain('MongoDB mongodb://shenfa:****@db1,db2/shenfa?replicaSet=rs0');
    expect(screen).not.toContain('Secr3t');
  });

  test('when people are imported and bound, then the next step moves on', () => {
    expect(renderStartupScreen({ ...facts, people: { people: 12, bound: 0 } })).toContain('尚无人绑定聊天身份');
    const screen = renderStartupScreen({
      ...facts,
      chat: { kind: 'logged-in', user: '审发' },
      people: { people: 12, bound: 5 },
    });
    expect(screen).toContain('已登录（审发）');
    expect(screen).toContain('npm run admin -- api-token');
  });
});

describe('a chat connection failure', () => {
  test('when the chat service cannot be reached, then one line says why and what to do', () => {
    const line = describeChatFailure('getaddrinfo ENOTFOUND login.wx.qq.com', 'wechaty-puppet-wechat4u');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('getaddrinfo ENOTFOUND login.wx.qq.com');
    expect(line).toContain('WECHATY_PUPPET=wecom-app');
    expect(line).toContain('npm run demo');
    expect(line).toMatch(
      /^聊天暂时无法连接：getaddrinfo ENOTFOUND login.wx.qq.com。处理办法：检查本机能否访问聊天服务/,
    );
    expect(describeChatFailure('invalid token', 'wechaty-puppet-service')).toContain(
      '检查 WECHATY_PUPPET_SERVICE_TOKEN',
    );
    expect(describeChatFailure('errcode 40001', 'wecom-app')).toContain('WECOM_SECRET');
  });

  test('when it keeps failing, then the back-off note says when the next attempt comes', () => {
    expect(describeRetry(5000, false)).toBe('聊天将在 5 秒后重试，之后间隔逐渐加长，最长 5 分钟');
    expect(describeRetry(20_000, true)).toBe('聊天仍无法连接，20 秒后再试');
  });
});
