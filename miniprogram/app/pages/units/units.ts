/** The units the admin looks after, as a tree, with each unit's kind and main leader. */
import { api } from '../../lib/api';
import { messageOf } from '../../lib/api-error';
import { toUnitRows } from '../../lib/organization-view';
import type { UnitRow } from '../../lib/organization-view';
import { reloadBehavior } from '../../lib/page-behaviors';

Component({
  behaviors: [reloadBehavior],
  data: {
    status: 'loading' as 'loading' | 'empty' | 'error' | 'ready',
    errorMessage: '',
    rows: [] as UnitRow[],
  },
  methods: {
    onLoad() {
      void this.load();
    },

    async load(showLoading = true) {
      if (showLoading) this.setData({ status: 'loading' });
      try {
        const rows = toUnitRows((await api.units()).items);
        this.setData({ rows, status: rows.length ? 'ready' : 'empty' });
      } catch (error) {
        this.setData({ status: 'error', errorMessage: messageOf(error) });
      }
    },
  },
});
