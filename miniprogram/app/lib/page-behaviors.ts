/**
 * What every page that loads data does alike, as mini-program behaviors: pull-down refresh and 重试
 * call the page's `load`; list pages also fetch the next page near the bottom or on 加载更多; a card
 * component loads what it shows once it is on the page, and again on 重试.
 */
import { loadMoreRows } from './cursor-list';
import type { CursorListData, RowPage } from './cursor-list';

interface LoadingPage {
  /** Fetches what the page shows; without the loading state when `showLoading` is false. */
  load(showLoading?: boolean): Promise<void>;
}

interface CursorListPage {
  data: CursorListData<unknown>;
  setData(data: Partial<CursorListData<unknown>>): void;
  fetchPage(cursor?: string): Promise<RowPage<unknown>>;
}

export const reloadBehavior = Behavior({
  methods: {
    async onPullDownRefresh() {
      await (this as unknown as LoadingPage).load(false);
      void wx.stopPullDownRefresh();
    },
    onRetry() {
      void (this as unknown as LoadingPage).load();
    },
  },
});

export const cursorListBehavior = Behavior({
  behaviors: [reloadBehavior],
  methods: {
    onReachBottom() {
      const page = this as unknown as CursorListPage;
      void loadMoreRows(page, (cursor) => page.fetchPage(cursor));
    },
    onLoadMore() {
      (this as unknown as { onReachBottom(): void }).onReachBottom();
    },
  },
});

/** A card component of a page that loads its own data: once attached, and again on 重试. */
export const cardLoadBehavior = Behavior({
  lifetimes: {
    attached() {
      void (this as unknown as LoadingPage).load();
    },
  },
  methods: {
    onRetry() {
      void (this as unknown as LoadingPage).load();
    },
  },
});
