/** Promise forms of the few callback-style WeChat calls the pages use. */
import { ApiError, messageOf } from './api-error';

/** A fresh `wx.login` code (valid once, for about five minutes). */
export function loginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (result) =>
        result.code ? resolve(result.code) : reject(new ApiError('WX_LOGIN_FAILED', '微信登录失败，请重试', 0)),
      fail: () => reject(new ApiError('WX_LOGIN_FAILED', '微信登录失败，请检查网络后重试', 0)),
    });
  });
}

/** Asks before an action that changes something; resolves true on 确定. */
export function confirmAction(title: string, content: string, confirmText = '确定'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      cancelText: '取消',
      success: (result) => resolve(result.confirm),
      fail: () => resolve(false),
    });
  });
}

export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  void wx.showToast({ title, icon, duration: 2000 });
}

/** Asks first; then runs the action and toasts `doneText`, or the reason it failed. Resolves whether it was done. */
export async function confirmThenRun(
  question: { title: string; content: string; confirmText: string },
  action: () => Promise<unknown>,
  doneText: string,
): Promise<boolean> {
  if (!(await confirmAction(question.title, question.content, question.confirmText))) return false;
  try {
    await action();
    toast(doneText, 'success');
    return true;
  } catch (error) {
    toast(messageOf(error));
    return false;
  }
}
