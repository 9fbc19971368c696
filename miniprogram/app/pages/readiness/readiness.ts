/**
 * 考核自查 (R10): the units in the viewer's scope ranked worst first by the inspection indicators — each
 * with its status, how many accounts fail, are at risk or pass, and its lowest score — at a 监测日期
 * (today unless a past day is picked). Tapping a unit shows its accounts with their status, score and
 * the first thing to fix; tapping an account opens its report. Opened from the dashboard.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { today } from '../../lib/format';
import { openReadinessAccount } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { monitoringDateText, readinessQuery, toReadinessOverviewView } from '../../lib/readiness-view';
import type { ReadinessOverviewView } from '../../lib/readiness-view';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'empty' | 'error' | 'ready',
    errorMessage: '',
    today: '',
    /** The 监测日期, "2026-11-27". */
    date: '',
    dateText: '',
    view: null as ReadinessOverviewView | null,
    /** The unit whose accounts are shown ('' for none). */
    openUnitId: '',
  },
  methods: {
    onLoad() {
      const day = today();
      this.setData({ today: day, date: day, dateText: monitoringDateText(day, day) });
      void this.load();
    },

    async load(showLoading = true) {
      if (showLoading) this.setData({ status: 'loading' });
      const { date } = this.data;
      try {
        const view = toReadinessOverviewView(await api.readiness(readinessQuery(date, this.data.today)));
        // The worst unit opens by itself, so its accounts are one look away.
        const keep = view.units.some((unit) => unit.id === this.data.openUnitId);
        this.setData({
          status: view.units.length ? 'ready' : 'empty',
          view,
          openUnitId: keep ? this.data.openUnitId : (view.units[0]?.id ?? ''),
        });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    onDate(event: WechatMiniprogram.PickerChange) {
      const date = String(event.detail.value);
      this.setData({ date, dateText: monitoringDateText(date, this.data.today) });
      void this.load();
    },

    onToday() {
      this.setData({ date: this.data.today, dateText: monitoringDateText(this.data.today, this.data.today) });
      void this.load();
    },

    onToggleUnit(event: WechatMiniprogram.TouchEvent) {
      const id = event.currentTarget.dataset.id as string;
      this.setData({ openUnitId: this.data.openUnitId === id ? '' : id });
    },

    onOpenAccount(event: WechatMiniprogram.TouchEvent) {
      const { date, today: day } = this.data;
      openReadinessAccount(event.currentTarget.dataset.id as string, date === day ? '' : date);
    },
  },
});
