/**
 * One account of the registry: the opening application (申请表) and its decision, filing and every
 * re-filing (who, when, from → to), the closure workflow step by step, and the annual reviews of every
 * year; with the admin actions the API offers — decide an opening, record the filing, the next closure
 * step, an annual review's pass or fail — each confirmed first, the API's reason shown when refused.
 */
import type { AccountView, AnnualReviewView, ClosureStepName } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toAccountDetail } from '../../lib/account-view';
import type { AccountDetail } from '../../lib/account-view';
import { readAllPages } from '../../lib/cursor-list';
import { today } from '../../lib/format';
import { adminOnlyText, isAdmin } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
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
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ accountId: query.id ?? '' });
      if (!isAdmin(currentPerson())) {
        this.setData({ status: 'empty' });
        return;
      }
      void this.load();
    },

    async load(showLoading = true) {
      if (!isAdmin(currentPerson())) return;
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const [account, reviews] = await Promise.all([
          api.account(this.data.accountId),
          readAllPages(async (cursor) => {
            const page = await api.annualReviews({ accountId: this.data.accountId, cursor, limit: 100 });
            return { items: page.reviews, nextCursor: page.nextCursor };
          }),
        ]);
        this.show(account, reviews);
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    show(account: AccountView, reviews: AnnualReviewView[]) {
      void wx.setNavigationBarTitle({ title: account.name });
      this.setData({
        status: 'ready',
        account,
        reviews,
        view: toAccountDetail(account, reviews, today()),
      });
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
