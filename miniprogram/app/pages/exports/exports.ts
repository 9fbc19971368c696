/**
 * Exports for admins: the drafts with their decisions, or the audit trail, for a date range, and the
 * 留言台账 of a month (R8), as Excel files the admin opens on the phone and forwards or saves from
 * WeChat's document viewer.
 */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { formatDate } from '../../lib/format';
import { monthText } from '../../lib/inquiry-list-view';

type ExportKind = 'drafts' | 'audit' | 'inquiries';

Component({
  data: {
    today: '',
    from: '',
    until: '',
    /** The 留言台账's month, "2026-11". */
    month: '',
    monthText: '',
    thisMonth: '',
    busy: '' as ExportKind | '',
    errorMessage: '',
    /** The export the message is about, shown in its own card. */
    errorKind: '' as ExportKind | '',
  },
  methods: {
    onLoad() {
      const today = formatDate(new Date().toISOString());
      // The month so far: what an inspection usually asks for first.
      const month = today.slice(0, 7);
      this.setData({
        today,
        from: `${today.slice(0, 8)}01`,
        until: today,
        month,
        thisMonth: month,
        monthText: monthText(month),
      });
    },

    onPickMonth(event: WechatMiniprogram.PickerChange) {
      const month = String(event.detail.value).slice(0, 7);
      this.setData({ month, monthText: monthText(month), errorMessage: '' });
    },

    onPick(event: WechatMiniprogram.PickerChange) {
      const field = event.currentTarget.dataset.field as 'from' | 'until';
      this.setData({ [field]: String(event.detail.value), errorMessage: '' });
    },

    async onExport(event: WechatMiniprogram.TouchEvent) {
      if (this.data.busy) return;
      const kind = event.currentTarget.dataset.kind as ExportKind;
      const { from, until } = this.data;
      if (kind !== 'inquiries' && until < from) {
        this.setData({ errorMessage: '结束日期不能早于开始日期', errorKind: kind });
        return;
      }
      this.setData({ busy: kind, errorMessage: '' });
      try {
        const filePath =
          kind === 'inquiries'
            ? await api.downloadInquiryLedger({ month: this.data.month, format: 'xlsx' })
            : await api.downloadExport(kind, { from, to: until, format: 'xlsx' });
        await wx.openDocument({ filePath, fileType: 'xlsx', showMenu: true });
      } catch (error) {
        this.setData({ errorMessage: messageOf(error), errorKind: kind });
      } finally {
        this.setData({ busy: '' });
      }
    },
  },
});
