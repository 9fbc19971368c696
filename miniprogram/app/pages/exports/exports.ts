/**
 * Exports for admins: the drafts with their decisions, or the audit trail, for a date range, as Excel
 * files the admin opens on the phone and forwards or saves from WeChat's document viewer.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { formatDate } from '../../lib/format';

type ExportKind = 'drafts' | 'audit';

Component({
  data: {
    today: '',
    from: '',
    until: '',
    busy: '' as ExportKind | '',
    errorMessage: '',
  },
  methods: {
    onLoad() {
      const today = formatDate(new Date().toISOString());
      // The month so far: what an inspection usually asks for first.
      this.setData({ today, from: `${today.slice(0, 8)}01`, until: today });
    },

    onPick(event: WechatMiniprogram.PickerChange) {
      const field = event.currentTarget.dataset.field as 'from' | 'until';
      this.setData({ [field]: String(event.detail.value), errorMessage: '' });
    },

    async onExport(event: WechatMiniprogram.TouchEvent) {
      if (this.data.busy) return;
      const kind = event.currentTarget.dataset.kind as ExportKind;
      const { from, until } = this.data;
      if (until < from) {
        this.setData({ errorMessage: '结束日期不能早于开始日期' });
        return;
      }
      this.setData({ busy: kind, errorMessage: '' });
      try {
        const filePath = await api.downloadExport(kind, { from, to: until, format: 'xlsx' });
        await wx.openDocument({ filePath, fileType: 'xlsx', showMenu: true });
      } catch (error) {
        this.setData({ errorMessage: messageOf(error) });
      } finally {
        this.setData({ busy: '' });
      }
    },
  },
});
