/**
 * What people are told about inquiries, in Chinese: the officers' notices and reminders, the leader's
 * and the admins', and the replies to the chat commands. Pure.
 */
import { excerpt, inquiryKindWords, promiseDateWords } from './inquiry-rules';
import type { InquiryKind } from './inquiry-rules';
import { formatWallTime } from '../shared/wall-time';

export interface InquiryHeading {
  code: string;
  accountName: string;
  kind: InquiryKind;
  text: string;
  answerDueOn: string;
}

/** "#Q7K2 来自「XX发布」的咨询：……" */
export function inquiryHeading(inquiry: InquiryHeading): string {
  return `#${inquiry.code} 来自「${inquiry.accountName}」的${inquiryKindWords[inquiry.kind]}：${excerpt(inquiry.text, 80)}`;
}

/**
 * A new inquiry, or (`joined`: the follower's latest message, `inquiry.text` being that message) a further
 * message to one still open.
 */
export function newInquiryText(inquiry: InquiryHeading, how: { acknowledged: boolean; joined: boolean }): string {
  const lead = how.joined
    ? `留言 #${inquiry.code}（「${inquiry.accountName}」）有新消息：${excerpt(inquiry.text, 80)}`
    : `新留言 ${inquiryHeading(inquiry)}`;
  const acknowledged = how.acknowledged ? '已自动回复留言人，承诺' : '请在';
  return [
    lead,
    `${acknowledged}${promiseDateWords(inquiry.answerDueOn)}前答复。`,
    `回复“答复 ${inquiry.code} 内容”答复；在平台后台答复的，回复“已答复 ${inquiry.code} [说明]”登记；` +
      `“延期 ${inquiry.code} 日期 理由”延期，“转办 ${inquiry.code} 单位名”转办。`,
  ].join('\n');
}

export function transferredText(inquiry: InquiryHeading, fromUnitName: string): string {
  return [
    `【转办留言】${fromUnitName}转来留言 ${inquiryHeading(inquiry)}`,
    `请于${promiseDateWords(inquiry.answerDueOn)}前答复（期限不因转办重新计算）。`,
    `回复“答复 ${inquiry.code} 内容”答复，或在平台后台答复后回复“已答复 ${inquiry.code}”。`,
  ].join('\n');
}

export function answerSoonText(inquiry: InquiryHeading): string {
  return `【留言提醒】${inquiryHeading(inquiry)}\n答复期限为${promiseDateWords(inquiry.answerDueOn)}，请及时答复：答复 ${inquiry.code} 内容。如需延期，请回复“延期 ${inquiry.code} 日期 理由”。`;
}

export function dueText(inquiry: InquiryHeading, unitName: string): string {
  return `【留言逾期】${unitName}的留言 ${inquiryHeading(inquiry)}\n承诺的答复期限${promiseDateWords(inquiry.answerDueOn)}已过，尚未答复。请督促办理。`;
}

export function overdueDigestText(items: { heading: InquiryHeading; unitName: string }[], today: string): string {
  const lines = items
    .slice(0, 20)
    .map(
      (item) =>
        `· #${item.heading.code} ${item.unitName}「${item.heading.accountName}」期限${promiseDateWords(item.heading.answerDueOn)}：${excerpt(item.heading.text, 30)}`,
    );
  const more = items.length > 20 ? [`……另有 ${items.length - 20} 条，详见小程序“留言”页。`] : [];
  return [
    `【逾期留言】截至${promiseDateWords(today)}，管理范围内有 ${items.length} 条留言超过承诺期限未答复：`,
    ...lines,
    ...more,
  ].join('\n');
}

export function windowClosingText(inquiry: InquiryHeading, closesAt: Date, timeZone: string): string {
  return `【回复窗口】${inquiryHeading(inquiry)}\n平台的 48 小时回复窗口将于 ${formatWallTime(closesAt, timeZone)} 关闭，之后只能在公众号后台答复。请尽快回复：答复 ${inquiry.code} 内容。`;
}

export function importedText(accountName: string, count: number): string {
  return `【留言导入】「${accountName}」导入了 ${count} 条留言，已按受理时间计算答复期限。回复“留言”查看待答复的留言。`;
}

export function answerApprovalRequestText(
  inquiry: InquiryHeading,
  answer: string,
  authorName: string,
  step: { step: number; steps: number },
): string {
  const stepWords = step.steps > 1 ? `（第${step.step}/${step.steps}步）` : '';
  return [
    `【留言答复待审】${stepWords}${inquiryHeading(inquiry)}`,
    `拟答复（${authorName}）：${answer}`,
    `答复期限${promiseDateWords(inquiry.answerDueOn)}。请回复“同意答复 ${inquiry.code}”，或“驳回答复 ${inquiry.code} 理由”。`,
  ].join('\n');
}

export function answerApprovedText(
  inquiry: InquiryHeading,
  delivered: 'sent' | 'recorded' | 'back-office' | 'awaiting-approval',
): string {
  const what =
    delivered === 'sent'
      ? '已通过公众号客服消息发给留言人'
      : delivered === 'recorded'
        ? '已登记为答复，请确认已在平台上回复留言人'
        : `平台接口已无法送达，请在公众号后台发出审核通过的答复，然后回复“已答复 ${inquiry.code}”登记`;
  return `留言 #${inquiry.code} 的答复已审核同意，${what}。`;
}

export function answerRejectedText(inquiry: InquiryHeading, approverName: string, reason: string): string {
  return `留言 #${inquiry.code} 的答复被${approverName}驳回：${reason}\n请修改后重新发送“答复 ${inquiry.code} 内容”。`;
}
