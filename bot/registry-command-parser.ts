/**
 * Chat text → a registry or annual-review command (R4, R5), pure: 年审 reports and decisions, and the
 * steps of an account's closure and the withdrawal of a closure request. Account names may be quoted (“…”, 「…」) and follow the keyword.
 */
import type { ClosureStep } from '../src/accounts/account-model';

export type RegistryCommand =
  | { kind: 'annual-report'; accountName: string; text: string }
  | { kind: 'annual-decision'; accountName: string; passed: boolean; reason: string }
  | { kind: 'closure'; step: ClosureStep; accountName: string; note: string; url: string }
  | { kind: 'closure-withdrawal'; accountName: string; note: string };

export type RegistryParse = RegistryCommand | { kind: 'malformed'; message: string };

const closureKeywords: Record<string, ClosureStep> = {
  申请关停: 'requested',
  批准关停: 'approved',
  停更公告: 'stop-notice-published',
  已注销: 'platform-cancelled',
  关停备案: 'filed',
};

const closureUsage: Record<ClosureStep, string> = {
  requested: '申请关停 账号名 理由',
  approved: '批准关停 账号名 [意见]',
  'stop-notice-published': '停更公告 账号名 https://…（停更公告的链接）',
  'platform-cancelled': '已注销 账号名',
  filed: '关停备案 账号名 [备注]',
};

const keywords = ['年审不通过', '年审通过', '年审', '撤回关停', ...Object.keys(closureKeywords)];

/** Splits "账号名 rest" (the name may be quoted) into the name and what follows; null without a name. */
function takeAccountName(text: string): { name: string; rest: string } | null {
  const trimmed = text.replace(/^[\s:：,，]+/, '');
  const quoted = /^(?:“([^”]+)”|「([^」]+)」|"([^"]+)")/.exec(trimmed);
  if (quoted) {
    const name = (quoted[1] ?? quoted[2] ?? quoted[3]).trim();
    return name ? { name, rest: trimmed.slice(quoted[0].length) } : null;
  }
  const match = /^@?([^\s:：,，]+)/.exec(trimmed);
  return match ? { name: match[1], rest: trimmed.slice(match[0].length) } : null;
}

/**
 * The registry command the text starts with; null when it starts with none. `written` is the sender's own
 * text and `folded` the same text with full-width ASCII folded, position for position.
 */
export function parseRegistryCommand(folded: string, written: string): RegistryParse | null {
  const keyword = [...keywords]
    .sort((left, right) => right.length - left.length)
    .find((word) => folded.startsWith(word));
  if (!keyword) return null;
  const afterKeyword = written.slice(keyword.length);
  const taken = takeAccountName(afterKeyword);
  const rest = taken?.rest.replace(/^[ \t:：,，]+/, '').trim() ?? '';
  switch (keyword) {
    case '年审':
      // A bare 年审 names no account: the unit's only one, or the bot asks which.
      return { kind: 'annual-report', accountName: taken?.name ?? '', text: rest };
    case '年审通过':
      return taken
        ? { kind: 'annual-decision', accountName: taken.name, passed: true, reason: rest }
        : malformed('年审通过 账号名 [意见]');
    case '年审不通过':
      if (!taken) return malformed('年审不通过 账号名 理由');
      return rest
        ? { kind: 'annual-decision', accountName: taken.name, passed: false, reason: rest }
        : malformed(`年审不通过 ${taken.name} 理由（不通过须写明理由）`);
    case '撤回关停':
      return taken
        ? { kind: 'closure-withdrawal', accountName: taken.name, note: rest }
        : malformed('撤回关停 账号名 [说明]（批准关停前可撤回）');
  }
  const step = closureKeywords[keyword];
  if (!taken) return malformed(closureUsage[step]);
  const url = /https?:\/\/\S+/i.exec(rest)?.[0] ?? '';
  if (step === 'requested' && !rest) return malformed(`申请关停 ${taken.name} 理由（须写明关停理由）`);
  if (step === 'stop-notice-published' && !url) return malformed(closureUsage[step]);
  return { kind: 'closure', step, accountName: taken.name, note: rest.replace(url, '').trim(), url };
}

function malformed(usage: string): { kind: 'malformed'; message: string } {
  return { kind: 'malformed', message: `格式：${usage}` };
}
