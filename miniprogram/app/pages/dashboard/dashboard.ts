/**
 * The dashboard for admins and leaders: drafts by status, approval turnaround per unit (median and p90)
 * as charts, the drafts waiting longest, this month's 留言 figures (R8, a card that loads its own), what
 * the connected 公众号 published and whether it was approved (发布核验, R10), and the accounts at risk
 * (cadence, annual review, certification, interaction), each opening its registry entry for admins, and
 * the way into 考核自查 (R10).
 */
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toDashboardView } from '../../lib/dashboard-view';
import type { DashboardView } from '../../lib/dashboard-view';
import { isAdmin, menuFor, openAccount, openDraft, pages } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    menu: menuFor(null),
    /** The registry is admin-only: leaders see the risks without a link. */
    canOpenAccounts: false,
    view: null as DashboardView | null,
  },
  methods: {
    onLoad() {
      const person = currentPerson();
      this.setData({ menu: menuFor(person), canOpenAccounts: isAdmin(person) });
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

    onOpenAccount(event: WechatMiniprogram.TouchEvent) {
      if (this.data.canOpenAccounts) openAccount(event.currentTarget.dataset.id as string);
    },

    onCopyLink(event: WechatMiniprogram.TouchEvent) {
      // Mini-programs cannot open outside links; copying lets the admin paste it into a browser.
      void wx.setClipboardData({ data: event.currentTarget.dataset.url as string });
    },

    onOpenReadiness() {
      void wx.navigateTo({ url: pages.readiness });
    },

    onOpenDraft(event: WechatMiniprogram.TouchEvent) {
      openDraft(event.currentTarget.dataset.code as string);
    },
  },
});
