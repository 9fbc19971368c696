/**
 * What `npm start` tells the person who started it, pure: the start-up screen once everything runs
 * (where the API is, which database, the chat and its state, what to do next), and the one line a
 * chat connection failure gets. The screen is for people (Chinese); log lines stay English.
 */

/** Where the chat bot stands. */
export type ChatState =
  | { kind: 'disabled' }
  | { kind: 'connecting' }
  | { kind: 'waiting-for-scan' }
  | { kind: 'logged-in'; user: string }
  | { kind: 'cannot-connect'; reason: string; retryInMs: number };

export interface StartupFacts {
  apiUrl: string;
  /** "embedded FerretDB (SQLite)", "MONGODB_URI", …, and the URI with its password masked. */
  database: { source: string; maskedUri: string; dataDir: string };
  puppet: string;
  chat: ChatState;
  people: { people: number; bound: number };
  /** Days reminder and job run records are kept (retention.recordDays). */
  retentionDays: number;
}

const networkFailure =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|timeout/i;

/** One log line: why the chat cannot connect and what to do about it. */
export function describeChatFailure(reason: string, puppet: string): string {
  const todo = networkFailure.test(reason)
    ? `check this machine's network access to the chat service${puppet === 'wechaty-puppet-wechat4u' ? ' (WeChat web login, login.wx.qq.com)' : ''}, or connect through a puppet service (WeCom and others): WECHATY_PUPPET=wechaty-puppet-service WECHATY_PUPPET_SERVICE_TOKEN=<token>`
    : /token/i.test(reason)
      ? 'check WECHATY_PUPPET_SERVICE_TOKEN with the puppet service provider'
      : `check the puppet settings (WECHATY_PUPPET=${puppet}, WECHATY_PUPPET_SERVICE_TOKEN)`;
  return `chat cannot connect: ${reason}. What to do: ${todo}. The API and jobs keep running.`;
}

/** The back-off note after a failure: when the next attempt comes. */
export function describeRetry(retryInMs: number, again: boolean): string {
  const seconds = Math.round(retryInMs / 1000);
  return again
    ? `chat still cannot connect; next attempt in ${seconds} s`
    : `chat will try again in ${seconds} s, then at growing intervals up to 5 min`;
}

function chatLine(puppet: string, chat: ChatState): string {
  switch (chat.kind) {
    case 'disabled':
      return '未启用（bot.enabled=false / BOT_ENABLED=false）';
    case 'connecting':
      return `${puppet}：正在连接`;
    case 'waiting-for-scan':
      return `${puppet}：等待扫码登录（二维码见上方）`;
    case 'logged-in':
      return `${puppet}：已登录（${chat.user}）`;
    case 'cannot-connect':
      return `${puppet}：暂时无法连接（${chat.reason}），${Math.round(chat.retryInMs / 1000)} 秒后自动重试；原因与处理办法见上方日志`;
  }
}

function nextSteps(people: StartupFacts['people']): string[] {
  if (people.people === 0) {
    return [
      'npm run admin -- import docs/sample-organization.json   导入单位、人员和审核路线（格式见 docs/organization-import.md）',
      'npm run admin -- bind-code 刘洋                          为每人生成一次性绑定码，本人在聊天中发送“绑定 123456”',
    ];
  }
  if (people.bound === 0) {
    return [`已有 ${people.people} 人，尚无人绑定聊天身份：npm run admin -- bind-code 姓名   为每人生成绑定码`];
  }
  return [
    `已有 ${people.people} 人，${people.bound} 人已绑定聊天身份`,
    'npm run admin -- api-token 姓名   为管理员签发接口令牌（小程序与 /api/v1 使用）',
  ];
}

/** The start-up screen, a few lines a new admin reads once. */
export function renderStartupScreen(facts: StartupFacts): string {
  const database =
    facts.database.source === 'MONGODB_URI'
      ? `MongoDB ${facts.database.maskedUri}`
      : `${facts.database.source}，数据在 ${facts.database.dataDir}（适合试用；生产请设置 MONGODB_URI）`;
  const [firstStep, ...moreSteps] = nextSteps(facts.people);
  const pad = ' '.repeat(10);
  return [
    '',
    '审发已启动',
    `  接口    ${facts.apiUrl}/api/v1（健康检查 ${facts.apiUrl}/readyz）`,
    `  数据库  ${database}`,
    `  聊天    ${chatLine(facts.puppet, facts.chat)}`,
    '  任务    审计摘要每天 08:00 发给管理员；中断的审批每 20 秒补完；发件箱按限速发送',
    '          待审超时催办（工作时间每 10 分钟）；每天 09:00 检查更新频率、备案期限与认证到期；11 月年审提醒',
    `          每天 04:10 清理 ${facts.retentionDays} 天前的提醒与任务记录（未结束的断更与待审提醒保留）`,
    `  下一步  ${firstStep}`,
    ...moreSteps.map((step) => `${pad}${step}`),
    '  按 Ctrl+C 停止',
    '',
  ].join('\n');
}
