/**
 * Chat text → a typed command, pure. Accepts full-width punctuation, extra spaces, codes with or
 * without "#", @-mentions, and WeChat's quoted-reply format. A decision word acts only when it is the
 * whole message, carries a draft code, or answers a quoted review request: a sentence that merely
 * contains 同意 is never taken as an approval.
 */
import { shortCodeAlphabet } from '../src/drafts/draft-rules';

export type ChatCommand =
  | {
      kind: 'submit';
      title: string;
      body: string;
      sourceUrl: string;
      /** "投稿 转载 标题" with 来源：/原标题： lines: a reprint that must name its source. */
      reprint: { source: string; originalTitle: string } | null;
    }
  | {
      kind: 'decide';
      decision: 'approve' | 'reject';
      code: string | null;
      comment: string;
      quotedVersion: number | null;
    }
  | { kind: 'revise'; code: string; title: string | null; body: string }
  | { kind: 'withdraw'; code: string }
  | { kind: 'publish'; code: string; url: string }
  | { kind: 'view'; code: string }
  | { kind: 'hand-over'; code: string; toName: string }
  | { kind: 'revoke'; code: string; reason: string }
  | { kind: 'mask'; code: string }
  | { kind: 'bind'; bindCode: string }
  | { kind: 'mini-program-bind' }
  | { kind: 'unbind' }
  | { kind: 'pending' }
  | { kind: 'mine' }
  | { kind: 'help' }
  | { kind: 'audit-digest' }
  /** A known command written the wrong way: `message` says how to write it. */
  | { kind: 'malformed'; message: string }
  /** Mentions a decision word inside other text: remind the format, never act. */
  | { kind: 'decision-unclear' }
  | { kind: 'unknown' }
  | { kind: 'empty' };

const approveWords = ['同意', '通过', '批准'];
const rejectWords = ['不同意', '驳回', '退回'];
const codePattern = new RegExp(
  `^#?([${shortCodeAlphabet}${shortCodeAlphabet.toLowerCase()}0-9Oo1IiLl]{4})(?![A-Za-z0-9])`,
);
const separators = /^[\s:,.;!?、，。：；！？]+/;
const maxCommandLength = 60_000;

/** No zero-width characters, unified spaces and line breaks, trimmed; the text people wrote otherwise. */
export function cleanChatText(text: string): string {
  return text
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[\u2005\u3000]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/**
 * Full-width ASCII → half-width, one character for one, so commands are read on the folded text while
 * titles, bodies and reasons are taken, at the same positions, from what the sender wrote.
 */
export function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (character) => String.fromCharCode(character.charCodeAt(0) - 0xfee0));
}

/** Leading @-mentions ("@审发 同意") are addressed to the bot, not part of the command. */
function stripMentions(text: string): string {
  let rest = text;
  while (rest.startsWith('@')) {
    const end = rest.search(/\s/);
    if (end < 0) return '';
    rest = rest.slice(end).trimStart();
  }
  return rest;
}

function isOnlyPunctuation(text: string): boolean {
  return /^[\p{P}\p{S}\s]*$/u.test(text);
}

/** Splits "K7Q2 rest" into the code and the rest; null when the text does not start with a code. */
function takeCode(text: string): { code: string; rest: string } | null {
  const match = codePattern.exec(text.replace(separators, ''));
  if (!match) return null;
  const rest = text.replace(separators, '').slice(match[0].length).replace(separators, '');
  return { code: match[1].toUpperCase(), rest };
}

function startsWithWord(text: string, words: string[]): string | null {
  return [...words].sort((left, right) => right.length - left.length).find((word) => text.startsWith(word)) ?? null;
}

/** WeChat renders a quoted reply as 「quoted」, a dashed line, then the reply. */
function splitQuote(text: string): { quote: string; reply: string } | null {
  const match = /^「([\s\S]*)」\s*\n\s*(?:-\s*){5,}\n([\s\S]*)$/.exec(text);
  return match ? { quote: match[1], reply: match[2].trim() } : null;
}

export function parseChatCommand(rawText: string): ChatCommand {
  if (rawText.length > maxCommandLength) {
    return { kind: 'malformed', message: `消息过长（${rawText.length}字），请控制在5万字以内，或以文件形式提交` };
  }
  const written = stripMentions(cleanChatText(rawText));
  return parseCleanText(written);
}

function parseCleanText(written: string): ChatCommand {
  const text = foldWidth(written);
  /** The sender's own text from where `suffix` (a suffix of `text`) starts. */
  const original = (suffix: string) => written.slice(written.length - suffix.length);
  if (!text || isOnlyPunctuation(text)) return { kind: 'empty' };

  const quoted = splitQuote(written);
  if (quoted) return parseQuotedReply(foldWidth(quoted.quote), quoted.reply);

  const firstLine = text.split('\n')[0];
  const decision = parseDecision(text, original);
  if (decision) return decision;

  const keyword = startsWithWord(firstLine, [
    '投稿',
    '提交',
    '修改',
    '撤回',
    '已发布',
    '查看',
    '转交',
    '撤销',
    '脱敏',
    '绑定',
    '小程序绑定',
    '解绑',
    '待办',
    '我的稿件',
    '帮助',
    '审计摘要',
  ]);
  const rest = keyword ? text.slice(keyword.length).replace(/^[ \t:,，：]+/, '') : '';
  switch (keyword) {
    case '投稿':
    case '提交':
      return parseSubmission(original(rest));
    case '修改':
      return parseRevision(rest, original);
    case '撤回':
      return withCode(rest, '撤回 K7Q2', (code) => ({ kind: 'withdraw', code }));
    case '查看':
      return withCode(rest, '查看 K7Q2', (code) => ({ kind: 'view', code }));
    case '脱敏':
      return withCode(rest, '脱敏 K7Q2', (code) => ({ kind: 'mask', code }));
    case '已发布':
      return withCode(rest, '已发布 K7Q2 https://…', (code, after) => {
        const url = /https?:\/\/\S+/i.exec(after)?.[0];
        return url ? { kind: 'publish', code, url } : malformed('已发布 K7Q2 https://…（请附上发布链接）');
      });
    case '转交':
      return withCode(rest, '转交 K7Q2 姓名', (code, after) =>
        after.trim() ? { kind: 'hand-over', code, toName: after.trim() } : malformed('转交 K7Q2 姓名'),
      );
    case '撤销':
      return withCode(rest, '撤销 K7Q2 理由', (code, after) =>
        after.trim()
          ? { kind: 'revoke', code, reason: original(after).trim() }
          : malformed('撤销 K7Q2 理由（撤销同意需写明理由）'),
      );
    case '绑定': {
      const bindCode = /^\d{6}$/.exec(rest.trim())?.[0];
      return bindCode ? { kind: 'bind', bindCode } : malformed('绑定 123456（6位数字绑定码，由管理员提供）');
    }
    case '小程序绑定':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'mini-program-bind' };
    case '解绑':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'unbind' };
    case '待办':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'pending' };
    case '我的稿件':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'mine' };
    case '帮助':
      return { kind: 'help' };
    case '审计摘要':
      return { kind: 'audit-digest' };
  }
  if (/^(help|菜单|\?)$/i.test(text)) return { kind: 'help' };
  if ([...approveWords, ...rejectWords].some((word) => text.includes(word))) return { kind: 'decision-unclear' };
  return { kind: 'unknown' };
}

function malformed(usage: string): ChatCommand {
  return { kind: 'malformed', message: `格式：${usage}` };
}

function withCode(rest: string, usage: string, build: (code: string, after: string) => ChatCommand): ChatCommand {
  const taken = takeCode(rest);
  return taken ? build(taken.code, taken.rest) : malformed(usage);
}

function parseDecision(text: string, original: (suffix: string) => string): ChatCommand | null {
  const word = startsWithWord(text, [...rejectWords, ...approveWords]);
  if (!word) return null;
  const decision = rejectWords.includes(word) ? 'reject' : 'approve';
  const after = text.slice(word.length);
  if (isOnlyPunctuation(after)) {
    // The whole message is the decision word: a plain decision for the one pending item.
    return decision === 'reject'
      ? malformed('驳回 K7Q2 理由（驳回需写明编号和理由）')
      : { kind: 'decide', decision, code: null, comment: '', quotedVersion: null };
  }
  const taken = takeCode(after);
  if (!taken) return { kind: 'decision-unclear' };
  const comment = original(taken.rest).trim();
  if (decision === 'reject' && !comment) return malformed(`驳回 ${taken.code} 理由（驳回需写明理由）`);
  return { kind: 'decide', decision, code: taken.code, comment, quotedVersion: null };
}

function parseQuotedReply(quote: string, writtenReply: string): ChatCommand {
  const reply = stripMentions(writtenReply);
  const folded = foldWidth(reply);
  const code = /#([A-Z2-9]{4})/.exec(quote)?.[1];
  const word = startsWithWord(folded, [...rejectWords, ...approveWords]);
  if (!code || !word) return reply ? parseCleanText(reply) : { kind: 'empty' };
  const decision = rejectWords.includes(word) ? 'reject' : 'approve';
  const after = folded.slice(word.length);
  const rest = (takeCode(after)?.rest ?? after).replace(separators, '');
  const comment = reply.slice(reply.length - rest.length).trim();
  if (decision === 'reject' && !comment) return malformed('引用审核请求回复“驳回 理由”（驳回需写明理由）');
  const version = /第(\d+)版/.exec(quote);
  return { kind: 'decide', decision, code, comment, quotedVersion: version ? Number(version[1]) : 1 };
}

function parseSubmission(rest: string): ChatCommand {
  const reprinted = /^(?:【转载】|转载)[\s:：]*/.exec(rest);
  const lines = rest
    .slice(reprinted?.[0].length ?? 0)
    .split('\n')
    .map((line) => line.trim());
  const titleIndex = lines.findIndex(Boolean);
  if (titleIndex < 0) return malformed('投稿 标题，换行后写正文（或附文章链接）');
  const title = lines[titleIndex];
  let bodyLines = lines.slice(titleIndex + 1);
  const reprint = reprinted ? { source: '', originalTitle: '' } : null;
  if (reprint) {
    // 来源 / 原标题 lines at the top of the body describe the reprint; they are not part of the text.
    for (let line = bodyLines.find(Boolean); line; line = bodyLines.find(Boolean)) {
      const source = /^(?:来源|出处|转自)\s*[:：]\s*(.*)$/.exec(line);
      const original = /^原标题\s*[:：]\s*(.*)$/.exec(line);
      if (!source && !original) break;
      if (source) reprint.source = source[1].trim();
      if (original) reprint.originalTitle = original[1].trim();
      bodyLines = bodyLines.slice(bodyLines.indexOf(line) + 1);
    }
    reprint.originalTitle ||= title;
  }
  const body = bodyLines.join('\n').trim();
  const onlyLink = /^https?:\/\/\S+$/i.exec(body)?.[0] ?? '';
  if (/^https?:\/\/\S+$/i.test(title) && !body) {
    return malformed('投稿 标题，换行后附文章链接（链接投稿也需要写明标题）');
  }
  if (!body) return malformed('投稿 标题，换行后写正文（或附文章链接）');
  return { kind: 'submit', title, body, sourceUrl: onlyLink, reprint };
}

function parseRevision(rest: string, original: (suffix: string) => string): ChatCommand {
  const taken = takeCode(rest);
  if (!taken) return malformed('修改 K7Q2，换行后写新内容（第一行为标题）');
  const lines = original(taken.rest)
    .split('\n')
    .map((line) => line.trim());
  const content = lines.filter((line, index) => line || index > 0);
  const nonEmpty = content.filter(Boolean);
  if (nonEmpty.length === 0) return malformed(`修改 ${taken.code}，换行后写新内容（第一行为标题）`);
  if (nonEmpty.length === 1) return { kind: 'revise', code: taken.code, title: null, body: nonEmpty[0] };
  const titleIndex = content.findIndex(Boolean);
  return {
    kind: 'revise',
    code: taken.code,
    title: content[titleIndex],
    body: content
      .slice(titleIndex + 1)
      .join('\n')
      .trim(),
  };
}

export const helpText = [
  '审发机器人可以：',
  '投稿 标题（换行）正文 —— 提交稿件送审，也可附文章链接',
  '投稿 转载 标题（换行）来源：xx（换行）原标题：xx（换行）正文 —— 转载稿件须注明来源',
  '脱敏 K7Q2 —— 把稿件中的身份证号、手机号、银行卡号打码后生成新版本',
  '修改 K7Q2（换行）新标题（换行）新正文 —— 提交新版本，重新审核',
  '撤回 K7Q2 —— 审核完成前撤回',
  '已发布 K7Q2 链接 —— 登记发布',
  '同意 K7Q2 [意见] / 驳回 K7Q2 理由 —— 审核（也可引用审核请求回复）',
  '转交 K7Q2 姓名 —— 交由同事代为审核；撤销 K7Q2 理由 —— 撤销已给出的同意',
  '查看 K7Q2 · 待办 · 我的稿件 · 绑定 123456 · 帮助',
  '小程序绑定 —— 获取登录小程序用的6位绑定码；解绑 —— 解除本微信与您身份的绑定',
].join('\n');
