/**
 * 登记留言 (R8): an inquiry received elsewhere (微博私信, 头条, 电话…) registered by hand from the 留言
 * list. Admins pick the account among the registry's accounts in their scope; others cannot list
 * accounts, so they write its name as filed, as in the chat's 登记留言. The form is checked here first,
 * in Chinese; the server's own refusals (an account outside the viewer's units and scope) show in the
 * same place.
 */
import type { AccountView, InquiryRegistration } from '../../../src/shared/contracts';
import { inquiryKindOptions } from './inquiry-detail-view';

export interface RegistrationForm {
  /** The picked account's place in the options (admins); -1 before one is picked. */
  accountIndex: number;
  /** The account's name as filed (everyone else). */
  accountName: string;
  text: string;
  citizenLabel: string;
  /** When it was sent, Beijing time ("2026-11-26", "15:40"): both, or neither for now. */
  date: string;
  time: string;
  /** In inquiryKindOptions; 咨询 first. */
  kindIndex: number;
}

export const emptyRegistrationForm: RegistrationForm = {
  accountIndex: -1,
  accountName: '',
  text: '',
  citizenLabel: '',
  date: '',
  time: '',
  kindIndex: 0,
};

/** A choice of the account picker. */
export interface AccountOption {
  id: string;
  text: string;
}

/** The server's limits (src/shared/contracts/inquiries.ts), said before sending. */
const maxTextLength = 10_000;
const maxCitizenLabelLength = 60;

/** The accounts inquiries come to: running or being closed (one applying or closed has no followers writing). */
export function toRegistrationAccountOptions(accounts: AccountView[]): AccountOption[] {
  return accounts
    .filter((account) => account.status === 'active' || account.status === 'closing')
    .map((account) => ({ id: account.id, text: `${account.name}（${account.platformText} · ${account.unit.name}）` }));
}

/**
 * The request for the form, or the first thing to fix. `accounts` are the admin's options, or null when
 * the account is written by name; `now` (ms) bounds the time, which the server refuses in the future.
 */
export function toInquiryRegistration(
  form: RegistrationForm,
  accounts: AccountOption[] | null,
  now: number,
): { body: InquiryRegistration } | { problem: string } {
  const account = accounts ? accounts[form.accountIndex] : null;
  const accountName = form.accountName.trim();
  if (accounts && !account) return { problem: '请选择留言所属的账号' };
  if (!accounts && !accountName) return { problem: '请填写留言所属账号的名称（与备案名称一致）' };
  const text = form.text.trim();
  if (!text) return { problem: '请填写留言内容' };
  if (text.length > maxTextLength) {
    return { problem: `留言内容过长（${text.length}字），请控制在${maxTextLength}字以内` };
  }
  const citizenLabel = form.citizenLabel.trim();
  if (citizenLabel.length > maxCitizenLabelLength) {
    return { problem: `留言人请控制在${maxCitizenLabelLength}字以内` };
  }
  if (Boolean(form.date) !== Boolean(form.time)) {
    return { problem: '请同时选择留言的日期和时间；都不选则按现在登记' };
  }
  const receivedAt = form.date ? Date.parse(`${form.date}T${form.time}:00+08:00`) : null;
  if (receivedAt !== null && Number.isNaN(receivedAt)) return { problem: '留言时间无法识别，请重新选择' };
  if (receivedAt !== null && receivedAt > now) return { problem: '留言时间不能晚于现在' };
  return {
    body: {
      ...(account ? { accountId: account.id } : { accountName }),
      text,
      ...(citizenLabel ? { citizenLabel } : {}),
      ...(receivedAt !== null ? { receivedAt: new Date(receivedAt).toISOString() } : {}),
      kind: inquiryKindOptions[form.kindIndex]?.value ?? 'consultation',
    },
  };
}
