/**
 * The dashboard for admins and leaders: drafts by status, approval turnaround per unit (median and p90)
 * as charts, the drafts waiting longest, and accounts at risk once the registry reports them.
 */
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toDashboardView } from '../../lib/dashboard-view';
import type { DashboardView } from '../../lib/dashboard-view';
import { menuFor, openDraft } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    menu: menuFor(null),
    view: null as DashboardView | null,
  },
  methods: {
    onLoad() {
      this.setData({ menu: menuFor(currentPerson()) });
      void this.load();
    },

    async load(showLoading = true) {
      if (showLoading) this.setData({ status: 'loading' });
      try {
        this.setData({ status: 'ready', view: toDashboardView(await api.dashboard()) });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    onMenu(event: WechatMiniprogram.TouchEvent) {
      void wx.navigateTo({ url: event.currentTarget.dataset.url as string });
    },

    onOpenDraft(event: WechatMiniprogram.TouchEvent) {
      openDraft(event.currentTarget.dataset.code as string);
    },
  },
});
