/** Who is signed in, in which roles, and 退出登录 (revokes the refresh token, then the login page). */
import { api, currentPerson, session } from '../../lib/api';
import { formatRoles } from '../../lib/format';
import { pages } from '../../lib/navigation';
import { confirmAction } from '../../lib/wechat';

Component({
  data: { name: '', roleText: '' },
  lifetimes: {
    attached() {
      const person = currentPerson();
      if (person) this.setData({ name: person.name, roleText: formatRoles(person.roles) });
    },
  },
  methods: {
    async onLogout() {
      if (!(await confirmAction('退出登录', '退出后需要重新用微信登录。', '退出'))) return;
      const refreshToken = session.read()?.refreshToken;
      session.clear();
      // The token is revoked on the server when it answers; signing out here does not wait for it.
      if (refreshToken) api.logout(refreshToken).catch(() => undefined);
      void wx.reLaunch({ url: pages.login });
    },
  },
});
