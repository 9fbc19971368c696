/** The Chinese texts of the annual review (R5), pure. */
import type { AccountPlatform } from '../accounts/account-model';
import { describeAccount } from '../accounts/account-rules';

type Named = { name: string; platform: AccountPlatform };

export function reminderText(account: Named, year: number, missing: string): string {
  return [
    `【年审提醒】账号${describeAccount(account)}${year}年度年审：${missing}。`,
    `截止时间：${year}年11月30日；逾期未提交或未通过的账号将列为“待关停”。`,
    `提交方式：发送“年审 ${account.name}”，换行后写报告正文；或先发送“年审 ${account.name}”，再发送报告文件。`,
  ].join('\n');
}

export function toCloseText(account: Named, year: number, missing: string, weekly: boolean): string {
  return [
    `【待关停${weekly ? '·每周提醒' : ''}】账号${describeAccount(account)}${year}年度年审${missing}，已列为“待关停”。`,
    '按规定，年审未报送或未通过的账号不得继续运行，须办理关停：申请关停 → 批准关停 → 发布停更公告 → 平台注销 → 关停备案。',
    `如已补交报告，经管理员审核通过后解除“待关停”。发送“年审 ${account.name}”可补交。`,
  ].join('\n');
}

export function reportReceivedText(account: Named, year: number, late: boolean, submitterName: string): string {
  return [
    `【年审报告】${submitterName}提交了账号${describeAccount(account)}${year}年度年审报告${late ? '（逾期提交）' : ''}。`,
    `请审核：年审通过 ${account.name}，或 年审不通过 ${account.name} 理由`,
  ].join('\n');
}

export function decisionText(
  account: Named,
  year: number,
  passed: boolean,
  reason: string,
  liftsToClose: boolean,
): string {
  if (passed)
    return `账号${describeAccount(account)}${year}年度年审已通过${liftsToClose ? '，“待关停”已解除' : ''}。${reason ? `意见：${reason}` : ''}`;
  return `账号${describeAccount(account)}${year}年度年审未通过：${reason}\n请整改后重新发送“年审 ${account.name}”提交报告。`;
}
