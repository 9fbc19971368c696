/**
 * The one call to WeChat's servers the API makes: `jscode2session`, which turns the code of a
 * mini-program's `wx.login` into the user's openid. The base URL comes from config
 * (`miniProgram.wechatApiBaseUrl`), so tests run a local fake over HTTP and never reach WeChat.
 */
import { AppError, UnauthorizedError } from '../shared/errors';

export interface WechatSession {
  openid: string;
}

export interface WechatCodeExchange {
  exchangeCode(code: string): Promise<WechatSession>;
}

export interface WechatClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
}

/** WeChat error codes that mean "this login code is no good": the user should log in again. */
const badCodeErrors = new Set([40029, 40163, 40226]);

export class WechatClient implements WechatCodeExchange {
  constructor(private readonly options: WechatClientOptions) {}

  async exchangeCode(code: string): Promise<WechatSession> {
    const url = new URL('/sns/jscode2session', this.options.baseUrl);
    url.search = new URLSearchParams({
      appid: this.options.appId,
      secret: this.options.appSecret,
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    let answer: { openid?: unknown; errcode?: unknown; errmsg?: unknown };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      if (!response.ok) throw new Error(`jscode2session answered HTTP ${response.status}`);
      answer = (await response.json()) as typeof answer;
    } catch (error) {
      throw wechatUnavailable(error);
    }
    const errcode = typeof answer.errcode === 'number' ? answer.errcode : 0;
    if (badCodeErrors.has(errcode)) {
      throw new UnauthorizedError('WECHAT_CODE_INVALID', '微信登录凭证无效或已使用，请重新打开小程序登录');
    }
    if (errcode !== 0 || typeof answer.openid !== 'string' || !/^[\w-]{1,64}$/.test(answer.openid)) {
      throw wechatUnavailable(new Error(`jscode2session errcode ${errcode}: ${String(answer.errmsg ?? '')}`));
    }
    return { openid: answer.openid };
  }
}

function wechatUnavailable(cause: unknown): AppError {
  return new AppError('WECHAT_UNAVAILABLE', '暂时无法连接微信登录服务，请稍后再试', {
    status: 503,
    expose: true,
    cause,
  });
}
