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

/**
 * Asks for a short text (a reason, a link) in WeChat's modal with an input; resolves the trimmed text on
 * 确定, or null when cancelled or when a `required` text was left empty (a toast says what was missing).
 */
export async function askText(question: {
  title: string;
  placeholder: string;
  confirmText: string;
  required: boolean;
}): Promise<string | null> {
  const answer = await new Promise<{ confirm: boolean; content: string }>((resolve) => {
    wx.showModal({
      title: question.title,
      editable: true,
      placeholderText: question.placeholder,
      confirmText: question.confirmText,
      cancelText: '取消',
      success: (result) => resolve({ confirm: result.confirm, content: result.content ?? '' }),
      fail: () => resolve({ confirm: false, content: '' }),
    });
  });
  if (!answer.confirm) return null;
  const text = answer.content.trim();
  if (!text && question.required) {
    toast(question.placeholder);
    return null;
  }
  return text;
}

/** Runs an action the admin already confirmed; toasts `doneText` or the API's reason. Resolves the answer or null. */
export async function runAction<T>(action: () => Promise<T>, doneText: string): Promise<T | null> {
  try {
    const answer = await action();
    toast(doneText, 'success');
    return answer;
  } catch (error) {
    toast(messageOf(error));
    return null;
  }
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
  const done = await runAction(async () => {
    await action();
    return true;
  }, doneText);
  return done ?? false;
}
