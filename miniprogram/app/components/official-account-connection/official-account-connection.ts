/**
 * The 公众号连接 card of a 微信公众号 account's detail (admins): the connection's state, the settings
 * that may be shown, which secrets are set, the server URL to enter in the back office and the last
 * test; a form to fill in or change the connection (secrets write-only: empty fields keep the stored
 * ones, typed ones are dropped from the page once saved), then a test; a test on demand; removal.
 */
import type { ConnectionView } from '../../../../src/shared/contracts';
import { api, apiBaseUrl } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import {
  emptyConnectionForm,
  openConnectionForm,
  toConnectionDisplay,
  toConnectionSettings,
} from '../../lib/connection-view';
import type { ConnectionDisplay, ConnectionForm } from '../../lib/connection-view';
import { confirmAction, runAction, toast } from '../../lib/wechat';
import { cardLoadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [cardLoadBehavior],
  properties: {
    accountId: { type: String, value: '' },
  },
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    connection: null as ConnectionView | null,
    display: null as ConnectionDisplay | null,
    formOpen: false,
    form: emptyConnectionForm,
    formError: '',
    busy: false,
  },
  methods: {
    async load() {
      this.setData({ status: 'loading' });
      try {
        this.show(await api.connection(this.data.accountId));
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    show(connection: ConnectionView) {
      this.setData({ status: 'ready', connection, display: toConnectionDisplay(connection, apiBaseUrl()) });
    },

    onOpenForm() {
      if (!this.data.connection) return;
      this.setData({ formOpen: true, form: openConnectionForm(this.data.connection), formError: '' });
    },

    onCloseForm() {
      this.setData({ formOpen: false, form: emptyConnectionForm, formError: '' });
    },

    onAutoPublish(event: WechatMiniprogram.SwitchChange) {
      this.setData({ 'form.autoPublish': event.detail.value, formError: '' });
    },

    onInput(event: WechatMiniprogram.Input) {
      const field = event.currentTarget.dataset.field as keyof ConnectionForm;
      this.setData({ [`form.${field}`]: event.detail.value, formError: '' });
    },

    /** Saves, then tests what was saved; a refusal stays in the form to be fixed. */
    async onSave() {
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '' });
      try {
        const saved = await api.setConnection(this.data.accountId, toConnectionSettings(this.data.form));
        this.setData({ formOpen: false, form: emptyConnectionForm });
        this.show(saved);
      } catch (error) {
        this.setData({ busy: false, formError: messageOf(error) });
        return;
      }
      await this.runTest();
    },

    async onTest() {
      if (this.data.busy) return;
      this.setData({ busy: true });
      await this.runTest();
    },

    async runTest() {
      try {
        const tested = await api.testConnection(this.data.accountId);
        this.show(tested);
        toast(
          tested.state === 'connected' ? '已连接' : '连接失败，原因见“最近测试”',
          tested.state === 'connected' ? 'success' : 'none',
        );
      } catch (error) {
        toast(messageOf(error));
      }
      this.setData({ busy: false });
    },

    async onRemove() {
      if (this.data.busy) return;
      const confirmed = await confirmAction(
        '删除公众号连接',
        '删除后不能再从审发发布到该公众号，也不再受理它的推送；已保存的 AppSecret、Token 和 EncodingAESKey 一并删除。确认删除？',
        '删除',
      );
      if (!confirmed) return;
      this.setData({ busy: true });
      const removed = await runAction(() => api.removeConnection(this.data.accountId), '已删除连接');
      if (removed) this.show(removed);
      this.setData({ busy: false });
    },

    onCopyPushUrl() {
      if (this.data.display) void wx.setClipboardData({ data: this.data.display.pushUrl });
    },
  },
});
