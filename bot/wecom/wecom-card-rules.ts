/**
 * Approval cards, pure: which outgoing texts become a WeCom template card (a review request), the
 * card itself (同意 / 驳回 buttons, a 查看全文 link), what a button click means to the bot, and which
 * of the bot's answers settle a card. A click is turned into the text of a quoted reply to that
 * request ("「#K7Q2 第2版 第1步」 - - - 同意"), so the command parser reads it exactly like a WeChat
 * quoted reply: bound to that draft, version and step, and refused when the draft has a newer version
 * or has left that step (issue 21: a second click on a decided step-1 card had approved step 2).
 */

/** What the puppet needs to know about a review request to put it on a card. */
export interface ReviewRequestCard {
  code: string;
  version: number;
  /** The step the request is for (1-based). */
  step: number;
  /** The request's first line: "【待审核】#K7Q2 《title》 第1/2步". */
  heading: string;
  /** The rest of the request, shown under the heading (WeCom cuts long descriptions). */
  details: string;
}

export type CardDecision = 'approve' | 'reject';

export interface CardClick {
  decision: CardDecision;
  code: string;
  version: number;
  /** null for a card sent before cards named their step: the bot then refuses it on longer routes. */
  step: number | null;
}

/** WeCom's documented ceilings for the card's text fields, in characters. */
const titleMaxLength = 36;
const descriptionMaxLength = 512;

/** The step label that ends a request's heading on a route of several steps: " 第1/2步". */
const headingStepLabel = / 第(\d{1,2})\/\d{1,2}步$/;

/** The review request in `text`, or null when the text is anything else. */
export function reviewRequestOf(text: string): ReviewRequestCard | null {
  const heading = /^【待审核】#([A-Z2-9]{4}) .*$/m.exec(text);
  if (!heading || heading.index !== 0) return null;
  const version = /第(\d+)版/.exec(text);
  // The heading names the step whenever the route has more than one (draft-messages.ts, stepLabel).
  const step = headingStepLabel.exec(heading[0]);
  return {
    code: heading[1],
    version: version ? Number(version[1]) : 1,
    step: step ? Number(step[1]) : 1,
    heading: heading[0],
    details: text.slice(heading[0].length).trim(),
  };
}

/** The button key: what was decided, on which draft, version and step. */
export function cardButtonKey(decision: CardDecision, request: Pick<ReviewRequestCard, 'code' | 'version' | 'step'>) {
  return `${decision}:${request.code}:${request.version}:${request.step}`;
}

/** A click's key; keys without the step come from cards sent before it was added. */
export function parseCardButtonKey(key: string): CardClick | null {
  const match = /^(approve|reject):([A-Z2-9]{4}):(\d{1,4})(?::(\d{1,2}))?$/.exec(key);
  if (!match) return null;
  const step = match[4] ? Number(match[4]) : null;
  return { decision: match[1] as CardDecision, code: match[2], version: Number(match[3]), step };
}

/** The card's title: the heading, shortened in the draft's title so that the step label stays. */
function cardTitle(heading: string): string {
  if (heading.length <= titleMaxLength) return heading;
  const label = headingStepLabel.exec(heading)?.[0] ?? '';
  return `${heading.slice(0, titleMaxLength - label.length - 1)}…${label}`;
}

/**
 * A button_interaction template card for `request`. `taskId` must be unique per app (≤128 bytes);
 * `viewUrl` opens the full text.
 */
export function buildApprovalCard(
  request: ReviewRequestCard,
  taskId: string,
  viewUrl: string | null,
): Record<string, unknown> {
  return {
    card_type: 'button_interaction',
    source: { desc: '审发 · 先审后发' },
    main_title: {
      title: cardTitle(request.heading),
      desc: '点“同意”或“驳回”，或回复“同意 编号”“驳回 编号 理由”',
    },
    sub_title_text:
      request.details.length > descriptionMaxLength
        ? `${request.details.slice(0, descriptionMaxLength - 1)}…`
        : request.details,
    ...(viewUrl
      ? {
          card_action: { type: 1, url: viewUrl },
          jump_list: [{ type: 1, title: '查看全文', url: viewUrl }],
        }
      : {}),
    task_id: taskId,
    button_list: [
      { text: '同意', style: 1, key: cardButtonKey('approve', request) },
      { text: '驳回', style: 2, key: cardButtonKey('reject', request) },
    ],
  };
}

/**
 * The text the bot receives for a click: a quoted reply to the request of that version and step
 * (decision-grammar.ts reads the step at the end of the quote's first line). A rejection carries the
 * reason the approver wrote next (`reason`).
 */
export function clickAsQuotedReply(click: CardClick, reason = ''): string {
  const word = click.decision === 'approve' ? '同意' : '驳回';
  const reply = reason ? `${word} ${reason}` : word;
  const step = click.step === null ? '' : ` 第${click.step}步`;
  return `「#${click.code} 第${click.version}版${step}」\n- - - - - - - - - - - - - - -\n${reply}`;
}

/** What a text from the approver after a 驳回 click is: the reason, a cancel, or a command of its own. */
export function readRejectionReason(text: string): { kind: 'reason'; reason: string } | { kind: 'cancel' | 'other' } {
  const written = text.trim();
  if (/^(取消|算了|不驳回)$/.test(written)) return { kind: 'cancel' };
  if (
    !written ||
    /^(同意|通过|批准|不同意|驳回|退回|投稿|提交|修改|撤回|已发布|查看|转交|撤销|绑定|待办|我的稿件|帮助)/.test(written)
  ) {
    return { kind: 'other' };
  }
  return { kind: 'reason', reason: written };
}

/** How the bot's answer to a card's approver settles the card (of `step` when the answer names it). */
export type CardSettlement = { code: string; step: number | null; label: string } | null;

/**
 * The bot's answers that settle a card: the recorded decision ("已记录：孙丽（办公室主任） 同意 #K7Q2 …"),
 * the refusal of a step already handled or no longer open, and the refusal of an old version (the card
 * then says it expired). `code` is the draft the answer is about when the answer does not name it
 * (a refusal of an old version names none): the card the approver last clicked.
 */
export function cardSettlementOf(text: string, clickedCode: string | null): CardSettlement {
  const recorded = /^已记录：(.+?) (同意|驳回) #([A-Z2-9]{4})/.exec(text);
  if (recorded) return { code: recorded[3], step: null, label: `${recorded[1]} 已${recorded[2]}` };
  const handled = /^稿件 #([A-Z2-9]{4}) 第(\d+)步已处理/.exec(text);
  if (handled) return { code: handled[1], step: Number(handled[2]), label: '已处理' };
  const closed = /^稿件 #([A-Z2-9]{4}) 已回到第\d+步审核，第(\d+)步的审核请求已失效/.exec(text);
  if (closed) return { code: closed[1], step: Number(closed[2]), label: '已失效' };
  if (!clickedCode) return null;
  const already = /^已记录过您的决定：(同意|驳回)/.exec(text);
  if (already) return { code: clickedCode, step: null, label: `已${already[1]}` };
  if (/^您回复的是第\d+版，稿件已修改为第\d+版/.test(text)) {
    return { code: clickedCode, step: null, label: '已失效（稿件已修改）' };
  }
  return null;
}
