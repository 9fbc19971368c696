/**
 * The dashboard's 留言 card (R8): this month's 留言数, 答复率, 按期答复率 and the open ones past their
 * promised date, from GET /inquiries/figures over the viewer's scope; it opens the 留言 list, the
 * overdue figure the overdue ones.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { currentMonth, toInquiryFiguresCard } from '../../lib/inquiry-list-view';
import type { InquiryFiguresCard } from '../../lib/inquiry-list-view';
import { pages } from '../../lib/navigation';
import { cardLoadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [cardLoadBehavior],
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    card: null as InquiryFiguresCard | null,
  },
  methods: {
    async load() {
      this.setData({ status: 'loading' });
      try {
        this.setData({ status: 'ready', card: toInquiryFiguresCard(await api.inquiryFigures(currentMonth())) });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    onOpenList() {
      void wx.navigateTo({ url: pages.inquiries });
    },

    onOpenFigure(event: WechatMiniprogram.TouchEvent) {
      const key = event.currentTarget.dataset.key as string;
      const month = this.data.card?.month ?? currentMonth();
      const url = key === 'overdue' ? `${pages.inquiries}?overdue=true` : `${pages.inquiries}?month=${month}`;
      void wx.navigateTo({ url });
    },
  },
});
