/**
 * One 留言 (R8): the thread with the citizen, the deadlines (受理, 知晓性回复, the 承诺答复期限 in force, the
 * original one and every extension with its reason) and the trail. For someone who may act on it while
 * it is open, the steps the API offers: answer, confirm an answer given in the platform's back office,
 * extend with a reason, set the kind, transfer to another unit (admins pick among their units or write
 * a full name, others write it), mark invalid. A refusal shows the server's reason on the page.
 */
import type { InquiryDetail, UnitView } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { today } from '../../lib/format';
import {
  answerOutcome,
  inquiryKindOptions,
  invalidReasonOptions,
  toInquiryDetailView,
  toTransferUnitOptions,
} from '../../lib/inquiry-detail-view';
import type { InquiryDetailView, TransferUnitOption } from '../../lib/inquiry-detail-view';
import { isAdmin } from '../../lib/navigation';
import { reloadBehavior } from '../../lib/page-behaviors';
import { askText, confirmAction, toast } from '../../lib/wechat';

Component({
  behaviors: [reloadBehavior],
  data: {
    id: '',
    status: 'loading' as 'loading' | 'error' | 'ready',
    errorMessage: '',
    view: null as InquiryDetailView | null,
    today: '',
    kindOptions: inquiryKindOptions,
    invalidOptions: invalidReasonOptions,
    /** An admin's units (GET /units), once read; null for others, who write the unit's full name. */
    units: null as UnitView[] | null,
    /** The 转办 picker's choices: the admin's units but the answering one, then 其他单位. */
    transferUnits: null as TransferUnitOption[] | null,
    answerText: '',
    busy: false,
    /** The server's reason when a step was refused. */
    actionError: '',
    /** What to do next when an answer could not go out through the platform. */
    actionNotice: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ id: decodeURIComponent(query.id ?? ''), today: today() });
      void this.load();
    },

    async load(showLoading = true) {
      if (!this.data.id) {
        this.setData({ status: 'error', errorMessage: '缺少留言编号' });
        return;
      }
      if (showLoading) this.setData({ status: 'loading' });
      try {
        this.show(await api.inquiry(this.data.id));
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
        return;
      }
      if (this.data.view?.actionable && !this.data.units) await this.loadUnits();
    },

    show(inquiry: InquiryDetail) {
      void wx.setNavigationBarTitle({ title: `留言 #${inquiry.code}` });
      const { units } = this.data;
      this.setData({
        status: 'ready',
        view: toInquiryDetailView(inquiry, currentPerson()?.id ?? ''),
        transferUnits: units ? toTransferUnitOptions(units, inquiry.unitId) : null,
      });
    },

    /** An admin's units for the 转办 picker; without them (others, or a failed read) the full name is asked. */
    async loadUnits() {
      if (!isAdmin(currentPerson())) return;
      try {
        const units = (await api.units()).items;
        this.setData({ units, transferUnits: toTransferUnitOptions(units, this.data.view?.unitId ?? '') });
      } catch {
        this.setData({ units: null, transferUnits: null });
      }
    },

    /**
     * Runs one step at a time; the answer's inquiry replaces the page. `step` resolves null when the
     * officer cancelled a question; a refusal leaves the server's message on the page.
     */
    async act(step: () => Promise<{ inquiry: InquiryDetail; doneText: string; notice?: string } | null>) {
      if (this.data.busy) return;
      this.setData({ busy: true, actionError: '', actionNotice: '' });
      try {
        const done = await step();
        if (done) {
          this.show(done.inquiry);
          if (done.notice) this.setData({ actionNotice: done.notice });
          else toast(done.doneText, 'success');
        }
      } catch (error) {
        this.setData({ actionError: messageOf(error) });
      } finally {
        this.setData({ busy: false });
      }
    },

    onAnswerInput(event: WechatMiniprogram.Input) {
      this.setData({ answerText: event.detail.value });
    },

    onAnswer() {
      const text = this.data.answerText.trim();
      if (!text) {
        this.setData({ actionError: '请先填写答复内容', actionNotice: '' });
        return undefined;
      }
      return this.act(async () => {
        const result = await api.answerInquiry(this.data.id, text);
        const outcome = answerOutcome(result);
        // Kept when it must be given in the back office, so it can be copied there.
        if (outcome.done) this.setData({ answerText: '' });
        return { inquiry: result.inquiry, doneText: outcome.text, notice: outcome.done ? undefined : outcome.text };
      });
    },

    onCopyAnswer() {
      void wx.setClipboardData({ data: this.data.answerText });
    },

    onApproveAnswer() {
      const pending = this.data.view?.pendingAnswer;
      if (!pending) return undefined;
      return this.act(async () => {
        if (!(await confirmAction('同意答复', `同意后即发给留言人：${pending.text}`, '同意'))) return null;
        const inquiry = await api.decideInquiryAnswer(this.data.id, {
          decision: 'approve',
          contentHash: pending.contentHash,
        });
        return { inquiry, doneText: '已同意' };
      });
    },

    onRejectAnswer() {
      return this.act(async () => {
        const reason = await askText({
          title: '驳回答复',
          placeholder: '请填写理由，答复人会收到',
          confirmText: '驳回',
          required: true,
        });
        if (reason === null) return null;
        return {
          inquiry: await api.decideInquiryAnswer(this.data.id, { decision: 'reject', reason }),
          doneText: '已驳回',
        };
      });
    },

    onConfirmAnswered() {
      return this.act(async () => {
        const note = await askText({
          title: '已在平台后台答复',
          placeholder: '答复内容或说明（可不填）',
          confirmText: '确认',
          required: false,
        });
        if (note === null) return null;
        return { inquiry: await api.confirmInquiryAnswered(this.data.id, note), doneText: '已记录答复' };
      });
    },

    onExtend(event: WechatMiniprogram.PickerChange) {
      const dueOn = String(event.detail.value);
      return this.act(async () => {
        const reason = await askText({
          title: `答复期限延至 ${dueOn}`,
          placeholder: '请填写延期理由',
          confirmText: '延期',
          required: true,
        });
        if (reason === null) return null;
        const result = await api.extendInquiry(this.data.id, { dueOn, reason });
        return { inquiry: result.inquiry, doneText: result.citizenTold ? '已延期并告知留言人' : '已延期' };
      });
    },

    onKind(event: WechatMiniprogram.PickerChange) {
      const option = inquiryKindOptions[Number(event.detail.value)];
      if (!option || option.value === this.data.view?.kind) return undefined;
      return this.act(async () => {
        const content = `改为“${option.text}”后，答复期限按${option.text}重新计算（已延期的不变）。`;
        if (!(await confirmAction('设置留言类型', content, '改类型'))) return null;
        return { inquiry: await api.setInquiryKind(this.data.id, option.value), doneText: `已设为${option.text}` };
      });
    },

    onTransferPick(event: WechatMiniprogram.PickerChange) {
      const option = this.data.transferUnits?.[Number(event.detail.value)];
      if (!option) return undefined;
      if (!option.id) return this.onTransferByName();
      const unitName = option.text.trim();
      return this.act(async () => {
        const content = `转给${unitName}办理，承诺答复期限不变，${unitName}的信息员会收到通知。`;
        if (!(await confirmAction('转办留言', content, '转办'))) return null;
        const inquiry = await api.transferInquiry(this.data.id, { unitId: option.id });
        return { inquiry, doneText: '已转办' };
      });
    },

    onTransferByName() {
      return this.act(async () => {
        const unitName = await askText({
          title: '转办留言',
          placeholder: '请填写接收单位的全称',
          confirmText: '转办',
          required: true,
        });
        if (unitName === null) return null;
        return { inquiry: await api.transferInquiry(this.data.id, { unitName }), doneText: '已转办' };
      });
    },

    onInvalid(event: WechatMiniprogram.PickerChange) {
      const option = invalidReasonOptions[Number(event.detail.value)];
      if (!option) return undefined;
      return this.act(async () => {
        const content = `标记为${option.text}后不计入有效留言，也不再提醒办理。`;
        if (!(await confirmAction('标记为无效留言', content, '标记'))) return null;
        return { inquiry: await api.markInquiryInvalid(this.data.id, option.value), doneText: '已标记为无效' };
      });
    },
  },
});
