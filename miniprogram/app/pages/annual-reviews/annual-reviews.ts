/**
 * The annual review board (R5) of the current cycle: how many accounts are 未提交, 已提交, 通过, 不通过 and
 * 待关停, then each group's accounts with what they still lack; a tile shows that group alone. Submitted
 * reports are passed or failed here (a failure needs its reason); a tap opens the account.
 */
import type { AnnualReviewView } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toBoardView } from '../../lib/annual-review-view';
import type { BoardGroupName, BoardView } from '../../lib/annual-review-view';
import { isAdmin, openAccount } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { loadForAdmin, readAllAnnualReviews } from '../../lib/registry-pages';
import { decideAnnualReview } from '../../lib/review-decision';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'empty' | 'error' | 'ready',
    errorMessage: '',
    emptyText: '本年度年审尚未开启（每年 11 月 1 日为运行中的账号开启）',
    reviews: [] as AnnualReviewView[],
    unitNames: {} as Record<string, string>,
    view: null as BoardView | null,
    shown: '' as BoardGroupName | '',
    busy: false,
  },
  methods: {
    onLoad() {
      loadForAdmin(this);
    },

    async load(showLoading = true) {
      if (!isAdmin(currentPerson())) return;
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const [reviews, units] = await Promise.all([
          readAllAnnualReviews(),
          // Unit names are a nicety: the board works without them.
          api.units().then(
            (list) => list.items,
            () => [],
          ),
        ]);
        this.setData({ unitNames: Object.fromEntries(units.map((unit) => [unit.id, unit.name])) });
        this.show(reviews);
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    show(reviews: AnnualReviewView[]) {
      const view = toBoardView(reviews, new Map(Object.entries(this.data.unitNames)));
      if (view.year) void wx.setNavigationBarTitle({ title: `${view.year} 年度年审` });
      this.setData({ reviews, view, status: reviews.length ? 'ready' : 'empty' });
    },

    onShowGroup(event: WechatMiniprogram.TouchEvent) {
      const group = event.currentTarget.dataset.group as BoardGroupName;
      this.setData({ shown: this.data.shown === group ? '' : group });
    },

    onOpenAccount(event: WechatMiniprogram.TouchEvent) {
      openAccount(event.currentTarget.dataset.account as string);
    },

    async onDecide(event: WechatMiniprogram.TouchEvent) {
      const { id, name, passed } = event.currentTarget.dataset as { id: string; name: string; passed: boolean };
      if (this.data.busy) return;
      this.setData({ busy: true });
      const decided = await decideAnnualReview({ id, accountName: name }, passed);
      this.setData({ busy: false });
      if (decided) this.show(this.data.reviews.map((review) => (review.id === decided.id ? decided : review)));
    },
  },
});
