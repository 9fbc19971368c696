/**
 * Approval routes (who approves each unit's drafts, step by step, with backups and copies) and the
 * delegations for leave. Admins remove a route, add a delegation or end one early, as `npm run admin`
 * does; routes are created and changed by the organisation import on the server.
 */
import type { PersonView } from '../../../../src/shared/contracts';
import { api, currentPerson } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { isAdmin } from '../../lib/navigation';
import { toDelegationRow, toRouteRow } from '../../lib/organization-view';
import type { DelegationRow, RouteRow } from '../../lib/organization-view';
import { confirmThenRun, toast } from '../../lib/wechat';
import { reloadBehavior } from '../../lib/page-behaviors';

type LoadStatus = 'loading' | 'error' | 'ready';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as LoadStatus,
    errorMessage: '',
    canManage: false,
    routes: [] as RouteRow[],
    delegations: [] as DelegationRow[],
    formOpen: false,
    peopleStatus: 'loading' as LoadStatus,
    peopleError: '',
    people: [] as PersonView[],
    peopleNames: [] as string[],
    personIndex: -1,
    delegateIndex: -1,
    from: '',
    until: '',
    formError: '',
    saving: false,
  },
  methods: {
    onLoad() {
      this.setData({ canManage: isAdmin(currentPerson()) });
      void this.load();
    },

    async load(showLoading = true) {
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const [routes, delegations] = await Promise.all([api.approvalRoutes(), api.delegations()]);
        const now = Date.now();
        this.setData({
          status: 'ready',
          routes: routes.items.map(toRouteRow),
          delegations: delegations.items.map((delegation) => toDelegationRow(delegation, now)),
        });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },

    async onOpenForm() {
      this.setData({ formOpen: true, peopleStatus: 'loading', formError: '' });
      try {
        const people = (await api.people({ limit: 100, active: 'true' })).items;
        this.setData({
          peopleStatus: 'ready',
          people,
          peopleNames: people.map((person) => `${person.name}（${person.title || person.code}）`),
        });
      } catch (error) {
        this.setData({ peopleStatus: 'error', peopleError: messageOf(error) });
      }
    },

    onCloseForm() {
      this.setData({ formOpen: false, personIndex: -1, delegateIndex: -1, from: '', until: '', formError: '' });
    },

    onPick(event: WechatMiniprogram.PickerChange) {
      const field = event.currentTarget.dataset.field as 'personIndex' | 'delegateIndex' | 'from' | 'until';
      const value = field === 'from' || field === 'until' ? String(event.detail.value) : Number(event.detail.value);
      this.setData({ [field]: value, formError: '' });
    },

    async onSaveDelegation() {
      if (this.data.saving) return;
      const person = this.data.people[this.data.personIndex];
      const delegate = this.data.people[this.data.delegateIndex];
      const { from, until } = this.data;
      const problem =
        !person || !delegate || !from || !until
          ? '请选择请假人、代审人和起止日期'
          : person.id === delegate.id
            ? '代审人不能是请假人本人'
            : until < from
              ? '结束日期不能早于开始日期'
              : '';
      if (problem) {
        this.setData({ formError: problem });
        return;
      }
      this.setData({ saving: true });
      try {
        await api.createDelegation({ personId: person.id, delegateId: delegate.id, from, until });
        toast('已保存代审安排', 'success');
        this.onCloseForm();
        void this.load(false);
      } catch (error) {
        this.setData({ formError: messageOf(error) });
      } finally {
        this.setData({ saving: false });
      }
    },

    async onRemoveRoute(event: WechatMiniprogram.TouchEvent) {
      const { id, unit } = event.currentTarget.dataset as { id: string; unit: string };
      const content = `删除后${unit}的新稿件按上级单位的路线审核，审核中的稿件不受影响。确定删除？`;
      const question = { title: '删除审核路线', content, confirmText: '删除' };
      if (await confirmThenRun(question, () => api.removeApprovalRoute(id), '审核路线已删除')) void this.load(false);
    },

    async onEndDelegation(event: WechatMiniprogram.TouchEvent) {
      const id = event.currentTarget.dataset.id as string;
      const question = { title: '提前结束代审', content: '结束后，代审人不能再替请假人审核。', confirmText: '结束' };
      if (await confirmThenRun(question, () => api.endDelegation(id), '代审已结束')) void this.load(false);
    },
  },
});
