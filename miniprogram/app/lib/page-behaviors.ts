/**
 * What every page that loads data does alike, as mini-program behaviors: pull-down refresh and 重试
 * call the page's `load`; list pages also fetch the next page near the bottom or on 加载更多.
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
