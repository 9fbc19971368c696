/**
 * /api/v1/accounts/{id}/connection — a 微信公众号 account's connection to the platform's API (R10): the
 * AppID and API address are shown; the AppSecret, the Token and the EncodingAESKey are write-only (the
 * answer says only whether each is set).
 */
import { z } from 'zod';
import { instantSchema, personReferenceSchema } from './common';

export const connectionStateSchema = z.enum(['unset', 'untested', 'connected', 'failed']);
export type ConnectionStateName = z.infer<typeof connectionStateSchema>;

const backOffice = '公众号后台「设置与开发 → 开发接口管理 → 基本配置」';

/**
 * PUT /api/v1/accounts/{id}/connection. A secret left out keeps the one stored; the first connection
 * needs all three, and a new AppID or API address needs the AppSecret again.
 */
export const connectionSettingsSchema = z
  .strictObject({
    appId: z
      .string({ error: '请填写 AppID' })
      .trim()
      .regex(/^wx[0-9A-Za-z]{16}$/, { error: `AppID 应为 wx 开头的 18 位字母和数字，见${backOffice}的“开发者ID”` }),
    /** https://api.weixin.qq.com unless given (a gateway, or the local fake in tests). */
    apiBaseUrl: z.string().trim().max(200, { error: '接口地址不能超过 200 个字符' }).optional(),
    appSecret: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{32}$/, { error: `AppSecret 应为 32 位字母和数字，见${backOffice}的“开发者密码”` })
      .optional(),
    token: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{3,32}$/, { error: `Token 应为 3 至 32 位字母或数字，与${backOffice}“服务器配置”中的一致` })
      .optional(),
    encodingAesKey: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{43}$/, {
        error: `EncodingAESKey 应为 43 位字母和数字，与${backOffice}“服务器配置”中的消息加解密密钥一致`,
      })
      .optional(),
    /** Publish a draft for this account as soon as it is fully approved (unchanged when left out). */
    autoPublish: z.boolean().optional(),
    /** The author shown on published articles, at most 16 characters (unchanged when left out; '' for none). */
    author: z.string().trim().max(16, { error: '作者最多 16 个字（公众号的限制）' }).optional(),
    /**
     * The media_id of a permanent image material used as the cover of a draft without an image
     * (unchanged when left out; '' for none).
     */
    defaultCoverMediaId: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z_-]{0,128}$/, { error: '默认封面应为公众号永久图片素材的 media_id' })
      .optional(),
  })
  .meta({ id: 'ConnectionSettings' });
export type ConnectionSettingsBody = z.infer<typeof connectionSettingsSchema>;

export const connectionSchema = z
  .object({
    accountId: z.string(),
    /** unset: no connection; untested: saved, not tested since; connected / failed: the last test. */
    state: connectionStateSchema,
    stateText: z.string(),
    appId: z.string(),
    apiBaseUrl: z.string(),
    /** Whether each write-only secret is stored; never the secret itself. */
    secretsSet: z.object({ appSecret: z.boolean(), token: z.boolean(), encodingAesKey: z.boolean() }),
    /** The path of this account's push URL on this server (服务器地址(URL) in the back office). */
    pushPath: z.string(),
    /** Publishing: automatically after approval, the articles' author, the default cover's media_id. */
    autoPublish: z.boolean(),
    author: z.string(),
    defaultCoverMediaId: z.string(),
    lastTest: z.object({ at: instantSchema, ok: z.boolean(), message: z.string() }).nullable(),
    changedAt: instantSchema.nullable(),
    changedBy: personReferenceSchema.nullable(),
  })
  .meta({ id: 'Connection' });
export type ConnectionView = z.infer<typeof connectionSchema>;
