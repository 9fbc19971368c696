/**
 * A 微信公众号 account's connection as the account detail shows it: its state, the settings that may be
 * shown, whether each write-only secret is set (never the secret), where the platform should push to,
 * the last test; and the form's settings as the API takes them.
 */
import type { ConnectionSettingsBody, ConnectionStateName, ConnectionView } from '../../../src/shared/contracts';
import { formatTime } from './format';

export interface ConnectionDisplay {
  stateText: string;
  /** The tag's colour: tag-approved, tag-warn, tag-critical, tag-info. */
  tagKind: 'approved' | 'warn' | 'critical' | 'info';
  unset: boolean;
  fields: Array<{ label: string; value: string }>;
  /** 服务器地址(URL) to enter in the back office: this server's address and the account's push path. */
  pushUrl: string;
  lastTestText: string;
  lastTestFailed: boolean;
  /** What each secret's field says while empty: kept when set, what to enter when not. */
  placeholders: { appSecret: string; token: string; encodingAesKey: string };
}

/** The form's fields as typed; secrets are cleared once saved. */
export interface ConnectionForm {
  appId: string;
  apiBaseUrl: string;
  appSecret: string;
  token: string;
  encodingAesKey: string;
  /** Publishing: the articles' author, and publishing at once after the last approval. */
  author: string;
  autoPublish: boolean;
}

/** The form before a connection is read: every field empty, publishing on 发布. */
export const emptyConnectionForm: ConnectionForm = {
  appId: '',
  apiBaseUrl: '',
  appSecret: '',
  token: '',
  encodingAesKey: '',
  author: '',
  autoPublish: false,
};

const tagKinds: Record<ConnectionStateName, ConnectionDisplay['tagKind']> = {
  connected: 'approved',
  untested: 'warn',
  failed: 'critical',
  unset: 'info',
};

const kept = '已填写，留空则不变';

export function toConnectionDisplay(view: ConnectionView, serverBaseUrl: string): ConnectionDisplay {
  const set = (value: boolean) => (value ? '已填写（不显示）' : '未填写');
  const unset = view.state === 'unset';
  return {
    stateText: view.stateText,
    tagKind: tagKinds[view.state],
    unset,
    fields: unset
      ? []
      : [
          { label: 'AppID', value: view.appId },
          { label: '接口地址', value: view.apiBaseUrl },
          { label: 'AppSecret', value: set(view.secretsSet.appSecret) },
          { label: 'Token', value: set(view.secretsSet.token) },
          { label: 'EncodingAESKey', value: set(view.secretsSet.encodingAesKey) },
          { label: '发布方式', value: view.autoPublish ? '审核通过后自动发布' : '审核通过后发送“发布 编号”发布' },
          { label: '文章作者', value: view.author || '未设置' },
          {
            label: '默认封面',
            value: view.defaultCoverMediaId ? '已设置' : '未设置（稿件无图时不能发布；用命令行 publishing-set 上传）',
          },
        ],
    pushUrl: `${serverBaseUrl.replace(/\/+$/, '')}${view.pushPath}`,
    lastTestText: view.lastTest ? `${formatTime(view.lastTest.at)} ${view.lastTest.message}` : '',
    lastTestFailed: view.lastTest ? !view.lastTest.ok : false,
    placeholders: {
      appSecret: view.secretsSet.appSecret ? kept : '开发者密码（32 位）',
      token: view.secretsSet.token ? kept : '与服务器配置中的 Token 一致',
      encodingAesKey: view.secretsSet.encodingAesKey ? kept : '消息加解密密钥（43 位）',
    },
  };
}

/** The form as it opens: the settings shown, every secret empty. */
export function openConnectionForm(view: ConnectionView): ConnectionForm {
  return {
    ...emptyConnectionForm,
    appId: view.appId,
    apiBaseUrl: view.apiBaseUrl,
    author: view.author,
    autoPublish: view.autoPublish,
  };
}

/** The request body: trimmed; a secret left empty keeps the stored one, an empty address the platform's own. */
export function toConnectionSettings(form: ConnectionForm): ConnectionSettingsBody {
  const settings: ConnectionSettingsBody = {
    appId: form.appId.trim(),
    author: form.author.trim(),
    autoPublish: form.autoPublish,
  };
  if (form.apiBaseUrl.trim()) settings.apiBaseUrl = form.apiBaseUrl.trim();
  for (const field of ['appSecret', 'token', 'encodingAesKey'] as const) {
    if (form[field].trim()) settings[field] = form[field].trim();
  }
  return settings;
}
