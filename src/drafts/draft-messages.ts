/**
 * The Chinese texts the chat flow sends about drafts, pure: given a draft, the notification the rules
 * asked for and the names involved, the message an officer or leader reads.
 */
import type { ContentFinding, DraftAttachment } from './draft-model';
import type { AccountPublishing } from './draft-service-types';
import { requestedApprovers } from './approval-step-rules';
import { summarizeChange } from './change-summary-rules';
import type { Decision, DraftStatus, ReviewNotification, ReviewState, ReviewVersion } from './review-state';

export interface MessageContext {
  draft: ReviewState;
  version: ReviewVersion & { findings: ContentFinding[]; attachments: DraftAttachment[] };
  /** Person id → display name ("张三（县应急管理局局长）"). */
  names: Map<string, string>;
  submitterUnitName: string;
  accountName: string;
  /** How the draft goes out once approved: what the approval's receipt tells the submitter to do. */
  publishing: AccountPublishing;
  /** Masks personal data: the excerpt pushed in a request carries no ID or phone numbers. */
  mask: (text: string) => string;
}

const excerptLength = 200;
/**
 * A body longer than this is not pushed whole into the chat: requests and "查看" carry an excerpt and
 * the findings, and the full text follows as a file (a chat message holds 680–2,700 characters).
 */
export const longBodyLength = 3_000;
const longExcerptLength = 600;

export function isLongBody(body: string): boolean {
  return body.length > longBodyLength;
}

/** The name of the file a long draft's full text is sent as. */
export function fullTextFileName(code: string, title: string, versionNumber: number): string {
  return `${code}《${title}》第${versionNumber}版全文.txt`;
}

/** The first `length` UTF-16 units of a text, never half a character. */
function startOf(text: string, length: number): string {
  const start = text.slice(0, length);
  return /[\ud800-\udbff]$/.test(start) ? start.slice(0, -1) : start;
}

function fullTextLine(body: string, fileName: string): string {
  return `全文共 ${body.length} 字，较长，已作为文件「${fileName}」随后发送（管理员也可在小程序的稿件详情查看）`;
}

export function draftHeading(code: string, title: string): string {
  return `#${code} 《${title}》`;
}

function nameOf(context: MessageContext, id: string | null | undefined): string {
  return (id && context.names.get(id)) || '（未知人员）';
}

function stepLabel(notification: ReviewNotification): string {
  return notification.stepNumber && notification.stepCount && notification.stepCount > 1
    ? ` 第${notification.stepNumber}/${notification.stepCount}步`
    : '';
}

export function formatFindings(findings: ContentFinding[], code: string): string {
  if (findings.length === 0) return '预审：未发现问题';
  const severityWord = { block: '禁止', warn: '注意', info: '提示' } as const;
  const lines = findings
    .slice(0, 8)
    .map(
      (finding) =>
        `· [${severityWord[finding.severity]}] ${finding.category}：${finding.excerpt}${finding.suggestion ? `（${finding.suggestion}）` : ''}`,
    );
  const more = findings.length > 8 ? [`· 另有 ${findings.length - 8} 处，发送“查看 ${code}”可看全部`] : [];
  return ['预审发现：', ...lines, ...more].join('\n');
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > excerptLength ? `${startOf(flat, excerptLength)}…` : flat;
}

/** The compact request an approver receives: everything needed to decide, and how to reply. */
function reviewRequest(
  context: MessageContext,
  notification: ReviewNotification,
  previousVersion?: ReviewVersion,
): string {
  const { draft, version } = context;
  const lines = [
    `【待审核】${draftHeading(draft.shortCode, version.title)}${stepLabel(notification)}`,
    `投稿：${nameOf(context, draft.submitterId)}（${context.submitterUnitName}）`,
  ];
  if (context.accountName) lines.push(`账号：${context.accountName}`);
  if (notification.replacedId) {
    lines.push(
      `原审核人 ${nameOf(context, notification.replacedId)} 已${notification.comment || '不再审核'}，改由您审核`,
    );
  } else if (notification.onBehalfOfId && notification.onBehalfOfId !== notification.recipientId) {
    lines.push(`由 ${nameOf(context, notification.onBehalfOfId)} 转交，您将代其审核`);
  }
  if (previousVersion) {
    lines.push(`第${version.number}版（您上次看到第${previousVersion.number}版）`);
    if (previousVersion.title !== version.title) lines.push(`标题：《${previousVersion.title}》→《${version.title}》`);
    // Compared masked, so the change line never shows a personal number the excerpt hides.
    const [before, after] = [context.mask(previousVersion.body), context.mask(version.body)];
    const onlyMasking = before === after && previousVersion.body !== version.body;
    lines.push(onlyMasking ? '修改：个人信息已脱敏（身份证号、手机号、银行卡号打码）' : summarizeChange(before, after));
  } else if (version.number > 1) {
    lines.push(`第${version.number}版`);
  }
  if (version.sourceUrl) lines.push(`链接：${version.sourceUrl}`);
  if (version.reprint) lines.push(reprintLine(version.reprint));
  if (version.attachments.length) lines.push(attachmentsLine(version.attachments, '随后发送'));
  lines.push(`内容：${excerpt(context.mask(version.body))}`);
  if (isLongBody(version.body)) {
    lines.push(fullTextLine(version.body, fullTextFileName(draft.shortCode, version.title, version.number)));
  }
  lines.push(formatFindings(version.findings, draft.shortCode));
  lines.push(
    `请回复：同意 ${draft.shortCode} [意见]，或 驳回 ${draft.shortCode} 理由；引用本消息回复“同意”也可。发送“查看 ${draft.shortCode}”看全文。`,
  );
  return lines.join('\n');
}

function decisionRecord(context: MessageContext, notification: ReviewNotification): string {
  const { draft, version } = context;
  const who =
    notification.onBehalfOfId && notification.onBehalfOfId !== notification.deciderId
      ? `${nameOf(context, notification.deciderId)}（代${nameOf(context, notification.onBehalfOfId)}）`
      : nameOf(context, notification.deciderId);
  const comment = notification.comment
    ? `，${notification.decision === 'reject' ? '理由' : '意见'}：${notification.comment}`
    : '';
  return `${who} ${decisionWord(notification.decision ?? 'approve')} ${draftHeading(draft.shortCode, version.title)}${stepLabel(notification)}${comment}`;
}

/** Renders one notification; `previousVersion` is given for re-requests of a revised draft. */
export function renderNotification(
  context: MessageContext,
  notification: ReviewNotification,
  previousVersion?: ReviewVersion,
): string {
  const { draft, version } = context;
  const heading = draftHeading(draft.shortCode, version.title);
  switch (notification.kind) {
    case 'review-request':
      return reviewRequest(context, notification, previousVersion);
    case 'decision-echo':
      if (!notification.decision) {
        return notification.comment
          ? `已记录：撤销同意 ${heading}，理由：${notification.comment}`
          : `已记录：${heading} 已转交，原审核人为 ${nameOf(context, notification.onBehalfOfId)}`;
      }
      return `已记录：${decisionRecord(context, notification)}`;
    case 'submitter-update':
      return submitterUpdate(context, notification);
    case 'cc-approved':
      return `【抄送】${heading} 已审核通过，投稿人：${nameOf(context, draft.submitterId)}`;
    case 'cc-published':
      return `【抄送】${heading} 已发布：${draft.publication.url}`;
    case 'follower-update':
      return followerUpdate(context, notification);
    case 'reviewer-changed':
      return `【审核人变更】${heading} 原审核人 ${nameOf(context, notification.replacedId)} 已${notification.comment || '不再审核'}，${whoHasIt(context)}。`;
    case 'revoked':
      return notification.deciderId
        ? `【撤销同意】${nameOf(context, notification.deciderId)} 撤销了对 ${heading} 的同意，理由：${notification.comment ?? ''}。在重新审核通过前不得发布。`
        : `【已撤回】${heading} 已由投稿人撤回，无需再审核`;
  }
}

function submitterUpdate(context: MessageContext, notification: ReviewNotification): string {
  const { draft, version } = context;
  const heading = draftHeading(draft.shortCode, version.title);
  if (notification.decision) {
    const record = `已记录：${decisionRecord(context, notification)}`;
    if (notification.decision === 'reject') {
      return `${record}\n请修改后回复：修改 ${draft.shortCode}，换行后写新内容（第一行为标题）。`;
    }
    if (draft.status === 'approved') return `${record}\n${howToPublish(draft.shortCode, context.publishing)}`;
    const moved = draft.currentStepIndex + 1 !== notification.stepNumber;
    return `${record}\n${moved ? '等待下一步审核' : '等待本步其他审核人'}：${whoHasIt(context)}。`;
  }
  switch (draft.status) {
    case 'withdrawn':
      return `已撤回 ${heading}`;
    case 'published':
      return `已登记发布 ${heading}：${draft.publication.url}`;
    default: {
      const findings = version.findings.length ? `\n${formatFindings(version.findings, draft.shortCode)}` : '';
      const action = version.number > 1 ? `已提交第${version.number}版` : '已收到投稿';
      return `${action} ${heading}，${whoHasIt(context)}。${findings}`;
    }
  }
}

function howToPublish(code: string, publishing: AccountPublishing): string {
  switch (publishing) {
    case 'automatic':
      return '稿件已审核通过，将按审核通过的版本自动发布到公众号，发布与核验结果随后通知。';
    case 'on-command':
      return `稿件已审核通过，可以发布：回复“发布 ${code}”，由审发按审核通过的版本发布到公众号并核验。`;
    case 'by-hand':
      return `稿件已审核通过，可以发布。发布后请回复：已发布 ${code} 链接`;
  }
}

/** "已送 孙丽（办公室主任）审核，第1/2步": the people the current step's request went to who have not answered. */
function whoHasIt(context: MessageContext): string {
  const { draft } = context;
  const step = draft.steps[draft.currentStepIndex];
  if (!step) return '已送审核';
  const decided = new Set(
    step.decisions
      .filter((decision) => decision.versionNumber === draft.currentVersion)
      .flatMap((decision) => [decision.approverId, decision.onBehalfOfId ?? '']),
  );
  const asked = requestedApprovers(step, draft.currentVersion).filter((id) => !decided.has(id));
  const names = asked.map((id) => nameOf(context, id)).join('、');
  const progress = draft.steps.length > 1 ? `，第${draft.currentStepIndex + 1}/${draft.steps.length}步` : '';
  return `已送 ${names || '审核人'}审核${progress}`;
}

/** One short line for someone told about the draft before: what changed, not the draft again. */
function followerUpdate(context: MessageContext, notification: ReviewNotification): string {
  const { draft, version } = context;
  const label = notification.follower === 'cc' ? '【抄送】' : '【稿件动态】';
  const heading = `${label}${draftHeading(draft.shortCode, version.title)}`;
  switch (notification.change) {
    case 'revised':
      return notification.follower === 'cc'
        ? `${heading} 已修改为第${version.number}版，重新审核中，原审核通过的版本不得发布。`
        : `${heading} 已修改为第${version.number}版，重新审核中；轮到您审核时会再发给您。`;
    case 'withdrawn':
      return `${heading} 已由投稿人撤回。`;
    case 'revoked':
      return `${heading} ${nameOf(context, notification.deciderId)} 撤销了同意，重新审核中，通过前不得发布。`;
    case 'published':
    default:
      return `${heading} 已发布：${draft.publication.url}`;
  }
}

function attachmentsLine(attachments: DraftAttachment[], how: string): string {
  const files = attachments.map(
    (file) => `${file.name}（${Math.max(1, Math.round(file.size / 1024))} KB，SHA-256 ${file.sha256.slice(0, 12)}…）`,
  );
  return `附件（${how}）：${files.join('、')}`;
}

function reprintLine(reprint: { source: string; originalTitle: string }): string {
  return `转载：来源 ${reprint.source || '（未注明）'}，原标题《${reprint.originalTitle}》`;
}

/** The full text for "查看 K7Q2"; a long body shows its start, the whole follows as a file. */
export function renderDraftView(context: MessageContext): string {
  const { draft, version } = context;
  const step = draft.steps[draft.currentStepIndex];
  const progress =
    draft.status === 'in_review' && step ? `，第${draft.currentStepIndex + 1}/${draft.steps.length}步` : '';
  const lines = [
    `${draftHeading(draft.shortCode, version.title)}（第${version.number}版，${statusWord(draft.status)}${progress}）`,
    `投稿：${nameOf(context, draft.submitterId)}（${context.submitterUnitName}）`,
  ];
  if (context.accountName) lines.push(`账号：${context.accountName}`);
  if (version.sourceUrl) lines.push(`链接：${version.sourceUrl}`);
  if (version.reprint) lines.push(reprintLine(version.reprint));
  if (version.attachments.length) lines.push(attachmentsLine(version.attachments, '随审核请求发送'));
  lines.push(...routeLines(context));
  const body = isLongBody(version.body)
    ? `${startOf(version.body, longExcerptLength)}……\n\n${fullTextLine(version.body, fullTextFileName(draft.shortCode, version.title, version.number))}`
    : version.body;
  lines.push('', body, '', formatFindings(version.findings, draft.shortCode));
  if (draft.publication.url) lines.push(`发布链接：${draft.publication.url}`);
  return lines.join('\n');
}

const stepStatusWords = { waiting: '未开始', pending: '审核中', approved: '已通过', rejected: '已驳回' } as const;

const decisionTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The whole route for "查看": each step, who it is with, and every decision and hand-over on it, oldest first. */
function routeLines(context: MessageContext): string[] {
  const { draft } = context;
  const lines = ['审核路线：'];
  draft.steps.forEach((step, index) => {
    const approvers = step.approverIds.map((id) => nameOf(context, id)).join('、');
    const mode = step.mode === 'all' && step.approverIds.length > 1 ? '（会签）' : '';
    const backups = step.backupApproverIds.length
      ? `，备审 ${step.backupApproverIds.map((id) => nameOf(context, id)).join('、')}`
      : '';
    const status = draft.status === 'withdrawn' && step.status === 'pending' ? '未完成' : stepStatusWords[step.status];
    lines.push(`第${index + 1}步 ${approvers}${mode}${backups}：${status}`);
    const entries = [
      ...step.decisions.map((decision) => {
        const who =
          decision.onBehalfOfId && decision.onBehalfOfId !== decision.approverId
            ? `${nameOf(context, decision.approverId)}（代${nameOf(context, decision.onBehalfOfId)}）`
            : nameOf(context, decision.approverId);
        const comment = decision.comment ? `：${decision.comment}` : '';
        return {
          at: decision.decidedAt,
          text: `第${decision.versionNumber}版 ${who} ${decisionWord(decision.decision)}${comment}`,
        };
      }),
      ...step.handovers.map((handover) => ({
        at: handover.at,
        text:
          handover.cause === 'unbind'
            ? `第${handover.versionNumber}版起 ${nameOf(context, handover.replacedId)} 不再审核，转由 ${nameOf(context, handover.toId)} 审核`
            : `第${handover.versionNumber}版 ${nameOf(context, handover.fromId)} 转交 ${nameOf(context, handover.toId)}`,
      })),
    ].sort((left, right) => new Date(left.at).getTime() - new Date(right.at).getTime());
    for (const entry of entries) lines.push(`  · ${entry.text}（${decisionTime.format(new Date(entry.at))}）`);
  });
  if (draft.ccIds.length) lines.push(`抄送：${draft.ccIds.map((id) => nameOf(context, id)).join('、')}`);
  return lines;
}

/** A decision and a status in the words the chat, the timeline and the exports use (the rules' refusals too). */
export function decisionWord(decision: Decision): string {
  return decision === 'approve' ? '同意' : '驳回';
}

export function statusWord(status: DraftStatus): string {
  const words: Record<DraftStatus, string> = {
    in_review: '正在审核中',
    approved: '已审核通过',
    published: '已发布',
    rejected: '已被驳回',
    withdrawn: '已撤回',
  };
  return words[status];
}
