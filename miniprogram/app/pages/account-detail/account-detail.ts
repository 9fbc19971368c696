/**
 * One account of the registry: the opening application (申请表) and its decision, filing and every
 * re-filing (who, when, from → to), the closure workflow step by step, and the annual reviews of every
 * year; with the admin actions the API offers — decide an opening, record the filing, re-file a new leader
 * or backend admin, switch the interaction function, register the certification, the next closure step or
 * the withdrawal of a request, an annual review's pass or fail — each confirmed first, the API's reason
 * shown when refused.
 */
import type { AccountView, AnnualReviewView, ClosureStepName, RefilingBody } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toAccountDetail } from '../../lib/account-view';
import type { AccountDetail } from '../../lib/account-view';
import { readAllPages } from '../../lib/cursor-list';
import { today } from '../../lib/format';
import { adminOnlyText, isAdmin } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { loadForAdmin, readAllAnnualReviews } from '../../lib/registry-pages';
import { decideAnnualReview } from '../../lib/review-decision';
import { askText, confirmAction, runAction } from '../../lib/wechat';

/** What each closure step asks for: the stop notice needs its link, the others an optional note. */
const closureQuestions: Record<ClosureStepName, { placeholder: string; required: boolean }> = {
  requested: { placeholder: '请填写关停理由', required: true },
  approved: { placeholder: '说明（可不填）', required: false },
  'stop-notice-published': { placeholder: '请填写停更公告链接 https://…', required: true },
  'platform-cancelled': { placeholder: '说明（可不填）', required: false },
  filed: { placeholder: '说明（可不填）', required: false },
};

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'empty' | 'error' | 'ready',
    errorMessage: '',
    emptyText: adminOnlyText,
    accountId: '',
    account: null as AccountView | null,
    reviews: [] as AnnualReviewView[],
    view: null as AccountDetail | null,
    /** The active people of the account's unit, to pick a re-filing's new leader or admin from. */
    people: [] as Array<{ id: string; label: string }>,
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ accountId: query.id ?? '' });
      loadForAdmin(this);
    },

    async load(showLoading = true) {
      if (!isAdmin(currentPerson())) return;
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const [account, reviews] = await Promise.all([
          api.account(this.data.accountId),
          readAllAnnualReviews(this.data.accountId),
        ]);
        this.show(account, reviews);
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    show(account: AccountView, reviews: AnnualReviewView[]) {
      void wx.setNavigationBarTitle({ title: account.name });
      const view = toAccountDetail(account, reviews, today());
      this.setData({ status: 'ready', account, reviews, view });
      if (!this.data.people.length && view.actions.refile) {
        void this.loadPeople(account.unit.id);
      }
    },

    /** The re-filing pickers appear once the people are read; without them the rest of the page still works. */
    async loadPeople(unitId: string) {
      try {
        const people = await readAllPages((cursor) => api.people({ unitId, active: 'true', cursor, limit: 100 }));
        this.setData({
          people: people.map((person) => ({ id: person.id, label: `${person.name}（${person.title || '未填职务'}）` })),
        });
      } catch {
        this.setData({ people: [] });
      }
    },

    /** Runs one admin action at a time and shows the account it answers. */
    async act(action: () => Promise<AccountView | null>) {
      if (this.data.busy) return;
      this.setData({ busy: true });
      const account = await action();
      this.setData({ busy: false });
      if (account) this.show(account, this.data.reviews);
    },

    onApproveOpening() {
      return this.act(async () => {
        const documentNumber = await askText({
          title: '批准开办',
          placeholder: '批准文号（可不填）',
          confirmText: '批准',
          required: false,
        });
        if (documentNumber === null) return null;
        return runAction(
          () => api.decideOpening(this.data.accountId, { decision: 'approve', documentNumber }),
          '已批准开办',
        );
      });
    },

    onRejectOpening() {
      return this.act(async () => {
        const reason = await askText({
          title: '不批准开办',
          placeholder: '请填写不批准的理由',
          confirmText: '不批准',
          required: true,
        });
        if (reason === null) return null;
        return runAction(() => api.decideOpening(this.data.accountId, { decision: 'reject', reason }), '已不批准');
      });
    },

    onFile() {
      return this.act(async () => {
        if (!(await confirmAction('登记备案', '确认该账号已向主管部门完成开办备案？', '已备案'))) return null;
        return runAction(() => api.fileOpening(this.data.accountId, {}), '已登记备案');
      });
    },

    onClosureStep(event: WechatMiniprogram.TouchEvent) {
      const step = event.currentTarget.dataset.step as ClosureStepName;
      const text = event.currentTarget.dataset.text as string;
      return this.act(async () => {
        const question = closureQuestions[step];
        const answer = await askText({ title: text, ...question, confirmText: '确认办理' });
        if (answer === null) return null;
        const body = step === 'stop-notice-published' ? { step, url: answer } : { step, note: answer };
        return runAction(() => api.advanceClosure(this.data.accountId, body), `已记录：${text}`);
      });
    },

    onWithdrawClosure() {
      return this.act(async () => {
        const note = await askText({
          title: '撤回关停申请',
          placeholder: '撤回说明（可不填）',
          confirmText: '撤回',
          required: false,
        });
        if (note === null) return null;
        return runAction(() => api.withdrawClosure(this.data.accountId, { note }), '已撤回关停申请');
      });
    },

    onInteraction() {
      const enabled = this.data.view?.actions.interaction === 'on';
      return this.act(async () => {
        const confirmed = enabled
          ? await confirmAction('开启互动功能', '确认该账号已在平台开启留言、评论等互动功能？', '已开启')
          : await confirmAction(
              '关闭互动功能',
              '全国政府网站与政务新媒体检查把互动功能关闭视为单项否决，关闭后将提醒分管领导和管理员。确认关闭？',
              '仍要关闭',
            );
        if (!confirmed) return null;
        return runAction(
          () => api.setInteraction(this.data.accountId, { enabled }),
          enabled ? '已登记开启' : '已登记关闭',
        );
      });
    },

    onCertificationDate(event: WechatMiniprogram.PickerChange) {
      const expiresOn = String(event.detail.value);
      return this.act(async () => {
        const content = `该账号已通过平台认证，认证到期日 ${expiresOn}；到期前 90、30、7 天提醒。`;
        if (!(await confirmAction('登记认证到期日', content, '登记'))) return null;
        return runAction(() => api.setCertification(this.data.accountId, { certified: true, expiresOn }), '已登记认证');
      });
    },

    onUncertified() {
      return this.act(async () => {
        if (!(await confirmAction('登记未认证', '确认该账号目前没有平台认证？到期提醒随之取消。', '未认证'))) {
          return null;
        }
        return runAction(
          () => api.setCertification(this.data.accountId, { certified: false, expiresOn: null }),
          '已登记未认证',
        );
      });
    },

    onRefile(event: WechatMiniprogram.PickerChange) {
      const role = event.currentTarget.dataset.role as RefilingBody['role'];
      const person = this.data.people[Number(event.detail.value)];
      if (!person) return undefined;
      const roleWord = role === 'leader' ? '分管领导' : '后台管理员';
      return this.act(async () => {
        const note = await askText({
          title: `${roleWord}变更为${person.label}`,
          placeholder: '请写明变更说明（如职务调整）',
          confirmText: '变更备案',
          required: true,
        });
        if (note === null) return null;
        let phone: string | undefined;
        if (role === 'admin') {
          const answer = await askText({
            title: '后台管理员电话',
            placeholder: '新管理员电话（可不填，沿用原电话）',
            confirmText: '确定',
            required: false,
          });
          if (answer === null) return null;
          phone = answer || undefined;
        }
        const body: RefilingBody = { role, personId: person.id, note, ...(phone ? { phone } : {}) };
        return runAction(() => api.refile(this.data.accountId, body), `已备案${roleWord}变更`);
      });
    },

    async onDecideReview(event: WechatMiniprogram.TouchEvent) {
      const { id, passed } = event.currentTarget.dataset as { id: string; passed: boolean };
      if (this.data.busy || !this.data.account) return;
      this.setData({ busy: true });
      const decided = await decideAnnualReview({ id, accountName: this.data.account.name }, passed);
      this.setData({ busy: false });
      if (decided) {
        this.show(
          this.data.account,
          this.data.reviews.map((review) => (review.id === decided.id ? decided : review)),
        );
      }
    },

    onCopyLink(event: WechatMiniprogram.TouchEvent) {
      void wx.setClipboardData({ data: event.currentTarget.dataset.url as string });
    },
  },
});
