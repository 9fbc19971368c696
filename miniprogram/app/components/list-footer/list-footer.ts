/** The end of a cursor-paged list: 加载更多, loading, 点此重试 after a failure, or 没有更多了; fires `loadmore`. */
Component({
  properties: {
    /** more | loading | error | end (lib/cursor-list.ts). */
    state: { type: String, value: 'end' },
  },
  methods: {
    onLoadMore() {
      this.triggerEvent('loadmore');
    },
  },
});
