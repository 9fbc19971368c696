/**
 * What a failed Official Account (公众号) API call means to the admin who set the connection up: one
 * error class carrying the platform's errcode, with a Chinese message that names the setting to fix.
 * Codes from the platform's global return codes (developers.weixin.qq.com, 全局返回码).
 */
import { AppError } from '../shared/errors';

/** The platform's errcode for the failures an admin can fix; others fall back to the platform's text. */
const advice: Record<number, (errmsg: string) => string> = {
  40164: (errmsg) => {
    const ip = /invalid ip ([0-9a-fA-F.:]+)/.exec(errmsg)?.[1];
    return (
      `公众号拒绝了本服务器的 IP 地址${ip ? ` ${ip}` : ''}（40164）：请在公众号后台「设置与开发 → 开发接口管理 → ` +
      '基本配置 → IP白名单」中加入本服务器的出口 IP 后重试'
    );
  },
  40013: () =>
    'AppID 不正确（40013）：请按公众号后台「设置与开发 → 开发接口管理 → 基本配置」中的开发者ID(AppID)重新填写',
  40125: () => 'AppSecret 不正确（40125）：请在公众号后台「基本配置」中核对；若已重置过 AppSecret，请填写重置后的新值',
  40001: () => '公众号接口凭证无效（40001）：AppSecret 可能已被重置，请重新填写 AppSecret 后再试',
  42001: () => '公众号接口凭证已过期（42001），重新获取后仍被拒绝，请稍后再试',
  45009: () => '公众号接口今日调用次数已达上限（45009）：请明日再试，或由管理员在公众号后台「基本配置」中清零调用次数',
  45011: () => '公众号接口调用过于频繁（45011），请稍后再试',
  48001: () => '该公众号没有此接口的权限（48001）：发布接口只对已认证的订阅号和服务号开放，请核对账号类型与认证状态',
  50002: () => '该公众号已被限制使用接口（50002），请在公众号后台查看违规记录或限制原因',
  40005: () => '图片格式不受支持（40005）：公众号正文图片只接受 JPG 或 PNG，封面接受 JPG、PNG、GIF 或 BMP',
  40009: () => '图片大小超出限制（40009）：正文图片须小于 1 MB，封面图片须小于 10 MB',
  40007: () => '公众号不认识这份素材（40007）：封面或草稿可能已被删除，请重新上传后再发布',
  45002: () => '正文超出公众号限制（45002）：须少于 2 万字且小于 1 MB，请删减后重新提交',
  45003: () => '标题超出公众号限制（45003）：最多 32 个字，请缩短标题后重新提交',
  45004: () => '摘要超出公众号限制（45004）：最多 128 个字，请缩短摘要后重新提交',
  45110: () => '作者超出公众号限制（45110）：最多 16 个字，请缩短作者后重新提交',
  53503: () => '该草稿未通过发布检查（53503），请检查标题、正文与图片后重新提交',
  53504: () => '需前往公众号后台发布：该草稿需要管理员确认后才能发布（53504）',
  53505: () => '请在公众号后台手动发布该草稿（53505）',
  45015: () =>
    '回复时间超过限制（45015）：用户 48 小时内没有给公众号发过消息，客服消息已无法送达，请等用户再次留言后回复',
  45047: () => '客服接口下行条数超过上限（45047）：用户上次留言后可回复的条数已用完，请等用户再次留言后回复',
};

/** A non-zero errcode from the platform, or (errcode null) no usable answer at all. */
export class OfficialAccountApiError extends AppError {
  constructor(
    readonly errcode: number | null,
    errmsg: string,
    readonly api: string,
    message?: string,
    cause?: unknown,
  ) {
    super(
      errcode === null ? 'OFFICIAL_ACCOUNT_UNREACHABLE' : 'OFFICIAL_ACCOUNT_API_ERROR',
      message ?? advice[errcode ?? 0]?.(errmsg) ?? `公众号接口 ${api} 返回错误 ${errcode}：${errmsg}`,
      { status: 502, expose: true, cause },
    );
  }
}

/** A call that got no answer: a network error, a timeout, an HTTP error status or a body that is not JSON. */
export function officialAccountUnreachable(
  api: string,
  host: string,
  timeoutMs: number,
  cause: unknown,
): OfficialAccountApiError {
  // By name, not instanceof: fetch's DOMException may come from another realm (jest's sandbox is one).
  const name = typeof cause === 'object' && cause !== null && 'name' in cause ? cause.name : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const message = timedOut
    ? `公众号接口 ${host} 在 ${timeoutMs < 1000 ? `${timeoutMs} 毫秒` : `${Math.round(timeoutMs / 1000)} 秒`}内没有响应，请稍后再试；若持续如此，请检查网络或 API 地址设置`
    : `无法连接公众号接口 ${host}，请检查本服务器的网络（能否访问外网）与 API 地址设置`;
  return new OfficialAccountApiError(null, '', api, message, cause);
}

/**
 * 45015: the follower's last message is more than 48 hours old (or there is none), so a 客服 message can
 * no longer reach them until they write again. Not a fault to retry or to show an admin as one.
 */
export function isReplyWindowClosed(error: unknown): boolean {
  return error instanceof OfficialAccountApiError && error.errcode === 45015;
}

/**
 * 45047: the 客服 messages allowed since the follower's last message (5 in 48 hours) are used up; the
 * count starts again when they write again.
 */
export function isReplyQuotaExhausted(error: unknown): boolean {
  return error instanceof OfficialAccountApiError && error.errcode === 45047;
}
