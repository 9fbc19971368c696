/**
 * People in the admin's units: roles, units and whether they have bound chat or mini-program. Admins
 * issue a one-time bind code (the person sends `绑定 123456` to the bot) and remove the bindings of
 * someone who left (their pending approval steps move to the backup approver), as `npm run admin` does.
 */
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { formatTime } from '../../lib/format';
import { initialListData, reloadList } from '../../lib/cursor-list';
import type { RowPage } from '../../lib/cursor-list';
import { cursorListBehavior } from '../../lib/page-behaviors';
import { isAdmin } from '../../lib/navigation';
import { toPersonRow } from '../../lib/organization-view';
import type { PersonRow } from '../../lib/organization-view';
import { confirmAction, toast } from '../../lib/wechat';

Component({
  behaviors: [cursorListBehavior],
  data: {
    ...initialListData<PersonRow>(),
    canManage: false,
    query: '',
  },
  methods: {
    onLoad() {
      this.setData({ canManage: isAdmin(currentPerson()) });
      void this.load();
    },

    onSearch(event: WechatMiniprogram.Input) {
      this.setData({ query: event.detail.value.trim() });
      void this.load();
    },

    load(showLoading = true) {
      return reloadList(this, (cursor) => this.fetchPage(cursor), showLoading);
    },

    async fetchPage(cursor?: string): Promise<RowPage<PersonRow>> {
      const page = await api.people({ q: this.data.query || undefined, limit: 20, cursor });
      return { rows: page.items.map(toPersonRow), nextCursor: page.nextCursor };
    },

    async onIssueBindCode(event: WechatMiniprogram.TouchEvent) {
      const { id, name } = event.currentTarget.dataset as { id: string; name: string };
      if (!(await confirmAction('发绑定码', `为${name}生成一次性绑定码？之前发出的未用绑定码将作废。`))) return;
      try {
        const issued = await api.issueBindCode(id);
        await wx.showModal({
          title: `绑定码 ${issued.code}`,
          content: `${issued.instruction}（${formatTime(issued.expiresAt)} 前有效）`,
          showCancel: false,
          confirmText: '知道了',
        });
      } catch (error) {
        toast(messageOf(error));
      }
    },

    async onUnbind(event: WechatMiniprogram.TouchEvent) {
      const { id, name } = event.currentTarget.dataset as { id: string; name: string };
      const question = `解除后${name}不能再在聊天或小程序中审核、投稿；其待审稿件转给备审人。确定解除？`;
      if (!(await confirmAction('解除绑定', question, '解除'))) return;
      try {
        const result = await api.removeBindings(id);
        const moved = result.movedDrafts.map(
          (draft) => `#${draft.code}→${draft.to.map((person) => person.name).join('、')}`,
        );
        const unassigned = result.unassignedDrafts.map((code) => `#${code}`);
        await wx.showModal({
          title: `已解除${result.person.name}的 ${result.bindingsRemoved} 个绑定`,
          content: [
            moved.length ? `待审稿件已转交：${moved.join('；')}` : '没有需要转交的待审稿件',
            unassigned.length ? `没有备审人、需要您处理：${unassigned.join('、')}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
          showCancel: false,
          confirmText: '知道了',
        });
        void this.load(false);
      } catch (error) {
        toast(messageOf(error));
      }
    },
  },
});
