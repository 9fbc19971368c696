/**
 * The loading / empty / error states every page shows in place of its content; the error state offers
 * 重试, which fires `retry`.
 */
Component({
  properties: {
    /** loading | empty | error; anything else renders nothing. */
    status: { type: String, value: 'loading' },
    message: { type: String, value: '出错了，请稍后重试' },
    emptyText: { type: String, value: '暂无数据' },
    loadingText: { type: String, value: '正在加载…' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
