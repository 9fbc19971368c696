/**
 * The 留言 list (R8): the public inquiries in the viewer's scope, newest first, with status, 逾期 and month
 * filters; pull-down refresh; the next page fetched with the API's cursor near the bottom. Opened from the
 * dashboard (its menu and 留言 card, which may pass `overdue=true` or `month=2026-11`) and from an
 * officer's drafts page. 登记留言 opens the form for one received elsewhere (components/inquiry-registration);
 * once registered, the list reloads and the new inquiry's detail opens.
 */
import { api } from '../../lib/api';
import { initialListData, reloadList } from '../../lib/cursor-list';
import type { RowPage } from '../../lib/cursor-list';
import { cursorListBehavior } from '../../lib/page-behaviors';
import {
  currentMonth,
  inquiryListQuery,
  inquiryStatusFilters,
  monthText,
  toInquiryRow,
} from '../../lib/inquiry-list-view';
import type { InquiryRow, InquiryStatusName } from '../../lib/inquiry-list-view';
import { openInquiry } from '../../lib/navigation';

Component({
  behaviors: [cursorListBehavior],
  data: {
    ...initialListData<InquiryRow>(),
    statusFilters: inquiryStatusFilters,
    status: '' as InquiryStatusName | '',
    overdueOnly: false,
    month: '',
    monthText: '全部月份',
    thisMonth: '',
    /** The 登记留言 form is open. */
    registering: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const month = /^\d{4}-\d{2}$/.test(query.month ?? '') ? (query.month as string) : '';
      this.setData({
        thisMonth: currentMonth(),
        overdueOnly: query.overdue === 'true',
        month,
        monthText: month ? monthText(month) : '全部月份',
      });
      void this.load();
    },

    onStatusFilter(event: WechatMiniprogram.TouchEvent) {
      this.setData({ status: event.currentTarget.dataset.status as InquiryStatusName | '' });
      void this.load();
    },

    onOverdueFilter() {
      this.setData({ overdueOnly: !this.data.overdueOnly });
      void this.load();
    },

    onMonthFilter(event: WechatMiniprogram.PickerChange) {
      const month = String(event.detail.value).slice(0, 7);
      this.setData({ month, monthText: monthText(month) });
      void this.load();
    },

    onAllMonths() {
      this.setData({ month: '', monthText: '全部月份' });
      void this.load();
    },

    onOpenRegistration() {
      this.setData({ registering: true });
    },

    onCloseRegistration() {
      this.setData({ registering: false });
    },

    onRegistered(event: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.setData({ registering: false });
      void this.load(false);
      openInquiry(event.detail.id);
    },

    onOpenInquiry(event: WechatMiniprogram.TouchEvent) {
      openInquiry(event.currentTarget.dataset.id as string);
    },

    load(showLoading = true) {
      return reloadList(this, (cursor) => this.fetchPage(cursor), showLoading);
    },

    async fetchPage(cursor?: string): Promise<RowPage<InquiryRow>> {
      const { status, overdueOnly, month } = this.data;
      const page = await api.inquiries(inquiryListQuery({ status, overdueOnly, month }, cursor));
      return { rows: page.items.map(toInquiryRow), nextCursor: page.nextCursor };
    },
  },
});
