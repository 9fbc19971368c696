/**
 * Chat text → a typed command, pure. Accepts full-width punctuation, extra spaces, codes with or
 * without "#", @-mentions, and WeChat's quoted-reply format. A decision word acts only when it is the
 * whole message, carries a draft code, or answers a quoted review request: a sentence that merely
 * contains 同意 is never taken as an approval.
 */
import { cleanChatText, foldWidth, isOnlyPunctuation, startsWithWord, stripMentions, takeCode } from './chat-text';
import { asksQuestion, mentionsDecision, readDecision, readQuotedRequest } from './decision-grammar';
import type { DecisionReading } from './decision-grammar';
import { parseRegistryCommand } from './registry-command-parser';
import type { RegistryCommand } from './registry-command-parser';
import { parseInquiryCommand } from './inquiry-command-parser';
import type { InquiryCommand } from './inquiry-command-parser';

export type ChatCommand =
  | {
      kind: 'submit';
      title: string;
      body: string;
      sourceUrl: string;
      /** "投稿 转载 标题" with 来源：/原标题： lines: a reprint that must name its source. */
      reprint: { source: string; originalTitle: string } | null;
      /** "投稿 @账号名 标题": the account the draft is for; null for the unit's only account. */
      accountName: string | null;
    }
  | RegistryCommand
  | InquiryCommand
  | {
      kind: 'decide';
      decision: 'approve' | 'reject';
      code: string | null;
      comment: string;
      quotedVersion: number | null;
      /** The step of the quoted request or card; null when it names none (see refuseOtherStep). */
      quotedStep: number | null;
    }
  | { kind: 'revise'; code: string; title: string | null; body: string }
  | { kind: 'withdraw'; code: string }
  | { kind: 'publish'; code: string; url: string }
  /** 发布 K7Q2: publish the approved draft through its account's platform API (R10). */
  | { kind: 'publish-to-platform'; code: string }
  | { kind: 'view'; code: string }
  | { kind: 'hand-over'; code: string; toName: string }
  | { kind: 'revoke'; code: string; reason: string }
  | { kind: 'mask'; code: string }
  | { kind: 'bind'; bindCode: string }
  | { kind: 'mini-program-bind' }
  /** Without a name: the sender's own chat identity; with one (admins): that person, e.g. who left. */
  | { kind: 'unbind'; personName?: string }
  /** 取消代审 [姓名]: end a leave delegation early, by the person on leave or their delegate. */
  | { kind: 'end-delegation'; otherName: string }
  | { kind: 'pending' }
  | { kind: 'mine' }
  | { kind: 'help' }
  | { kind: 'audit-digest' }
  | { kind: 'cadence-report' }
  /** A known command written the wrong way: `message` says how to write it. */
  | { kind: 'malformed'; message: string }
  /** Mentions a decision word, or asks about one (`question`): remind the format, never act. */
  | { kind: 'decision-unclear'; question: boolean }
  | { kind: 'unknown' }
  | { kind: 'empty' };

const maxCommandLength = 60_000;

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
  if (quoted) return parseQuotedReply(quoted.quote, quoted.reply);

  const firstLine = text.split('\n')[0];
  // Before decisions: "批准关停 …" and "年审通过 …" are registry commands, not draft approvals.
  const registry = parseRegistryCommand(text, written);
  if (registry) return registry;
  const inquiry = parseInquiryCommand(text, written);
  if (inquiry) return inquiry;
  const decision = readDecision(written);
  if (decision) return fromDecisionReading(decision);

  const keyword = startsWithWord(firstLine, [
    '投稿',
    '提交',
    '修改',
    '撤回',
    '已发布',
    '发布',
    '查看',
    '转交',
    '撤销',
    '脱敏',
    '绑定',
    '小程序绑定',
    '解绑',
    '取消代审',
    '取消代理',
    '结束代审',
    '待办',
    '我的稿件',
    '帮助',
    '审计摘要',
    '更新情况',
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
    case '发布':
      return withCode(rest, '发布 K7Q2', (code, after) =>
        after.trim()
          ? malformed('发布 K7Q2（登记已在平台上发布的稿件请用“已发布 K7Q2 链接”）')
          : { kind: 'publish-to-platform', code },
      );
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
      return rest.trim() ? { kind: 'unbind', personName: original(rest).trim() } : { kind: 'unbind' };
    case '取消代审':
    case '取消代理':
    case '结束代审':
      return { kind: 'end-delegation', otherName: original(rest).trim() };
    case '待办':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'pending' };
    case '我的稿件':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'mine' };
    case '帮助':
      return { kind: 'help' };
    case '审计摘要':
      return { kind: 'audit-digest' };
    case '更新情况':
      return rest.trim() ? { kind: 'unknown' } : { kind: 'cadence-report' };
  }
  if (/^(help|菜单|\?)$/i.test(text)) return { kind: 'help' };
  if (mentionsDecision(text)) return { kind: 'decision-unclear', question: asksQuestion(text) };
  return { kind: 'unknown' };
}

function malformed(usage: string): ChatCommand {
  return { kind: 'malformed', message: `格式：${usage}` };
}

function withCode(rest: string, usage: string, build: (code: string, after: string) => ChatCommand): ChatCommand {
  const taken = takeCode(rest);
  return taken ? build(taken.code, taken.rest) : malformed(usage);
}

/** A reply quoting a review request decides that request's draft and version, if it is a decision. */
function parseQuotedReply(quote: string, writtenReply: string): ChatCommand {
  const reply = stripMentions(writtenReply);
  const request = readQuotedRequest(quote);
  const decision = request ? readDecision(reply, request) : null;
  if (decision) return fromDecisionReading(decision);
  return reply ? parseCleanText(reply) : { kind: 'empty' };
}

function fromDecisionReading(reading: DecisionReading): ChatCommand {
  switch (reading.kind) {
    case 'decide':
      return reading;
    case 'unclear':
      return { kind: 'decision-unclear', question: reading.question };
    case 'reason-missing':
      return malformed(
        reading.code ? `驳回 ${reading.code} 理由（驳回需写明理由）` : '驳回 K7Q2 理由（驳回需写明编号和理由）',
      );
  }
}

function parseSubmission(written: string): ChatCommand {
  const account = /^[@＠]([^\s:：,，]+)[ \t:：,，]*/.exec(written);
  const rest = written.slice(account?.[0].length ?? 0);
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
  return { kind: 'submit', title, body, sourceUrl: onlyLink, reprint, accountName: account?.[1] ?? null };
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
