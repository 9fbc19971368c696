/**
 * The one error the mini-program's pages see: an UPPER_SNAKE code and a Chinese message the admin can
 * act on, taken from the API's `{"error":{"code","message"}}` body when there is one.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const fallbackMessages: Record<number, string> = {
  400: '请求内容有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '没有找到，可能已删除或不在您的管理范围内',
  409: '数据已被他人修改，请刷新后重试',
  413: '提交的内容太大',
  422: '提交的内容不符合要求',
  429: '操作太频繁，请稍后再试',
};

/** Builds the error for an HTTP answer that is not 2xx. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`;
  if (typeof error?.message === 'string' && error.message !== '' && status < 500) {
    return new ApiError(code, error.message, status);
  }
  const fallback = status >= 500 ? '服务器暂时出错，请稍后重试' : fallbackMessages[status];
  return new ApiError(code, fallback ?? `请求失败（状态码 ${status}）`, status);
}

/** Builds the error for a request that got no answer (wx.request's fail callback). */
export function errorFromTransportFailure(errMsg: string): ApiError {
  if (/timeout|超时/i.test(errMsg)) return new ApiError('TIMEOUT', '服务器响应超时，请稍后重试', 0);
  return new ApiError('NETWORK_ERROR', '网络连接失败，请检查网络后重试', 0);
}

export const sessionExpired = (): ApiError => new ApiError('SESSION_EXPIRED', '登录已过期，请重新登录', 401);

/** The message to show for anything a page caught. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : '出错了，请稍后重试';
}
