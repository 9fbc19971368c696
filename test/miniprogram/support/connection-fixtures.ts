/** Fixture answers of /api/v1/accounts/{id}/connection (a 微信公众号 account's connection), typed by the contracts. */
import type { ConnectionView } from '../../../src/shared/contracts';
import { fixtures } from './fixtures';

const accountId = fixtures.accountList.accounts[0].id;

const unset: ConnectionView = {
  accountId,
  state: 'unset',
  stateText: '未连接',
  appId: '',
  apiBaseUrl: '',
  secretsSet: { appSecret: false, token: false, encodingAesKey: false },
  pushPath: `/wechat-official/push/${accountId}`,
  autoPublish: false,
  author: '',
  defaultCoverMediaId: '',
  lastTest: null,
  changedAt: null,
  changedBy: null,
};

const connected: ConnectionView = {
  ...unset,
  state: 'connected',
  stateText: '已连接',
  appId: 'wx1234567890abcdef',
  apiBaseUrl: 'https://api.weixin.qq.com',
  secretsSet: { appSecret: true, token: true, encodingAesKey: true },
  author: '县教育局',
  defaultCoverMediaId: 'cover_media_education_1',
  lastTest: { at: '2026-11-26T02:10:00.000Z', ok: true, message: '已连接：公众号接口已接受本服务器的请求' },
  changedAt: '2026-11-26T02:09:00.000Z',
  changedBy: { id: fixtures.admin.id, name: '李静' },
};

const failed: ConnectionView = {
  ...connected,
  state: 'failed',
  stateText: '连接失败',
  lastTest: {
    at: '2026-11-26T03:00:00.000Z',
    ok: false,
    message:
      '公众号拒绝了本服务器的 IP 地址 203.0.113.7（40164）：请在公众号后台「设置与开发 → 开发接口管理 → 基本配置 → IP白名单」中加入本服务器的出口 IP 后重试',
  },
};

export const connectionFixtures = { unset, connected, failed };
