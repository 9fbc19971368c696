/**
 * One draft, for the question "who approved this?": the current content with its pre-check findings,
 * the approval steps with each decision and the version hash it is bound to, the 发布核验 of what went
 * out on the platform, every version with the changes from the one before, and the audit timeline.
 * Admins verify the whole hash-chained trail with one tap. Decisions are taken in the chat (the API
 * offers no decision route), so there is none here.
 */
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toDiffView, toDraftDetailView, toTimelineRows, toVerifyResult } from '../../lib/draft-detail-view';
import type { DiffView, DraftDetailView, TimelineRow, VerifyResult } from '../../lib/draft-detail-view';
import { toPublicationCheckCard } from '../../lib/publication-check-view';
import type { PublicationCheckCard } from '../../lib/publication-check-view';
import { isAdmin } from '../../lib/navigation';
import { toast } from '../../lib/wechat';
import { reloadBehavior } from '../../lib/page-behaviors';

type LoadStatus = 'loading' | 'error' | 'ready';

Component({
  behaviors: [reloadBehavior],
  data: {
    reference: '',
    status: 'loading' as LoadStatus,
    errorMessage: '',
    draft: null as DraftDetailView | null,
    /** 发布核验: null when the draft was neither published through its platform nor found by the sweep. */
    check: null as PublicationCheckCard | null,
    timelineStatus: 'loading' as LoadStatus,
    timelineError: '',
    timeline: [] as TimelineRow[],
    diffNumber: 0,
    diffStatus: 'loading' as LoadStatus,
    diffError: '',
    diff: null as DiffView | null,
    canVerify: false,
    verifying: false,
    verifyResult: null as VerifyResult | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const reference = decodeURIComponent(query.reference ?? '');
      this.setData({ reference, canVerify: isAdmin(currentPerson()) });
      if (reference) void wx.setNavigationBarTitle({ title: `稿件 #${reference}` });
      void this.load();
    },

    onRetryTimeline() {
      void this.loadTimeline();
    },

    async load(showLoading = true) {
      if (!this.data.reference) {
        this.setData({ status: 'error', errorMessage: '缺少稿件编号' });
        return;
      }
      if (showLoading) this.setData({ status: 'loading' });
      const timeline = this.loadTimeline();
      try {
        const detail = await api.draft(this.data.reference);
        this.setData({
          status: 'ready',
          draft: toDraftDetailView(detail),
          check: toPublicationCheckCard(detail.publicationCheck),
        });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
      await timeline;
    },

    async loadTimeline() {
      this.setData({ timelineStatus: 'loading' });
      try {
        const timeline = await api.draftTimeline(this.data.reference);
        this.setData({ timelineStatus: 'ready', timeline: toTimelineRows(timeline.events) });
      } catch (error) {
        this.setData({ timelineStatus: 'error', timelineError: messageOf(error) });
      }
    },

    onCompare(event: WechatMiniprogram.TouchEvent) {
      const number = Number(event.currentTarget.dataset.number);
      if (this.data.diffNumber === number) {
        this.setData({ diffNumber: 0, diff: null });
        return;
      }
      this.setData({ diffNumber: number });
      void this.loadDiff();
    },

    onRetryDiff() {
      void this.loadDiff();
    },

    async loadDiff() {
      const number = this.data.diffNumber;
      this.setData({ diffStatus: 'loading', diff: null });
      try {
        const diff = await api.draftDiff(this.data.reference, number - 1, number);
        if (this.data.diffNumber === number) this.setData({ diffStatus: 'ready', diff: toDiffView(diff) });
      } catch (error) {
        if (this.data.diffNumber === number) this.setData({ diffStatus: 'error', diffError: messageOf(error) });
      }
    },

    async onVerify() {
      if (this.data.verifying) return;
      this.setData({ verifying: true, verifyResult: null });
      try {
        this.setData({ verifyResult: toVerifyResult(await api.verifyAudit()) });
      } catch (error) {
        toast(messageOf(error));
      } finally {
        this.setData({ verifying: false });
      }
    },

    onCopyLink(event: WechatMiniprogram.TouchEvent) {
      // Mini-programs cannot open outside links; copying lets the admin paste it into a browser.
      void wx.setClipboardData({ data: event.currentTarget.dataset.url as string });
    },
  },
});
