/**
 * The 平台巡查 card of a 微信公众号 account's detail (admins, R10): when the sweep last listed what the
 * account published on the platform, how many articles it saw and what it found (未经审核发布 first),
 * and 立即巡查 to sweep now instead of waiting for the daily run.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toSweepCard } from '../../lib/publication-check-view';
import type { SweepCard } from '../../lib/publication-check-view';
import { toast } from '../../lib/wechat';
import { cardLoadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [cardLoadBehavior],
  properties: {
    accountId: { type: String, value: '' },
  },
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    card: null as SweepCard | null,
    sweeping: false,
  },
  methods: {
    async load() {
      this.setData({ status: 'loading' });
      try {
        this.setData({ status: 'ready', card: toSweepCard(await api.accountSweep(this.data.accountId)) });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    /** Sweeps now; the answer replaces the card, a refusal (not connected, platform error) is toasted. */
    async onSweep() {
      if (this.data.sweeping) return;
      this.setData({ sweeping: true });
      try {
        const sweep = await api.sweepAccount(this.data.accountId);
        this.setData({ status: 'ready', card: toSweepCard(sweep) });
        const unapproved = sweep.outcome?.unapproved ?? 0;
        toast(unapproved > 0 ? `发现 ${unapproved} 篇未经审核发布` : '巡查完成', unapproved > 0 ? 'none' : 'success');
      } catch (error) {
        toast(messageOf(error));
      }
      this.setData({ sweeping: false });
    },
  },
});
