/**
 * The registry's rules (R4), pure: platform names, what state an account is in, who may take which
 * closure step in which order, and whether an account still takes drafts.
 */
import type { RefusalKind } from '../shared/errors';
import type { ClosureRecord } from './account-model';
import type { AccountPlatform, AccountStatus, ClosureStep } from './account-vocabulary';
import { accountPlatforms, closureSteps } from './account-vocabulary';

export const platformLabels: Record<AccountPlatform, string> = {
  'wechat-official-account': '微信公众号',
  'wechat-channels': '微信视频号',
  weibo: '微博',
  toutiao: '今日头条',
  douyin: '抖音',
  kuaishou: '快手',
  app: '客户端',
  other: '其他平台',
};

const platformAliases: Record<string, AccountPlatform> = {
  公众号: 'wechat-official-account',
  视频号: 'wechat-channels',
  头条: 'toutiao',
  头条号: 'toutiao',
  app: 'app',
  APP: 'app',
};

/** A platform by its key or Chinese name ("微信公众号", "公众号"); null when unknown. */
export function parsePlatform(text: string): AccountPlatform | null {
  const value = text.trim();
  if ((accountPlatforms as readonly string[]).includes(value)) return value as AccountPlatform;
  const byLabel = (Object.entries(platformLabels) as [AccountPlatform, string][]).find(([, label]) => label === value);
  return byLabel?.[0] ?? platformAliases[value] ?? null;
}

export const accountStatusWords: Record<AccountStatus, string> = {
  applying: '开办申请待审批',
  rejected: '开办申请未获批准',
  active: '运行中',
  closing: '关停办理中',
  closed: '已关停',
};

export const closureStepWords: Record<ClosureStep, string> = {
  requested: '申请关停',
  approved: '批准关停',
  'stop-notice-published': '发布停更公告',
  'platform-cancelled': '平台注销',
  filed: '关停备案',
};

/** "“应急先锋”（微信公众号）". */
export function describeAccount(account: { name: string; platform: AccountPlatform }): string {
  return `“${account.name}”（${platformLabels[account.platform]}）`;
}

/** The closure step that comes next; null once the closure is filed. */
export function nextClosureStep(closure: Pick<ClosureRecord, 'step'>[]): ClosureStep | null {
  const done = closure.length;
  return done < closureSteps.length ? closureSteps[done] : null;
}

export type ClosureRole = 'admin' | 'account-keeper';

/** Who may take a step: the managing office approves and files; the account's people act on the platform. */
const closureStepRoles: Record<ClosureStep, ClosureRole[]> = {
  requested: ['admin', 'account-keeper'],
  approved: ['admin'],
  'stop-notice-published': ['admin', 'account-keeper'],
  'platform-cancelled': ['admin', 'account-keeper'],
  filed: ['admin'],
};

/**
 * Why `step` cannot be taken now by someone with `roles`; null when it can. Steps go strictly in order
 * (request → approval → stop notice with its link → cancelled on the platform → closure filed).
 */
/** Why a closure step or its withdrawal is refused: the kind of refusal (who may not, or not now) and why. */
export interface ClosureRefusal {
  kind: Extract<RefusalKind, 'forbidden' | 'conflict'>;
  message: string;
}

const conflict = (message: string): ClosureRefusal => ({ kind: 'conflict', message });

export function closureStepRefusal(
  account: { status: AccountStatus; closure: Pick<ClosureRecord, 'step'>[] },
  step: ClosureStep,
  roles: ClosureRole[],
  url: string,
): ClosureRefusal | null {
  if (account.status === 'closed') return conflict('该账号已关停备案，关停流程已完成');
  if (account.status === 'applying' || account.status === 'rejected') return conflict('该账号尚未开办，无需关停');
  const next = nextClosureStep(account.closure);
  if (next !== step) {
    const done = closureSteps.indexOf(step) < account.closure.length;
    return conflict(
      done
        ? `“${closureStepWords[step]}”已办理`
        : `请先完成“${closureStepWords[next ?? 'filed']}”，关停须按 申请关停 → 批准关停 → 发布停更公告 → 平台注销 → 关停备案 的顺序办理`,
    );
  }
  if (!closureStepRoles[step].some((role) => roles.includes(role))) {
    return {
      kind: 'forbidden',
      message:
        step === 'approved' || step === 'filed'
          ? `只有归口管理部门的管理员可以${closureStepWords[step]}`
          : `只有管理员或该账号的分管领导、后台管理员可以${closureStepWords[step]}`,
    };
  }
  if (step === 'stop-notice-published' && !/^https?:\/\/\S+$/i.test(url)) {
    return conflict('请附上停更公告的链接，例如：停更公告 账号名 https://…');
  }
  return null;
}

/**
 * Why the pending closure request cannot be withdrawn by this actor; null when it can. Only a request not
 * yet approved can be withdrawn, by whoever made it or by an admin; the account then simply runs on.
 */
export function closureWithdrawalRefusal(
  account: { status: AccountStatus; closure: (Pick<ClosureRecord, 'step'> & { byId: { toString(): string } })[] },
  actor: { personId: string; roles: ClosureRole[] },
): ClosureRefusal | null {
  if (account.status === 'closed') return conflict('该账号已关停备案，关停流程已完成，不能撤回');
  if (account.status !== 'closing' || account.closure.length === 0) {
    return conflict('该账号没有待批准的关停申请，无需撤回');
  }
  if (account.closure.length > 1) {
    return conflict('关停已获归口管理部门批准，不能再撤回申请；如确需继续运行，请重新办理开办申请');
  }
  const requester = account.closure[0].byId.toString() === actor.personId;
  if (!requester && !actor.roles.includes('admin')) {
    return { kind: 'forbidden', message: '只有提出关停申请的人或管理员可以撤回关停申请' };
  }
  return null;
}

/** The account status after `step`. */
export function statusAfterClosureStep(step: ClosureStep): AccountStatus {
  return step === 'filed' ? 'closed' : 'closing';
}

/** Drafts go to accounts that run; once the closure is approved the account takes none (R4). */
export function draftRefusal(account: {
  status: AccountStatus;
  closure: Pick<ClosureRecord, 'step'>[];
}): string | null {
  if (account.status === 'active') return null;
  if (account.status === 'closing' && account.closure.length === 1) return null;
  return `该账号${accountStatusWords[account.status]}${account.status === 'closing' ? '（已批准关停）' : ''}，不能再投稿`;
}

/** Certification reminders go out this many days before the certification expires. */
export const certificationReminderDays = [90, 30, 7] as const;

/**
 * The reminder due on `today` (calendar dates): the latest of the days `daysBefore` the expiry that is
 * not after today, while the certification has not expired. A reminder missed (downtime, a late entry)
 * is therefore still sent, and only the latest one.
 */
export function dueCertificationReminder(
  expiresOn: string,
  today: string,
  addDays: (calendarDate: string, days: number) => string,
  daysBefore: readonly number[] = certificationReminderDays,
): { day: string; daysBefore: number } | null {
  if (today >= expiresOn) return null;
  const due = [...daysBefore]
    .sort((left, right) => left - right)
    .map((days) => ({ day: addDays(expiresOn, -days), daysBefore: days }))
    .find((reminder) => reminder.day <= today);
  return due ?? null;
}
