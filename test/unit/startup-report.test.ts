import { describeChatFailure, describeRetry, renderStartupScreen } from '../../src/startup-report';
import type { StartupFacts } from '../../src/startup-report';
import { maskUri } from '../../src/shared/logger';

const facts: StartupFacts = {
  apiUrl: 'http://127.0.0.1:3000',
  database: { source: 'embedded FerretDB (SQLite)', maskedUri: 'mongodb://127.0.0.1:40000/', dataDir: './data' },
  puppet: 'wechaty-puppet-wechat4u',
  chat: { kind: 'cannot-connect', reason: 'getaddrinfo ENOTFOUND login.wx.qq.com', retryInMs: 5000 },
  people: { people: 0, bound: 0 },
  retentionDays: 180,
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
    expect(screen.split('\n').length).toBeLessThan(15);
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
