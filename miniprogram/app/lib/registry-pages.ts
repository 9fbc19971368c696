/**
 * What the registry pages (账号台账, 账号详情, 年审看板) share: they are for admins only (the routes
 * answer others 404), and they read whole registry-sized lists to filter on the phone.
 */
import type { AnnualReviewView } from '../../../src/shared/contracts';
import { api, currentPerson } from './api';
import { readAllPages } from './cursor-list';
import { adminOnlyText, isAdmin } from './navigation';

interface RegistryPage {
  setData(data: { status: 'empty'; emptyText: string }): void;
  load(): Promise<void>;
}

/** Loads the page for an admin; anyone else is told who the page is for instead of getting a refusal. */
export function loadForAdmin(page: RegistryPage): void {
  if (!isAdmin(currentPerson())) {
    page.setData({ status: 'empty', emptyText: adminOnlyText });
    return;
  }
  void page.load();
}

/** The current cycle's annual reviews; with `accountId`, that account's reviews of every year. */
export function readAllAnnualReviews(accountId?: string): Promise<AnnualReviewView[]> {
  return readAllPages(async (cursor) => {
    const page = await api.annualReviews({ ...(accountId ? { accountId } : {}), cursor, limit: 100 });
    return { items: page.reviews, nextCursor: page.nextCursor };
  });
}
