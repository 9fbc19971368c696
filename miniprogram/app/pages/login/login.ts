/**
 * Login and binding. `wx.login` gives a code the API exchanges for the openid; a bound openid signs in,
 * an unbound one (403 MINI_PROGRAM_NOT_BOUND) is asked for the 6-digit code the bot sends in answer to
 * `小程序绑定`, posted with a fresh `wx.login` code.
 */
import { ApiError, messageOf } from '../../lib/api-error';
import { api, currentPerson, saveLogin } from '../../lib/api';
import { homePath } from '../../lib/navigation';
import { loginCode } from '../../lib/wechat';
import type { LoginResponse } from '../../../../src/shared/contracts';

const defaultBindInstruction = '您的微信尚未绑定审发账号。';

Component({
  data: {
    mode: 'login' as 'login' | 'bind',
    busy: false,
    errorMessage: '',
    bindCode: '',
    bindInstruction: defaultBindInstruction,
  },
  methods: {
    onLoad() {
      const person = currentPerson();
      if (person) void wx.reLaunch({ url: homePath(person) });
    },

    async onLogin() {
      if (this.data.busy) return;
      this.setData({ busy: true, errorMessage: '' });
      try {
        this.enter(await api.loginWithWechat({ code: await loginCode() }));
      } catch (error) {
        if (error instanceof ApiError && error.code === 'MINI_PROGRAM_NOT_BOUND') {
          this.setData({ busy: false, mode: 'bind', bindInstruction: error.message || defaultBindInstruction });
          return;
        }
        this.setData({ busy: false, errorMessage: messageOf(error) });
      }
    },

    onBindCodeInput(event: WechatMiniprogram.Input) {
      this.setData({ bindCode: event.detail.value.replace(/\D/g, '').slice(0, 6) });
    },

    async onBind() {
      if (this.data.busy) return;
      const bindCode = this.data.bindCode;
      if (!/^\d{6}$/.test(bindCode)) {
        this.setData({ errorMessage: '请输入机器人发给您的 6 位数字绑定码' });
        return;
      }
      this.setData({ busy: true, errorMessage: '' });
      try {
        this.enter(await api.bind({ code: await loginCode(), bindCode }));
      } catch (error) {
        this.setData({ busy: false, errorMessage: messageOf(error) });
      }
    },

    onBackToLogin() {
      this.setData({ mode: 'login', errorMessage: '', bindCode: '' });
    },

    enter(login: LoginResponse) {
      saveLogin(login);
      this.setData({ busy: false });
      void wx.reLaunch({ url: homePath(login.person) });
    },
  },
});
