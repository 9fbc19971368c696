/**
 * Public inquiries (R8, 第十二条), pure: the kinds and their deadlines in working time, the promise an
 * acknowledgement states, extensions, the platform's 48-hour reply window and its message quota, when
 * each reminder is due, and the figures an inspection asks for.
 */
import {
  addWorkingDays,
  addWorkingMinutes,
  isWithinWorkingHours,
  lastWorkingMomentAtOrBefore,
  previousWorkingDay,
  workingMinutesBetween,
} from '../cadence/calendar-rules';
import type { WorkingCalendar, WorkingHours } from '../cadence/calendar-rules';
import { addDays, civilDate, daysBetween, instantAt, isCivilDate } from '../shared/wall-clock';

export const inquiryKinds = ['consultation', 'suggestion', 'complaint', 'other'] as const;
export type InquiryKind = (typeof inquiryKinds)[number];

export const inquiryKindWords: Record<InquiryKind, string> = {
  consultation: '咨询',
  suggestion: '建议',
  complaint: '投诉',
  other: '其他',
};

/** open: waiting for an answer; answered; invalid: marked spam or a duplicate by the officer (not counted). */
export const inquiryStatuses = ['open', 'answered', 'invalid'] as const;
export type InquiryStatus = (typeof inquiryStatuses)[number];

export const invalidReasons = ['spam', 'duplicate'] as const;
export type InvalidReason = (typeof invalidReasons)[number];
export const invalidReasonWords: Record<InvalidReason, string> = { spam: '无效（垃圾信息）', duplicate: '重复留言' };

/** Where an inquiry came in: pushed by a connected account, registered by hand, or imported from a file. */
export const inquirySources = ['platform', 'manual', 'import'] as const;
export type InquirySource = (typeof inquirySources)[number];

export function parseInquiryKind(word: string): InquiryKind | null {
  const found = inquiryKinds.find((kind) => inquiryKindWords[kind] === word.trim() || kind === word.trim());
  return found ?? null;
}

/** The deadlines and the platform's limits (config `inquiries`); local rules differ, so all are settings. */
export interface InquiryPolicy {
  /** Acknowledge within this many working hours (南通 / 荆门: 3–4). */
  acknowledgeWorkingHours: number;
  /** Answer within this many working days, by kind (网络问政: 咨询/建议 5, 投诉 7). */
  answerWorkingDays: Record<InquiryKind, number>;
  /** An extension may not promise a date later than this many working days after receipt. */
  maxWorkingDays: number;
  /** A user's new message within this many minutes of their last one joins their open inquiry. */
  joinWindowMinutes: number;
  /** The platform lets the account reply for this many hours after the user's last message. */
  replyWindowHours: number;
  /** ... with at most this many messages in that window (5 since 2021; it was 20). */
  replyQuota: number;
  /** Warn the officers this many minutes before an unanswered message's reply window closes. */
  windowWarningMinutes: number;
  /** Send the 知晓性回复 automatically through the platform. */
  autoAcknowledge: boolean;
  /** The acknowledgement; {date} becomes the promised date, e.g. 12月10日. */
  acknowledgementTemplate: string;
  /** Answers go out only after the unit's approval route approved them. */
  answerApproval: boolean;
}

export const defaultInquiryPolicy: InquiryPolicy = Object.freeze({
  acknowledgeWorkingHours: 4,
  answerWorkingDays: Object.freeze({ consultation: 5, suggestion: 5, complaint: 7, other: 5 }),
  maxWorkingDays: 15,
  joinWindowMinutes: 120,
  replyWindowHours: 48,
  replyQuota: 5,
  windowWarningMinutes: 240,
  autoAcknowledge: true,
  acknowledgementTemplate: '您的留言已收到，我们将于{date}前答复。',
  answerApproval: false,
});

/** The calendar an inquiry's clock runs on: working days, working hours, the time zone. */
export interface InquiryClock {
  calendar: WorkingCalendar;
  hours: WorkingHours;
  timeZone: string;
}

export interface InquiryDeadlines {
  acknowledgeDueAt: Date;
  /** The promised date (civil): answered on or before it is on time. */
  answerDueOn: string;
}

/** The deadlines of an inquiry received at `receivedAt`: working hours to acknowledge, working days to answer. */
export function deadlinesFor(
  clock: InquiryClock,
  receivedAt: Date,
  kind: InquiryKind,
  policy: InquiryPolicy,
): InquiryDeadlines {
  return {
    acknowledgeDueAt: addWorkingMinutes(
      clock.calendar,
      receivedAt,
      policy.acknowledgeWorkingHours * 60,
      clock.hours,
      clock.timeZone,
    ),
    answerDueOn: addWorkingDays(clock.calendar, civilDate(receivedAt, clock.timeZone), policy.answerWorkingDays[kind]),
  };
}

/** The end of the promised day: an answer before it is on time. */
export function answerDueAtOf(answerDueOn: string, timeZone: string): Date {
  return instantAt(addDays(answerDueOn, 1), 0, timeZone);
}

/** The latest date an extension may promise. */
export function latestPromiseOn(clock: InquiryClock, receivedAt: Date, policy: InquiryPolicy): string {
  return addWorkingDays(clock.calendar, civilDate(receivedAt, clock.timeZone), policy.maxWorkingDays);
}

/** "12月10日" */
export function promiseDateWords(date: string): string {
  const [, month, day] = date.split('-').map(Number);
  return `${month}月${day}日`;
}

/** Why an extension to `newDueOn` cannot be recorded, in Chinese; null when it can. */
export function checkExtension(input: {
  currentDueOn: string;
  newDueOn: string;
  latestOn: string;
  reason: string;
  today: string;
}): string | null {
  if (!isCivilDate(input.newDueOn)) return '新的答复期限应写成日期，如 2026-12-20 或 12月20日';
  if (!input.reason.trim()) return '延期须写明理由（将记入台账）';
  if (daysBetween(input.currentDueOn, input.newDueOn) <= 0) {
    return `新的答复期限应晚于原期限 ${promiseDateWords(input.currentDueOn)}`;
  }
  if (daysBetween(input.today, input.newDueOn) < 0) return '新的答复期限不能早于今天';
  if (daysBetween(input.newDueOn, input.latestOn) < 0) {
    return `答复期限最长为受理后15个工作日，最晚可延至 ${promiseDateWords(input.latestOn)}`;
  }
  return null;
}

/** The acknowledgement as the citizen reads it, stating the recorded promise. */
export function acknowledgementText(template: string, answerDueOn: string): string {
  const text = template.includes('{date}') ? template : defaultInquiryPolicy.acknowledgementTemplate;
  return text.replaceAll('{date}', promiseDateWords(answerDueOn));
}

/** A user's message opens the account's reply window; the window's own message count. */
export interface ReplyWindow {
  lastCitizenMessageAt: Date | null;
  repliesInWindow: number;
}

export function replyWindowClosesAt(window: ReplyWindow, policy: InquiryPolicy): Date | null {
  return window.lastCitizenMessageAt
    ? new Date(window.lastCitizenMessageAt.getTime() + policy.replyWindowHours * 3_600_000)
    : null;
}

/** Whether a reply can go out through the platform now, and if not, why. */
export type ReplyRoute = 'platform' | 'window-closed' | 'quota-used' | 'no-platform';

export function replyRouteOf(
  inquiry: ReplyWindow & { source: InquirySource; connected: boolean },
  now: Date,
  policy: InquiryPolicy,
): ReplyRoute {
  if (inquiry.source !== 'platform' || !inquiry.connected) return 'no-platform';
  const closesAt = replyWindowClosesAt(inquiry, policy);
  if (!closesAt || closesAt.getTime() <= now.getTime()) return 'window-closed';
  if (inquiry.repliesInWindow >= policy.replyQuota) return 'quota-used';
  return 'platform';
}

/**
 * The reminders of an open inquiry: its officers one working day before the promised date, the leader in
 * charge when the promise is broken, the admins every working day while it is overdue, and its officers
 * before the platform's reply window closes on a message nobody answered.
 */
export const inquiryReminderStages = ['answer-soon', 'due', 'overdue', 'window-closing'] as const;
export type InquiryReminderStage = (typeof inquiryReminderStages)[number];

export interface DueReminder {
  stage: InquiryReminderStage;
  /** Part of the outbox key: the stage, with the promised date or the day it is for. */
  key: string;
}

export interface ReminderState extends ReplyWindow {
  source: InquirySource;
  answerDueOn: string;
  /** The reply sent through the platform since the user's last message, if any. */
  repliedInWindow: boolean;
}

/**
 * The reminders due at `now` (within working hours only) and when the next one falls due. Keys carry
 * the promised date, so an extension starts the promise's reminders afresh; a repeated run enqueues
 * the same keys, which the outbox skips.
 */
export function dueInquiryReminders(
  state: ReminderState,
  now: Date,
  clock: InquiryClock,
  policy: InquiryPolicy,
): { due: DueReminder[]; nextAt: Date | null } {
  const { calendar, hours, timeZone } = clock;
  const dueAt = answerDueAtOf(state.answerDueOn, timeZone);
  const soonAt = instantAt(previousWorkingDay(calendar, state.answerDueOn), hours.startMinute, timeZone);
  const times: { stage: InquiryReminderStage; at: Date; key: string }[] = [
    { stage: 'answer-soon', at: soonAt, key: `answer-soon:${state.answerDueOn}` },
    { stage: 'due', at: dueAt, key: `due:${state.answerDueOn}` },
  ];
  const today = civilDate(now, timeZone);
  if (now.getTime() >= dueAt.getTime()) {
    times.push({ stage: 'overdue', at: instantAt(today, hours.startMinute, timeZone), key: `overdue:${today}` });
  }
  const closesAt = replyWindowClosesAt(state, policy);
  if (state.source === 'platform' && closesAt && !state.repliedInWindow && state.lastCitizenMessageAt) {
    const warnFrom = new Date(closesAt.getTime() - policy.windowWarningMinutes * 60_000);
    const warnAt = lastWorkingMomentAtOrBefore(calendar, warnFrom, state.lastCitizenMessageAt, hours, timeZone);
    if (warnAt && now.getTime() < closesAt.getTime()) {
      times.push({ stage: 'window-closing', at: warnAt, key: `window-closing:${closesAt.toISOString()}` });
    }
  }
  const working = isWithinWorkingHours(calendar, now, hours, timeZone);
  const due = working
    ? times
        .filter((time) => time.at.getTime() <= now.getTime())
        // Too late to warn of what has already happened.
        .filter((time) => !(time.stage === 'answer-soon' && now.getTime() >= dueAt.getTime()))
        .map(({ stage, key }) => ({ stage, key }))
    : [];
  const later = times.map((time) => time.at.getTime()).filter((at) => at > now.getTime());
  const nextOverdueDay = now.getTime() >= dueAt.getTime() ? nextWorkingStart(clock, now) : null;
  if (nextOverdueDay) later.push(nextOverdueDay.getTime());
  // Outside working hours a due reminder waits for the next working morning.
  if (!working && times.some((time) => time.at.getTime() <= now.getTime()))
    later.push(nextWorkingStart(clock, now).getTime());
  return { due, nextAt: later.length > 0 ? new Date(Math.min(...later)) : null };
}

/** The start of the next working period after `now`. */
function nextWorkingStart(clock: InquiryClock, now: Date): Date {
  const today = civilDate(now, clock.timeZone);
  const opensToday = instantAt(today, clock.hours.startMinute, clock.timeZone);
  if (
    now.getTime() < opensToday.getTime() &&
    isWithinWorkingHours(clock.calendar, opensToday, clock.hours, clock.timeZone)
  ) {
    return opensToday;
  }
  return instantAt(addWorkingDays(clock.calendar, today, 1), clock.hours.startMinute, clock.timeZone);
}

/**
 * Who answers an inquiry and is reminded of it: the officers of the answering unit, and the account's
 * keeper (后台管理员) while it is with the account's own unit.
 */
export function answeringOfficerIds(
  unitId: string,
  account: { unitId: string; backendAdminId: string } | null,
  unitOfficerIds: readonly string[],
): string[] {
  const keeper = account && account.unitId === unitId && account.backendAdminId ? [account.backendAdminId] : [];
  return [...new Set([...keeper, ...unitOfficerIds])];
}

/** What the figures read of one inquiry. */
export interface InquiryFigureInput {
  status: InquiryStatus;
  receivedAt: Date;
  answeredAt: Date | null;
  /** The promised date in force (after any extension). */
  answerDueOn: string;
}

export interface InquiryFigures {
  /** 留言数 */
  received: number;
  /** 有效留言数: spam and duplicates marked by the officer excluded. */
  valid: number;
  /** 答复数 */
  answered: number;
  /** 答复率 = 答复数 ÷ 有效留言数 (null without valid inquiries). */
  answerRate: number | null;
  /** 按期答复数: answered on or before the promised date. */
  answeredOnTime: number;
  /** 按期答复率 = 按期答复数 ÷ 应答复数 (valid inquiries answered, or whose promised date has passed). */
  onTimeRate: number | null;
  /** Working hours from receipt to answer: median and 90th percentile (nearest rank); null without answers. */
  medianAnswerWorkingHours: number | null;
  p90AnswerWorkingHours: number | null;
  /** Valid, unanswered, past the promised date. */
  overdue: number;
}

export function inquiryFigures(
  inquiries: readonly InquiryFigureInput[],
  now: Date,
  clock: InquiryClock,
): InquiryFigures {
  const rates = inquiryRates(inquiries, now, clock.timeZone);
  const hours = inquiries
    .filter((inquiry) => inquiry.status === 'answered' && inquiry.answeredAt)
    .map(
      (inquiry) =>
        workingMinutesBetween(
          clock.calendar,
          inquiry.receivedAt,
          inquiry.answeredAt as Date,
          clock.hours,
          clock.timeZone,
        ) / 60,
    )
    .sort((left, right) => left - right);
  return {
    ...rates,
    medianAnswerWorkingHours: nearestRank(hours, 0.5),
    p90AnswerWorkingHours: nearestRank(hours, 0.9),
  };
}

export type InquiryRates = Omit<InquiryFigures, 'medianAnswerWorkingHours' | 'p90AnswerWorkingHours'>;

/** The counts and rates of the figures without the answer times (考核自查 reads these for many accounts). */
export function inquiryRates(inquiries: readonly InquiryFigureInput[], now: Date, timeZone: string): InquiryRates {
  const valid = inquiries.filter((inquiry) => inquiry.status !== 'invalid');
  const answered = valid.filter((inquiry) => inquiry.status === 'answered' && inquiry.answeredAt);
  // Many inquiries share a promised date: its end is worked out once.
  const dueTimes = new Map<string, number>();
  const dueAt = ({ answerDueOn }: InquiryFigureInput) => {
    const known = dueTimes.get(answerDueOn);
    if (known !== undefined) return known;
    const time = answerDueAtOf(answerDueOn, timeZone).getTime();
    dueTimes.set(answerDueOn, time);
    return time;
  };
  const onTime = answered.filter((inquiry) => (inquiry.answeredAt as Date).getTime() < dueAt(inquiry));
  const overdue = valid.filter((inquiry) => inquiry.status === 'open' && now.getTime() >= dueAt(inquiry));
  const owed = answered.length + overdue.length;
  return {
    received: inquiries.length,
    valid: valid.length,
    answered: answered.length,
    answerRate: ratio(answered.length, valid.length),
    answeredOnTime: onTime.length,
    onTimeRate: ratio(onTime.length, owed),
    overdue: overdue.length,
  };
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** The nearest-rank percentile of sorted values, to a tenth of an hour. */
function nearestRank(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
  return Math.round(value * 10) / 10;
}

/** The longest citizen text kept (a platform text is at most 2,048 bytes; a transcript may be longer). */
export const maxInquiryTextLength = 10_000;

/** Why a citizen's text cannot be registered, in Chinese; null when it can. */
export function checkInquiryText(text: string): string | null {
  if (!text.trim()) return '留言内容不能为空';
  if (text.length > maxInquiryTextLength)
    return `留言内容过长（${text.length}字），请控制在${maxInquiryTextLength}字以内`;
  return null;
}

/** The first characters of a text, on one line, for lists and notices. */
export function excerpt(text: string, length = 40): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length)}…` : line;
}
