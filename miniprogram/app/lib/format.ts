/**
 * Display helpers. Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving), done
 * by hand because Intl time zones are not available on every WeChat runtime.
 */
import type { DraftStatusName, RoleName } from '../../../src/shared/contracts';

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** 2026-11-27 09:05 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const local = new Date(time + shanghaiOffsetMs);
  const date = `${local.getUTCFullYear()}-${twoDigits(local.getUTCMonth() + 1)}-${twoDigits(local.getUTCDate())}`;
  return `${date} ${twoDigits(local.getUTCHours())}:${twoDigits(local.getUTCMinutes())}`;
}

/** 2026-11-27 */
export function formatDate(iso: string | null | undefined): string {
  return formatTime(iso).slice(0, 10);
}

/** Today's date in Asia/Shanghai, "2026-11-27". */
export function today(now = Date.now()): string {
  return formatDate(new Date(now).toISOString());
}

/** 45 分钟 · 3 小时 20 分 · 2 天 5 小时 */
export function formatDuration(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return `${total} 分钟`;
  const hours = Math.floor(total / 60);
  if (hours < 24) return total % 60 ? `${hours} 小时 ${total % 60} 分` : `${hours} 小时`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} 天 ${hours % 24} 小时` : `${days} 天`;
}

/** The first 8 hex digits: enough to compare a version with its approval on a phone. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 8) : '';
}

export const statusNames: Record<DraftStatusName, string> = {
  in_review: '审核中',
  approved: '已同意',
  published: '已发布',
  rejected: '已驳回',
  withdrawn: '已撤回',
};

export const statusOrder: DraftStatusName[] = ['in_review', 'approved', 'published', 'rejected', 'withdrawn'];

export const roleNames: Record<RoleName, string> = { officer: '信息员', leader: '审核领导', admin: '管理员' };

/** 管理员 · 审核领导 */
export function formatRoles(roles: RoleName[]): string {
  return roles.map((role) => roleNames[role]).join(' · ');
}

/** 1.2 MB · 340 KB */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
