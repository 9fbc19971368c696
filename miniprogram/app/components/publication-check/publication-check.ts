/**
 * 发布核验 of a draft (R10): whether the article on the platform says what was approved — its state, the
 * article (the link can be copied: mini-programs cannot open outside links), the approved version and
 * hash it was compared with, and where it differs, word by word.
 */
Component({
  properties: {
    /** A PublicationCheckCard from lib/publication-check-view.ts. */
    check: { type: Object, value: null },
  },
  methods: {
    onCopyLink() {
      const url = (this.data.check as { url?: string } | null)?.url;
      if (url) void wx.setClipboardData({ data: url });
    },
  },
});
