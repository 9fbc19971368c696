/** Where each role starts, and the page paths in one place. */
import type { SessionPerson } from '../../../src/shared/contracts';

export const pages = {
  login: '/pages/login/login',
  dashboard: '/pages/dashboard/dashboard',
  drafts: '/pages/drafts/drafts',
  draftDetail: '/pages/draft-detail/draft-detail',
  people: '/pages/people/people',
  units: '/pages/units/units',
  routes: '/pages/routes/routes',
  accounts: '/pages/accounts/accounts',
  accountDetail: '/pages/account-detail/account-detail',
  annualReviews: '/pages/annual-reviews/annual-reviews',
  exports: '/pages/exports/exports',
  inquiries: '/pages/inquiries/inquiries',
  inquiryDetail: '/pages/inquiry-detail/inquiry-detail',
  readiness: '/pages/readiness/readiness',
  readinessAccount: '/pages/readiness-account/readiness-account',
} as const;

/** Admins and leaders start on the dashboard; officers on their own drafts. */
export function homePath(person: SessionPerson): string {
  return person.roles.includes('admin') || person.roles.includes('leader') ? pages.dashboard : pages.drafts;
}

export const isAdmin = (person: SessionPerson | null): boolean => Boolean(person?.roles.includes('admin'));

export function openDraft(reference: string): void {
  void wx.navigateTo({ url: `${pages.draftDetail}?reference=${encodeURIComponent(reference)}` });
}

export function openInquiry(id: string): void {
  void wx.navigateTo({ url: `${pages.inquiryDetail}?id=${encodeURIComponent(id)}` });
}

/** One account's 考核自查 report at the 监测日期 (empty for today). */
export function openReadinessAccount(accountId: string, date: string): void {
  const day = date ? `&date=${encodeURIComponent(date)}` : '';
  void wx.navigateTo({ url: `${pages.readinessAccount}?id=${encodeURIComponent(accountId)}${day}` });
}

export function openAccount(accountId: string): void {
  void wx.navigateTo({ url: `${pages.accountDetail}?id=${encodeURIComponent(accountId)}` });
}

/** The registry and annual review are admin routes (others get 404): their pages say so instead of failing. */
export const adminOnlyText = '仅管理员可见：账号台账与年审由归口管理部门的管理员办理。';

export interface MenuEntry {
  text: string;
  url: string;
}

/**
 * The dashboard's shortcuts: everyone sees drafts and the 留言 in their scope, admins also the
 * organisation pages and the registry.
 */
export function menuFor(person: SessionPerson | null): MenuEntry[] {
  const entries: MenuEntry[] = [
    { text: isAdmin(person) ? '全部稿件' : '稿件', url: pages.drafts },
    { text: '留言', url: pages.inquiries },
  ];
  if (isAdmin(person)) {
    entries.push(
      { text: '人员', url: pages.people },
      { text: '单位', url: pages.units },
      { text: '审核路线', url: pages.routes },
      { text: '账号台账', url: pages.accounts },
      { text: '年审', url: pages.annualReviews },
      { text: '导出记录', url: pages.exports },
    );
  }
  return entries;
}
