/**
 * The account registry (R4): every account in the admin's scope with its platform, unit, the people in
 * charge and what needs attention — interaction off (a national inspection veto), certification expiring,
 * days since the last (original) post, the annual review. The registry is small, so it is read whole and
 * filtered by status, platform and unit on the phone. Admin routes only: others see why, not an error.
 */
import type { AccountCadenceView, AccountStatusName, AnnualReviewView } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { accountStatusFilters, filterChoices, matchesFilter, toAccountRow } from '../../lib/account-view';
import type { AccountRow } from '../../lib/account-view';
import { readAllPages } from '../../lib/cursor-list';
import { today } from '../../lib/format';
import { isAdmin, openAccount, pages } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { loadForAdmin, readAllAnnualReviews } from '../../lib/registry-pages';

/** Figures the registry shows beside each account; the list still shows when they cannot be read. */
async function readOptional<T>(read: () => Promise<T[]>): Promise<T[] | null> {
  try {
    return await read();
  } catch {
    return null;
  }
}

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'empty' | 'error' | 'ready',
    errorMessage: '',
    emptyText: '还没有登记的账号',
    allRows: [] as AccountRow[],
    rows: [] as AccountRow[],
    notice: '',
    statusFilters: accountStatusFilters,
    statusFilter: '' as AccountStatusName | '',
    platforms: [{ value: '', text: '全部平台' }],
    platformIndex: 0,
    units: [{ value: '', text: '全部单位' }],
    unitIndex: 0,
  },
  methods: {
    onLoad() {
      loadForAdmin(this);
    },

    async load(showLoading = true) {
      if (!isAdmin(currentPerson())) return;
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const [accounts, cadence, reviews] = await Promise.all([
          readAllPages(async (cursor) => {
            const page = await api.accounts({ cursor, limit: 100 });
            return { items: page.accounts, nextCursor: page.nextCursor };
          }),
          readOptional<AccountCadenceView>(async () => (await api.cadence()).accounts),
          readOptional<AnnualReviewView>(() => readAllAnnualReviews()),
        ]);
        const figures = {
          cadence: new Map((cadence ?? []).map((view) => [view.accountId, view])),
          reviews: new Map((reviews ?? []).map((review) => [review.account.id, review])),
          today: today(),
        };
        const missing = [cadence ? '' : '更新情况', reviews ? '' : '年审'].filter(Boolean);
        const choices = filterChoices(accounts);
        this.setData({
          allRows: accounts.map((account) => toAccountRow(account, figures)),
          notice: missing.length ? `${missing.join('和')}暂时读取不到，下拉可重试` : '',
          platforms: choices.platforms,
          units: choices.units,
          platformIndex: 0,
          unitIndex: 0,
        });
        this.applyFilter();
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    applyFilter() {
      const filter = {
        status: this.data.statusFilter,
        platform: this.data.platforms[this.data.platformIndex]?.value ?? '',
        unitId: this.data.units[this.data.unitIndex]?.value ?? '',
      };
      const rows = this.data.allRows.filter((row) => matchesFilter(row, filter));
      const filtered = filter.status || filter.platform || filter.unitId;
      this.setData({
        rows,
        status: rows.length ? 'ready' : 'empty',
        emptyText: filtered ? '没有符合条件的账号' : '还没有登记的账号',
      });
    },

    onStatusFilter(event: WechatMiniprogram.TouchEvent) {
      this.setData({ statusFilter: event.currentTarget.dataset.status as AccountStatusName | '' });
      this.applyFilter();
    },

    onPlatformFilter(event: WechatMiniprogram.PickerChange) {
      this.setData({ platformIndex: Number(event.detail.value) });
      this.applyFilter();
    },

    onUnitFilter(event: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(event.detail.value) });
      this.applyFilter();
    },

    onOpenAccount(event: WechatMiniprogram.TouchEvent) {
      openAccount(event.currentTarget.dataset.id as string);
    },

    onOpenBoard() {
      void wx.navigateTo({ url: pages.annualReviews });
    },
  },
});
