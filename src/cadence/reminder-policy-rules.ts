/**
 * Reminder settings per unit, pure: the nearest unit up the tree that has its own settings decides,
 * else the configured defaults. Nothing here ever approves anything: nudges only remind and escalate.
 */
import { parseMinuteOfDay } from '../shared/wall-clock';
import type { WorkingHours } from './calendar-rules';

/** calendar-days: the national rule (a holiday is no excuse); working-days: for provinces that exempt holidays. */
export const baselineCountings = ['calendar-days', 'working-days'] as const;
export type BaselineCounting = (typeof baselineCountings)[number];

export interface ReminderPolicy {
  /** Remind the approver after this many working hours pending (default 4). */
  remindAfterWorkingHours: number;
  /** Escalate to the backup approver or the unit's admins after this many (default 8). */
  escalateAfterWorkingHours: number;
  /** "08:30" */
  workdayStart: string;
  /** "18:00" */
  workdayEnd: string;
  baselineCounts: BaselineCounting;
}

export const defaultReminderPolicy: ReminderPolicy = Object.freeze({
  remindAfterWorkingHours: 4,
  escalateAfterWorkingHours: 8,
  workdayStart: '08:30',
  workdayEnd: '18:00',
  baselineCounts: 'calendar-days',
});

/** Why a policy cannot be used, in Chinese; null when it can. */
export function checkReminderPolicy(policy: ReminderPolicy): string | null {
  const start = parseMinuteOfDay(policy.workdayStart);
  const end = parseMinuteOfDay(policy.workdayEnd);
  if (start === null || end === null) return '工作时间应写成 08:30、18:00 这样的形式';
  if (end <= start) return '下班时间应晚于上班时间';
  const { remindAfterWorkingHours: remind, escalateAfterWorkingHours: escalate } = policy;
  if (!(remind > 0 && remind <= 200)) return '提醒时限应为 0 到 200 个工作小时之间';
  if (!(escalate > remind && escalate <= 400)) return '升级催办时限应大于提醒时限，且不超过 400 个工作小时';
  if (!baselineCountings.includes(policy.baselineCounts)) return '更新基线的计数方式只能是自然日或工作日';
  return null;
}

export function workingHoursOf(policy: ReminderPolicy): WorkingHours {
  return {
    startMinute: parseMinuteOfDay(policy.workdayStart) ?? 510,
    endMinute: parseMinuteOfDay(policy.workdayEnd) ?? 1080,
  };
}

/** The policy for a unit: its own, else its nearest ancestor's (ancestors listed root first), else `fallback`. */
export function resolveReminderPolicy(
  unit: { id: string; ancestorIds: readonly string[] },
  policies: ReadonlyMap<string, ReminderPolicy>,
  fallback: ReminderPolicy,
): ReminderPolicy {
  for (const id of [unit.id, ...[...unit.ancestorIds].reverse()]) {
    const policy = policies.get(id);
    if (policy) return policy;
  }
  return fallback;
}
