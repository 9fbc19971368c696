/**
 * What `npm start` tells the person who started it, pure: the start-up screen once everything runs
 * (where the API is, which database, the chat and its state, the scheduled jobs, what to do next), and
 * the one line a chat connection failure gets. Both are read by people (Chinese); other log lines stay
 * English. The jobs come from the list the scheduler runs, each with its own summary, so a new job
 * shows without a second list to keep.
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
  /** Every job the scheduler runs (ScheduledJob's cron and summary). */
  jobs: ScheduledJobListing[];
}

export interface ScheduledJobListing {
  cron: string;
  summary: string;
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

/**
 * When a cron runs, in words, with a rank to list the frequent first, then the daily and the monthly by
 * time: 每 20 秒, 每分钟, 每 15 分钟, 每天 08:00, 每月 1 日 09:00; any other pattern as written, last.
 */
export function describeSchedule(cron: string): { text: string; rank: number } {
  const fields = cron.trim().split(/\s+/);
  const [second, minute, hour, ...days] = fields.length === 6 ? fields : ['0', ...fields];
  const step = (field: string) => Number(/^\*\/(\d+)$/.exec(field)?.[1] ?? 0);
  const number = (field: string) => (/^\d+$/.test(field) ? Number(field) : -1);
  const clock = () => `${String(number(hour)).padStart(2, '0')}:${String(number(minute)).padStart(2, '0')}`;
  const atTime = number(second) === 0 && number(minute) >= 0 && number(hour) >= 0;
  const [dayOfMonth, month, weekday] = days;
  if (atTime && days.length === 3 && number(dayOfMonth) > 0 && month === '*' && weekday === '*') {
    return { text: `每月 ${number(dayOfMonth)} 日 ${clock()}`, rank: 172_800 + number(dayOfMonth) * 86_400 };
  }
  if (days.length === 3 && days.every((field) => field === '*')) {
    if (step(second) && minute === '*' && hour === '*') return { text: `每 ${step(second)} 秒`, rank: step(second) };
    if (number(second) === 0 && minute === '*' && hour === '*') return { text: '每分钟', rank: 60 };
    if (number(second) === 0 && step(minute) && hour === '*') {
      return { text: `每 ${step(minute)} 分钟`, rank: step(minute) * 60 };
    }
    if (atTime) return { text: `每天 ${clock()}`, rank: 86_400 + number(hour) * 3600 + number(minute) * 60 };
  }
  return { text: `按 ${cron}`, rank: 10_000_000 };
}

/** The jobs by schedule ("每天 09:00 甲、乙"), frequent first, daily by time: each a group of phrases. */
function jobGroups(jobs: ScheduledJobListing[]): string[][] {
  const bySchedule = new Map<string, { rank: number; summaries: string[] }>();
  for (const job of jobs) {
    const schedule = describeSchedule(job.cron);
    const entry = bySchedule.get(schedule.text) ?? { rank: schedule.rank, summaries: [] };
    entry.summaries.push(job.summary);
    bySchedule.set(schedule.text, entry);
  }
  return [...bySchedule]
    .sort(([, a], [, b]) => a.rank - b.rank)
    .map(([text, entry]) => [`${text} ${entry.summaries[0]}`, ...entry.summaries.slice(1)]);
}

/**
 * The groups written out, "、" within a group and "；" between groups, broken after a mark so that no
 * line is wider than `width` columns (a Chinese character takes two) unless one phrase is.
 */
function wrapGroups(groups: string[][], width: number): string[] {
  const columns = (text: string) => [...text].reduce((sum, character) => sum + (character > '\u2e7f' ? 2 : 1), 0);
  const phrases = groups.flatMap((group, groupIndex) =>
    group.map(
      (phrase, index) => `${phrase}${index < group.length - 1 ? '、' : groupIndex < groups.length - 1 ? '；' : ''}`,
    ),
  );
  const lines: string[] = [];
  let line = '';
  for (const phrase of phrases) {
    if (line && columns(line + phrase) > width) {
      lines.push(line);
      line = phrase;
    } else {
      line += phrase;
    }
  }
  return line ? [...lines, line] : lines;
}

/** The start-up screen, a few lines a new admin reads once. */
export function renderStartupScreen(facts: StartupFacts): string {
  const database =
    facts.database.source === 'MONGODB_URI'
      ? `MongoDB ${facts.database.maskedUri}`
      : `${facts.database.source}，数据在 ${facts.database.dataDir}（适合试用；生产请设置 MONGODB_URI）`;
  const [firstStep, ...moreSteps] = nextSteps(facts.people);
  const pad = ' '.repeat(10);
  // The chat sends what the jobs and the steps enqueue (the outbox), at its platform's pace.
  const sending = facts.chat.kind === 'disabled' ? [] : ['聊天消息经发件箱按限速发送'];
  const [firstJobs, ...moreJobs] = wrapGroups([...jobGroups(facts.jobs), ...sending.map((phrase) => [phrase])], 90);
  return [
    '',
    '审发已启动',
    `  接口    ${facts.apiUrl}/api/v1（健康检查 ${facts.apiUrl}/readyz）`,
    `  数据库  ${database}`,
    `  聊天    ${chatLine(facts.puppet, facts.chat)}`,
    `  任务    ${firstJobs ?? '无'}`,
    ...moreJobs.map((line) => `${pad}${line}`),
    `  下一步  ${firstStep}`,
    ...moreSteps.map((step) => `${pad}${step}`),
    '  按 Ctrl+C 停止',
    '',
  ].join('\n');
}
