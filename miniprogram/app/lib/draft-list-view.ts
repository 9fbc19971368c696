/** Rows of the drafts list and the filters it offers. */
import type { DraftListItem, DraftStatusName } from '../../../src/shared/contracts';
import { formatDate, formatTime, statusNames, statusOrder } from './format';

export interface StatusFilter {
  value: DraftStatusName | '';
  text: string;
}

export const statusFilters: StatusFilter[] = [
  { value: '', text: '全部' },
  ...statusOrder.map((status) => ({ value: status, text: statusNames[status] })),
];

/** How far back the last change may lie, in days; '' for any time. */
export const periodFilters = [
  { value: '', text: '全部时间' },
  { value: '7', text: '7 天内' },
  { value: '30', text: '30 天内' },
  { value: '365', text: '一年内' },
];

/** The `from` bound (a date in Asia/Shanghai) of a period filter, counted back from `now`. */
export function periodStart(days: string, now: number): string | undefined {
  return days ? formatDate(new Date(now - Number(days) * 24 * 60 * 60 * 1000).toISOString()) : undefined;
}

export function toDraftRow(draft: DraftListItem) {
  const pending = draft.pendingApprovers.map((person) => person.name).join('、');
  return {
    id: draft.id,
    code: draft.code,
    title: draft.title || '（无标题）',
    status: draft.status,
    statusText: statusNames[draft.status],
    unitName: draft.unit.name,
    submitterName: draft.submitter.name || '（已离职）',
    versionText: draft.currentVersion > 1 ? `第 ${draft.currentVersion} 版` : '',
    stepText:
      draft.status === 'in_review' && draft.currentStep !== null
        ? `第 ${draft.currentStep}/${draft.stepCount} 步${pending ? `，待 ${pending}` : ''}`
        : '',
    updatedText: formatTime(draft.updatedAt),
  };
}

export type DraftRow = ReturnType<typeof toDraftRow>;
