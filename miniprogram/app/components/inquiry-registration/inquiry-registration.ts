/**
 * The 登记留言 form of the 留言 list (R8): the account (admins pick among the registry's accounts in
 * their scope; others write its name as filed), the citizen's text, and optionally who wrote it, when
 * and its kind. Checked on the phone first (lib/inquiry-registration-view); a refusal of the server
 * shows in the form. Fires `registered` with the new inquiry's id, or `cancel`.
 */
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { readAllPages } from '../../lib/cursor-list';
import { today } from '../../lib/format';
import { inquiryKindOptions } from '../../lib/inquiry-detail-view';
import {
  emptyRegistrationForm,
  toInquiryRegistration,
  toRegistrationAccountOptions,
} from '../../lib/inquiry-registration-view';
import type { AccountOption, RegistrationForm } from '../../lib/inquiry-registration-view';
import { isAdmin } from '../../lib/navigation';
import { cardLoadBehavior } from '../../lib/page-behaviors';
import { toast } from '../../lib/wechat';

Component({
  behaviors: [cardLoadBehavior],
  data: {
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    /** The admin's choice of accounts; null when the account is written by name. */
    accounts: null as AccountOption[] | null,
    form: emptyRegistrationForm as RegistrationForm,
    kindOptions: inquiryKindOptions,
    today: '',
    formError: '',
    saving: false,
  },
  methods: {
    async load() {
      this.setData({ today: today() });
      // Only admins may list accounts (GET /accounts answers others 404).
      if (!isAdmin(currentPerson())) {
        this.setData({ status: 'ready', accounts: null });
        return;
      }
      this.setData({ status: 'loading' });
      try {
        const accounts = await readAllPages(async (cursor) => {
          const page = await api.accounts({ cursor, limit: 100 });
          return { items: page.accounts, nextCursor: page.nextCursor };
        });
        this.setData({ status: 'ready', accounts: toRegistrationAccountOptions(accounts) });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    onInput(event: WechatMiniprogram.Input) {
      const field = event.currentTarget.dataset.field as 'accountName' | 'text' | 'citizenLabel';
      this.setData({ [`form.${field}`]: event.detail.value, formError: '' });
    },

    onPick(event: WechatMiniprogram.PickerChange) {
      const field = event.currentTarget.dataset.field as 'accountIndex' | 'kindIndex' | 'date' | 'time';
      const value = field === 'date' || field === 'time' ? String(event.detail.value) : Number(event.detail.value);
      this.setData({ [`form.${field}`]: value, formError: '' });
    },

    onClearTime() {
      this.setData({ 'form.date': '', 'form.time': '', formError: '' });
    },

    async onSubmit() {
      if (this.data.saving) return;
      const checked = toInquiryRegistration(this.data.form, this.data.accounts, Date.now());
      if ('problem' in checked) {
        this.setData({ formError: checked.problem });
        return;
      }
      this.setData({ saving: true, formError: '' });
      try {
        const inquiry = await api.registerInquiry(checked.body);
        this.setData({ form: emptyRegistrationForm });
        toast(`已登记留言 #${inquiry.code}`, 'success');
        this.triggerEvent('registered', { id: inquiry.id });
      } catch (error) {
        this.setData({ formError: messageOf(error) });
      } finally {
        this.setData({ saving: false });
      }
    },

    onCancel() {
      this.triggerEvent('cancel');
    },
  },
});
