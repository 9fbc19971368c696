/**
 * One account's 考核自查 report (R10) at a 监测日期: its status and score, the first thing to fix, and
 * each indicator line — 单项否决 or 扣分项, the value in words, the status, the clause it comes from and
 * the next step — with the records behind it: a draft opens its detail, an 留言 its detail, the others
 * are named with their date. Opened from the 考核自查 ranking with `id` and, for a past day, `date`.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { openDraft, openInquiry } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { toAccountReportView } from '../../lib/readiness-view';
import type { AccountReportView } from '../../lib/readiness-view';

Component({
  behaviors: [reloadBehavior],
  data: {
    id: '',
    /** The 监测日期 asked for; '' for today. */
    date: '',
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    view: null as AccountReportView | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const date = decodeURIComponent(query.date ?? '');
      this.setData({ id: decodeURIComponent(query.id ?? ''), date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '' });
      void this.load();
    },

    async load(showLoading = true) {
      const { id, date } = this.data;
      if (!id) {
        this.setData({ status: 'error', errorMessage: '缺少账号编号' });
        return;
      }
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const view = toAccountReportView(await api.accountReadiness(id, date ? { date } : {}));
        void wx.setNavigationBarTitle({ title: view.name });
        this.setData({ status: 'ready', view });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    onOpenEvidence(event: WechatMiniprogram.TouchEvent) {
      const { opens, id } = event.currentTarget.dataset as { opens: string; id: string };
      if (opens === 'draft') openDraft(id);
      else if (opens === 'inquiry') openInquiry(id);
    },
  },
});
