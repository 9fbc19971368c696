/**
 * The rules of an account's connection to the 微信公众号 platform (R10), pure: which accounts may be
 * connected, what a change of the settings needs, which API address is acceptable, and what the
 * connection looks like to an admin (never a secret: only whether each is set).
 */
import type { Refusal } from '../shared/errors';
import type { ConnectionSettingsBody, ConnectionStateName, ConnectionView } from '../shared/contracts/connections';

export type ConnectionState = ConnectionStateName;

/** The platform's public API; a unit behind a gateway, the demo and the tests set their own. */
export const defaultApiBaseUrl = 'https://api.weixin.qq.com';

export const connectionStateWords: Record<ConnectionState, string> = {
  unset: '未连接',
  untested: '已保存，尚未测试',
  connected: '已连接',
  failed: '连接失败',
};

/** The write-only settings, in the order they are named to the admin. */
export const secretFields = ['appSecret', 'token', 'encodingAesKey'] as const;
export type SecretField = (typeof secretFields)[number];

const secretNames: Record<SecretField, string> = {
  appSecret: 'AppSecret',
  token: 'Token',
  encodingAesKey: 'EncodingAESKey',
};

/** The account a connection belongs to, as the registry describes it. */
export interface ConnectableAccount {
  id: string;
  name: string;
  platform: string;
  status: string;
}

/** How the account's approved drafts are published through the connection (not secret). */
export interface PublishingSettings {
  autoPublish: boolean;
  author: string;
  defaultCoverMediaId: string;
}

/** A stored connection without its secrets: the settings shown, and which secrets are stored. */
export interface ConnectionFacts extends PublishingSettings {
  appId: string;
  apiBaseUrl: string;
  secretsSet: Record<SecretField, boolean>;
  state: ConnectionState;
  lastTest: { at: Date; ok: boolean; message: string } | null;
  changedAt: Date | null;
  changedById: string | null;
}

export const unsetConnection: ConnectionFacts = {
  appId: '',
  apiBaseUrl: '',
  secretsSet: { appSecret: false, token: false, encodingAesKey: false },
  state: 'unset',
  autoPublish: false,
  author: '',
  defaultCoverMediaId: '',
  lastTest: null,
  changedAt: null,
  changedById: null,
};

/** The settings change a request makes: what is shown, and which secrets are replaced (to be sealed). */
export interface SettingsChange {
  appId: string;
  apiBaseUrl: string;
  secrets: Partial<Record<SecretField, string>>;
  /** The publishing settings after the change (those left out stay as they were). */
  publishing: PublishingSettings;
  /** The AppID, the address or a secret changed (or it is the first): the last test no longer holds. */
  untested: boolean;
}

const refuse = (kind: Refusal['kind'], code: string, message: string): { refusal: Refusal } => ({
  refusal: { kind, code, message },
});

/**
 * The change `input` makes to the account's connection as it stands, or why it is refused. Only a
 * 微信公众号 account that is open or running is connected. The first connection needs every secret; a
 * new AppID or API address needs the AppSecret again, so a stored AppSecret is never sent to an
 * address (or for an AppID) other than the one it was given for.
 */
export function decideSettings(
  account: ConnectableAccount,
  current: ConnectionFacts,
  input: ConnectionSettingsBody,
): { change: SettingsChange } | { refusal: Refusal } {
  if (account.platform !== 'wechat-official-account') {
    return refuse('conflict', 'CONNECTION_PLATFORM_UNSUPPORTED', '只有微信公众号账号可以连接平台接口');
  }
  if (account.status === 'rejected' || account.status === 'closed') {
    return refuse('conflict', 'ACCOUNT_NOT_RUNNING', `账号“${account.name}”已关停或未获批准开办，不能连接平台接口`);
  }
  const address = checkApiBaseUrl(input.apiBaseUrl ?? defaultApiBaseUrl);
  if ('refusal' in address) return address;
  const secrets: Partial<Record<SecretField, string>> = {};
  for (const field of secretFields) {
    const value = input[field];
    if (value !== undefined) secrets[field] = value;
  }
  const missing = secretFields.filter((field) => secrets[field] === undefined && !current.secretsSet[field]);
  if (missing.length > 0) {
    return refuse(
      'invalid',
      'CONNECTION_SECRET_REQUIRED',
      `请填写 ${missing.map((field) => secretNames[field]).join('、')}（首次连接须填写 AppSecret、Token 和 EncodingAESKey）`,
    );
  }
  const moved = current.state !== 'unset' && (input.appId !== current.appId || address.url !== current.apiBaseUrl);
  if (moved && secrets.appSecret === undefined) {
    return refuse(
      'invalid',
      'CONNECTION_SECRET_REQUIRED',
      '更改 AppID 或接口地址时须重新填写 AppSecret（已保存的 AppSecret 不会发往新的 AppID 或地址）',
    );
  }
  const publishing = {
    autoPublish: input.autoPublish ?? current.autoPublish,
    author: input.author ?? current.author,
    defaultCoverMediaId: input.defaultCoverMediaId ?? current.defaultCoverMediaId,
  };
  const untested = current.state === 'unset' || moved || Object.keys(secrets).length > 0;
  return { change: { appId: input.appId, apiBaseUrl: address.url, secrets, publishing, untested } };
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The API address as stored (no trailing slash), or why it is refused: https, or http on this machine
 * only (a local fake or gateway), since the AppSecret travels in the token request's body; no user,
 * password, query or fragment.
 */
export function checkApiBaseUrl(text: string): { url: string } | { refusal: Refusal } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refuse('invalid', 'CONNECTION_API_URL_INVALID', '接口地址无效，应形如 https://api.weixin.qq.com');
  }
  const local = url.protocol === 'http:' && loopbackHosts.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    return refuse(
      'invalid',
      'CONNECTION_API_URL_INVALID',
      '接口地址须以 https:// 开头（AppSecret 随请求发送，不能走明文；仅本机地址可用 http://）',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    return refuse('invalid', 'CONNECTION_API_URL_INVALID', '接口地址不能带用户名、密码、查询参数或 # 片段');
  }
  return { url: url.toString().replace(/\/+$/, '') };
}

/** The path of the account's push URL on this server (the push route is mounted there). */
export function connectionPushPath(accountId: string): string {
  return `/wechat-official/push/${accountId}`;
}

/** What an admin sees of a connection (the API's answer). */
export function toConnectionView(
  accountId: string,
  facts: ConnectionFacts,
  changedBy: { id: string; name: string } | null,
): ConnectionView {
  return {
    accountId,
    state: facts.state,
    stateText: connectionStateWords[facts.state],
    appId: facts.appId,
    apiBaseUrl: facts.apiBaseUrl,
    secretsSet: { ...facts.secretsSet },
    pushPath: connectionPushPath(accountId),
    autoPublish: facts.autoPublish,
    author: facts.author,
    defaultCoverMediaId: facts.defaultCoverMediaId,
    lastTest: facts.lastTest
      ? { at: facts.lastTest.at.toISOString(), ok: facts.lastTest.ok, message: facts.lastTest.message }
      : null,
    changedAt: facts.changedAt?.toISOString() ?? null,
    changedBy,
  };
}

/** The names of the secrets a change replaces, for the audit trail ("AppSecret、Token"): never their values. */
export function namesOfSecrets(fields: readonly SecretField[]): string[] {
  return fields.map((field) => secretNames[field]);
}
