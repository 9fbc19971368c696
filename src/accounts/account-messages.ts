/** The Chinese texts the registry sends (reminders, warnings, closure notices), pure. */
import type { AccountPlatform } from './account-model';
import { describeAccount } from './account-rules';

type Named = { name: string; platform: AccountPlatform };

export function filingOverdueText(account: Named, unitName: string, lastDay: string): string {
  return [
    `【备案提醒】${unitName}的账号${describeAccount(account)}已开设，但未在期限（${lastDay}）内完成备案。`,
    '请尽快向归口管理部门报送备案材料；管理员备案后此提醒不再发送。',
  ].join('\n');
}

export function certificationReminderText(account: Named, expiresOn: string, daysBefore: number): string {
  return `【认证到期提醒】账号${describeAccount(account)}的平台认证将于 ${expiresOn} 到期（约${daysBefore}天后），请及时办理年审认证，避免账号失去认证标识。`;
}

export function interactionOffText(account: Named, unitName: string): string {
  return [
    `【警示】${unitName}的账号${describeAccount(account)}已登记为关闭互动功能（留言/评论）。`,
    '全国政府网站与政务新媒体检查将“无有效互动功能”列为单项否决，请尽快恢复，确需关闭的请报归口管理部门备案。',
  ].join('\n');
}

export function openingDecisionText(account: Named, approved: boolean, lastDay: string, reason: string): string {
  return approved
    ? `账号${describeAccount(account)}的开办申请已批准。请在 ${lastDay} 前完成备案。`
    : `账号${describeAccount(account)}的开办申请未获批准：${reason}`;
}

export function refilingText(account: Named, roleWord: string, fromName: string, toName: string): string {
  return `账号${describeAccount(account)}的${roleWord}已变更备案：${fromName} → ${toName}。`;
}

export function closureStepText(account: Named, stepWord: string, nextHint: string): string {
  return `账号${describeAccount(account)}：已${stepWord}。${nextHint}`;
}

export function closureWithdrawnText(account: Named, note: string): string {
  return `账号${describeAccount(account)}的关停申请已撤回${note ? `（${note}）` : ''}，账号继续运行，可正常投稿。`;
}

export const closureNextHints: Record<string, string> = {
  requested: '等待归口管理部门批准（管理员发送“批准关停 账号名”）。',
  approved: '账号已停止接收投稿。请发布停更公告后发送“停更公告 账号名 链接”。',
  'stop-notice-published': '请在平台完成注销后发送“已注销 账号名”。',
  'platform-cancelled': '请管理员办理关停备案：发送“关停备案 账号名”。',
  filed: '关停流程已全部完成。',
};
