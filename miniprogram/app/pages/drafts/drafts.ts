/**
 * The drafts list: status and last-change chips, title search and (for admins) a unit picker; pull-down
 * refresh; the next page is fetched with the API's cursor when the list nears its bottom. Officers see
 * only their own drafts (the API scopes the list), and this is their home page, with the way to their
 * units' 留言.
 */
import type { DraftStatusName, UnitView } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { initialListData, reloadList } from '../../lib/cursor-list';
import type { RowPage } from '../../lib/cursor-list';
import { cursorListBehavior } from '../../lib/page-behaviors';
import { periodFilters, periodStart, statusFilters, toDraftRow } from '../../lib/draft-list-view';
import type { DraftRow } from '../../lib/draft-list-view';
import { isAdmin, openDraft, pages } from '../../lib/navigation';

Component({
  behaviors: [cursorListBehavior],
  data: {
    ...initialListData<DraftRow>(),
    isHome: false,
    statusFilters,
    status: '' as DraftStatusName | '',
    periodFilters,
    period: '',
    query: '',
    units: [] as UnitView[],
    unitNames: ['全部单位'],
    unitIndex: 0,
    emptyText: '没有符合条件的稿件',
  },
  methods: {
    onLoad() {
      const person = currentPerson();
      const ownOnly = !person || (!person.roles.includes('admin') && !person.roles.includes('leader'));
      this.setData({ isHome: ownOnly, emptyText: ownOnly ? '您还没有投稿' : '没有符合条件的稿件' });
      if (ownOnly) void wx.setNavigationBarTitle({ title: '我的稿件' });
      // Units are an admin route; leaders see their units' drafts without the picker.
      if (isAdmin(person)) void this.loadUnits();
      void this.load();
    },

    onStatusFilter(event: WechatMiniprogram.TouchEvent) {
      this.setData({ status: event.currentTarget.dataset.status as DraftStatusName | '' });
      void this.load();
    },

    onPeriodFilter(event: WechatMiniprogram.TouchEvent) {
      this.setData({ period: event.currentTarget.dataset.period as string });
      void this.load();
    },

    onSearch(event: WechatMiniprogram.Input) {
      this.setData({ query: event.detail.value.trim() });
      void this.load();
    },

    onUnitFilter(event: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(event.detail.value) });
      void this.load();
    },

    onOpenInquiries() {
      void wx.navigateTo({ url: pages.inquiries });
    },

    onOpenDraft(event: WechatMiniprogram.TouchEvent) {
      openDraft(event.currentTarget.dataset.code as string);
    },

    async loadUnits() {
      try {
        const units = (await api.units()).items;
        this.setData({ units, unitNames: ['全部单位', ...units.map((unit) => unit.name)] });
      } catch {
        // The unit filter is optional; the list works without it.
      }
    },

    load(showLoading = true) {
      return reloadList(this, (cursor) => this.fetchPage(cursor), showLoading);
    },

    async fetchPage(cursor?: string): Promise<RowPage<DraftRow>> {
      const unit = this.data.unitIndex > 0 ? this.data.units[this.data.unitIndex - 1] : undefined;
      const page = await api.drafts({
        status: this.data.status || undefined,
        q: this.data.query || undefined,
        unitId: unit?.id,
        from: periodStart(this.data.period, Date.now()),
        limit: 20,
        cursor,
      });
      return { rows: page.items.map(toDraftRow), nextCursor: page.nextCursor };
    },
  },
});
