/**
 * What `npm start` tells the person who started it, pure: the start-up screen once everything runs
 * (where the API is, which database, the chat and its state, what to do next), and the one line a
 * chat connection failure gets. Both are read by people (Chinese); other log lines stay English.
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

/**
 * One line for the person at the terminal: why the chat cannot connect and what to do, in Chinese. The
 * way that needs no outside service is the unit's own WeCom / 政务微信 app (wecom-app); the demo shows
 * the whole flow without any chat.
 */
export function describeChatFailure(reason: string, puppet: string): string {
  const wecomApp = '改用企业微信（政务微信）自建应用：WECHATY_PUPPET=wecom-app（设置见 README“企业微信 / 政务微信”）';
  const todo = networkFailure.test(reason)
    ? `检查本机能否访问聊天服务${puppet === 'wechaty-puppet-wechat4u' ? '（微信网页登录 login.wx.qq.com）' : ''}，或${wecomApp}`
    : puppet === 'wecom-app'
      ? '检查 WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_SECRET 与应用的可信 IP'
      : /token/i.test(reason)
        ? `检查 WECHATY_PUPPET_SERVICE_TOKEN，或${wecomApp}`
        : `检查聊天设置（WECHATY_PUPPET=${puppet}），或${wecomApp}`;
  return `聊天暂时无法连接：${reason}。处理办法：${todo}。不用聊天也可先试用：npm run demo。接口与定时任务照常运行。`;
}

/** The back-off note after a failure: when the next attempt comes. */
export function describeRetry(retryInMs: number, again: boolean): string {
  const seconds = Math.round(retryInMs / 1000);
  return again ? `聊天仍无法连接，${seconds} 秒后再试` : `聊天将在 ${seconds} 秒后重试，之后间隔逐渐加长，最长 5 分钟`;
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
