/**
 * What the 留言 detail shows: the thread (the citizen's messages and ours, with 知晓性回复 or 答复 and the
 * channel), the deadlines — 受理, the acknowledgement, the 承诺答复期限 in force, the original one and each
 * extension with its reason — the steps of its trail, which of the officers' steps it offers, and where
 * it may be transferred (转办).
 */
import type { InquiryAnswerResult, InquiryDetail, UnitView } from '../../../src/shared/contracts';
import { formatTime } from './format';
import { toUnitRows } from './organization-view';
import { inquiryStatusTags, inquiryStatusWords, replyChannelWords } from './inquiry-list-view';
import type { TimelineRow } from './draft-detail-view';

type InquiryKindName = InquiryDetail['kind'];

export const inquiryKindOptions: Array<{ value: InquiryKindName; text: string }> = [
  { value: 'consultation', text: '咨询' },
  { value: 'suggestion', text: '建议' },
  { value: 'complaint', text: '投诉' },
  { value: 'other', text: '其他' },
];

export const invalidReasonOptions: Array<{ value: 'spam' | 'duplicate'; text: string }> = [
  { value: 'spam', text: '垃圾信息' },
  { value: 'duplicate', text: '重复留言' },
];

const sourceWords: Record<InquiryDetail['source'], string> = {
  platform: '公众号消息',
  manual: '手工登记',
  import: '平台导出导入',
};

/** How the server masks an ID, mobile or bank card number: its first and last digits kept (138****5678). */
const maskedDigits = /\d\*{2,}\d/;

const purposeWords = { acknowledgement: '知晓性回复', answer: '答复', '': '回复' } as const;

/** The steps of an inquiry's trail (src/inquiries: the audit actions it records), in words. */
const actionWords: Record<string, string> = {
  'inquiry.received': '受理留言',
  'inquiry.message-received': '留言人追加留言',
  'inquiry.acknowledged': '知晓性回复',
  'inquiry.answered': '答复',
  'inquiry.extended': '延期答复',
  'inquiry.extension-told': '告知留言人延期',
  'inquiry.kind-set': '设置类型',
  'inquiry.marked-invalid': '标记为无效',
  'inquiry.transferred': '转办',
};

/** The trail in the drafts' timeline rows (components/audit-timeline): the step's note where the channel goes. */
export function toInquiryTimelineRows(timeline: InquiryDetail['timeline']): TimelineRow[] {
  return timeline.map((entry) => ({
    key: String(entry.sequence),
    sequence: entry.sequence,
    action: entry.action,
    tone: entry.action === 'inquiry.answered' ? 'good' : entry.action === 'inquiry.marked-invalid' ? 'bad' : 'plain',
    actionText: actionWords[entry.action] ?? entry.action,
    who: entry.by?.name || '系统',
    onBehalfText: '',
    whenText: formatTime(entry.at),
    via: entry.note,
    versionText: '',
    hashText: '',
    reason: entry.reason,
  }));
}

/**
 * An answer waiting for the unit's approval: its text, the step, who is to decide, and whether the
 * viewer (`viewerId`) is one of them.
 */
export function toPendingAnswerView(inquiry: InquiryDetail, viewerId: string) {
  const pending = inquiry.pendingAnswer;
  if (!pending) return null;
  const step = pending.steps > 1 ? `第${pending.step}/${pending.steps}步 · ` : '';
  const waiting = pending.waitingFor.map((person) => person.name).join('、');
  return {
    text: pending.text,
    contentHash: pending.contentHash,
    authorText: `拟答复 · ${pending.author.name}`,
    stateText: pending.approved ? '已审核同意，待在平台后台发出后登记' : `${step}等待 ${waiting} 审核`,
    mayDecide: !pending.approved && pending.waitingFor.some((person) => person.id === viewerId),
  };
}

export function toInquiryDetailView(inquiry: InquiryDetail, viewerId = '') {
  const { deadlines } = inquiry;
  const open = inquiry.status === 'open';
  const citizen = inquiry.citizenLabel || '留言人';
  const channelText = (channel: InquiryDetail['answerChannel']) => (channel ? replyChannelWords[channel] : '');
  return {
    id: inquiry.id,
    code: inquiry.code,
    status: inquiry.status,
    statusText:
      inquiry.status === 'invalid' && inquiry.invalidReason
        ? `无效（${invalidReasonOptions.find((option) => option.value === inquiry.invalidReason)?.text}）`
        : inquiryStatusWords[inquiry.status],
    statusTag: inquiryStatusTags[inquiry.status],
    overdue: inquiry.overdue,
    kind: inquiry.kind,
    kindText: inquiry.kindText,
    accountName: inquiry.accountName || '（账号已删除）',
    unitId: inquiry.unitId,
    unitName: inquiry.unitName,
    sourceText: sourceWords[inquiry.source],
    citizenText: inquiry.citizenLabel || '（未留名）',
    /**
     * The server masks personal data in the citizen's texts for everyone but the answering unit (admins
     * included), which the API does not flag: the page says so when masked digits show.
     */
    masked: inquiry.messages.some((message) => message.direction === 'in' && maskedDigits.test(message.text)),
    deadlines: {
      receivedText: formatTime(inquiry.receivedAt),
      acknowledgeText: deadlines.acknowledgedAt
        ? `已于 ${formatTime(deadlines.acknowledgedAt)} 回复`
        : `${formatTime(deadlines.acknowledgeDueAt)} 前${open ? '' : '（未发）'}`,
      answerDueText: deadlines.answerDueOn,
      /** The first promise, when an extension or a new kind has moved it. */
      originalDueText:
        inquiry.extensions.length > 0 || deadlines.originalDueOn !== deadlines.answerDueOn
          ? deadlines.originalDueOn
          : '',
      extensions: inquiry.extensions.map((extension, index) => ({
        key: `extension-${index}`,
        changeText: `${extension.fromDueOn} → ${extension.toDueOn}`,
        reason: extension.reason,
        byText: `${extension.by.name || '（已离职）'} · ${formatTime(extension.at)}`,
      })),
      answeredText: inquiry.answeredAt
        ? [formatTime(inquiry.answeredAt), inquiry.answeredBy?.name, channelText(inquiry.answerChannel)]
            .filter(Boolean)
            .join(' · ')
        : '',
    },
    messages: inquiry.messages.map((message, index) => ({
      key: `message-${index}`,
      direction: message.direction,
      who:
        message.direction === 'in'
          ? citizen
          : `${purposeWords[message.purpose]}${message.by?.name ? ` · ${message.by.name}` : ''}`,
      meta: [formatTime(message.at), channelText(message.channel)].filter(Boolean).join(' · '),
      text: message.text,
    })),
    timeline: toInquiryTimelineRows(inquiry.timeline),
    /** The officers' steps, for those who may act while it is open (the API refuses the rest anyway). */
    actionable: inquiry.mayAct && open,
    pendingAnswer: open ? toPendingAnswerView(inquiry, viewerId) : null,
    kindIndex: Math.max(
      0,
      inquiryKindOptions.findIndex((option) => option.value === inquiry.kind),
    ),
  };
}

export type InquiryDetailView = ReturnType<typeof toInquiryDetailView>;

/** What became of an answer: sent or recorded (done), or to be given in the platform's back office. */
export function answerOutcome(result: InquiryAnswerResult): { done: boolean; text: string } {
  if (result.outcome === 'sent') return { done: true, text: '答复已通过平台客服消息发给留言人' };
  if (result.outcome === 'recorded') return { done: true, text: '已记录答复' };
  if (result.outcome === 'awaiting-approval') return { done: true, text: '已送审核，同意后发出' };
  const why =
    result.why === 'window-closed'
      ? '48 小时回复窗口已关闭，答复无法经平台发出。'
      : result.why === 'quota-used'
        ? '本次回复窗口的客服消息条数已用完，答复无法经平台发出。'
        : '答复无法经平台发出。';
  return { done: false, text: `${why}请到平台后台答复留言人，再点“已在后台答复”确认。` };
}

export interface TransferUnitOption {
  id: string;
  text: string;
}

/** The last choice of the 转办 picker: a unit outside the admin's list, written by its full name. */
export const otherUnitOption = { id: '', text: '其他单位（填写全称）' };

/**
 * Where an inquiry may be transferred, for the 转办 picker: the admin's units (GET /units) in tree
 * order, indented, without the unit answering it now, then 其他单位 to write a full name.
 */
export function toTransferUnitOptions(units: UnitView[], answeringUnitId: string): TransferUnitOption[] {
  return [
    ...toUnitRows(units)
      .filter((row) => row.id !== answeringUnitId)
      .map((row) => ({ id: row.id, text: `${'　'.repeat(row.depth)}${row.name}` })),
    otherUnitOption,
  ];
}
